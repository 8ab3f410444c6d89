use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accommodations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    pub kind: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub provided_by_authority: bool,
    /// JSON: CLR 2010 Schedule 2 factor code -> { "met": bool, "note": text }
    #[sea_orm(column_type = "Text")]
    pub suitability: String,
    pub suitable: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub move_reason: Option<String>,
    pub temporary: bool,
    pub pa_visit_scheduled_for: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
