use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "care_episodes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub young_person_id: String,
    pub start_date: Date,
    /// The day care ended (the child is looked after up to the day before); None while open.
    pub end_date: Option<Date>,
    pub legal_basis: String,
    pub short_breaks_only: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
