use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub password_hash: String,
    /// adviser | manager | senior_manager | none
    pub role: String,
    pub is_admin: bool,
    pub team_id: Option<String>,
    pub disabled: bool,
    pub sessions_valid_after: Option<DateTimeUtc>,
    /// immediate | digest: how the non-urgent reminders reach this user.
    pub reminder_delivery: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
