use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    pub version_no: i32,
    /// draft | submitted | approved | returned | superseded
    pub status: String,
    /// `domain::plan::PlanContent` as JSON.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Optimistic concurrency: bumped by every save.
    pub lock_version: i32,
    pub previous_plan_id: Option<String>,
    pub started_on: Date,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision: Option<String>,
    pub approved_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
