use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub audit_id: String,
    pub young_person_id: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub owner_id: String,
    pub due: Date,
    /// open | done
    pub status: String,
    pub completed_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
