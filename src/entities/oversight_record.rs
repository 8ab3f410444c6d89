use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oversight_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    /// decision | informal_guidance | plan_approval | plan_return | due_date_override | supervision
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub decision: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub rationale: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reflection: Option<String>,
    /// JSON list of `services::oversight::OversightAction`.
    #[sea_orm(column_type = "Text")]
    pub actions: String,
    pub source_id: Option<String>,
    pub recorded_by: String,
    pub recorded_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
