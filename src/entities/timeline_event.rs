use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timeline_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    pub kind: String,
    pub event_date: Date,
    pub end_date: Option<Date>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    pub recorded_by: Option<String>,
    /// JSON details, e.g. a return home interview's who, whether accepted, what was learned.
    #[sea_orm(column_type = "Text", nullable)]
    pub details: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
