use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "young_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub local_id: String,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Date,
    pub gender: Option<String>,
    pub pronouns: Option<String>,
    pub ethnicity: Option<String>,
    pub first_language: Option<String>,
    pub disability: Option<String>,
    pub uasc: bool,
    pub trafficked: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub adviser_id: Option<String>,
    /// The team the young person belongs to from the day they are added, allocated or not.
    pub team_id: Option<String>,
    pub social_worker: Option<String>,
    pub special_guardianship: bool,
    pub education_after21: bool,
    pub requested_pa_after21: bool,
    /// Computed from the care history (RULES.md section 1); never typed in.
    pub legal_status: String,
    pub next_due: Option<Date>,
    pub overdue_count: i32,
    /// Optimistic concurrency: every change must name the version it was made from.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
