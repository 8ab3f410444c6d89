use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    pub code: String,
    pub due: Date,
    pub state: String,
    pub done_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub rule: String,
    pub source: String,
    pub statutory: bool,
    pub escalated: bool,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
