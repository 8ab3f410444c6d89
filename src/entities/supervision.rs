use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub adviser_id: String,
    pub supervisor_id: String,
    pub session_date: Date,
    /// one_to_one | group
    pub format: String,
    #[sea_orm(column_type = "Text")]
    pub reflection: String,
    #[sea_orm(column_type = "Text")]
    pub challenge: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub wellbeing: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub workload: Option<String>,
    pub next_date: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
