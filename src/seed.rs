//! The demo authority: an administrator, a manager, two personal advisers and a dozen young
//! people aged 15 to 22 with varied care histories. Dates are relative to today so the demo always
//! shows a realistic mix of upcoming, due and overdue milestones.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::state::AppState;

mod awaiting;
mod oversight;
mod people;
mod plans;
mod staff;

pub const DEMO_ACCOUNTS: [&str; 5] = [
    "admin@demo.test",
    "manager@demo.test",
    "adviser@demo.test",
    "adviser2@demo.test",
    "senior@demo.test",
];

/// Whether the demo authority should be loaded: the database has no users, or holds only a demo
/// authority that an interrupted start left half-loaded (no completion record).
pub async fn is_empty(state: &AppState) -> anyhow::Result<bool> {
    use crate::entities::{audit_event, user};
    use sea_orm::{ColumnTrait, QueryFilter};
    if user::Entity::find().count(&state.db).await? == 0 {
        return Ok(true);
    }
    let complete = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(SEED_COMPLETE))
        .count(&state.db)
        .await?
        > 0;
    if complete {
        return Ok(false);
    }
    let users = user::Entity::find().all(&state.db).await?;
    Ok(users
        .iter()
        .all(|u| DEMO_ACCOUNTS.contains(&u.email.as_str())))
}

/// The audit entry that records a completely loaded demo authority.
const SEED_COMPLETE: &str = "demo_seeded";

/// Removes a half-loaded demo authority (only ever called when `is_empty` found nothing but demo
/// accounts and no completion record), children before parents. The audit log is kept.
async fn clear_partial_demo(state: &AppState) -> anyhow::Result<()> {
    use crate::entities::*;
    let db = &state.db;
    audit_moderation::Entity::delete_many().exec(db).await?;
    audit_action::Entity::delete_many().exec(db).await?;
    case_audit::Entity::delete_many().exec(db).await?;
    supervision::Entity::delete_many().exec(db).await?;
    oversight_record::Entity::delete_many().exec(db).await?;
    plan::Entity::delete_many().exec(db).await?;
    milestone_override::Entity::delete_many().exec(db).await?;
    milestone::Entity::delete_many().exec(db).await?;
    timeline_event::Entity::delete_many().exec(db).await?;
    allocation::Entity::delete_many().exec(db).await?;
    accommodation::Entity::delete_many().exec(db).await?;
    parent_period::Entity::delete_many().exec(db).await?;
    care_episode::Entity::delete_many().exec(db).await?;
    young_person::Entity::delete_many().exec(db).await?;
    session::Entity::delete_many().exec(db).await?;
    email_outbox::Entity::delete_many().exec(db).await?;
    login_attempt::Entity::delete_many().exec(db).await?;
    user::Entity::delete_many().exec(db).await?;
    team::Entity::delete_many().exec(db).await?;
    Ok(())
}

/// A date `years` and `months` before `today`.
fn ago(today: NaiveDate, years: u32, months: u32) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(years * 12 + months))
        .unwrap_or(today)
}

/// The day and the instant a part of the demo is dated from, read once for the whole part.
#[derive(Clone, Copy)]
struct Dates {
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Dates {
    fn read(state: &AppState) -> Self {
        Dates {
            today: state.clock.today(),
            now: state.clock.now(),
        }
    }
}

/// The demo team and its two personal advisers (Priya Shah, then Sam Reid).
struct Staff {
    team_id: String,
    advisers: [crate::entities::user::Model; 2],
}

/// A demo young person as loaded: (id, local id, their adviser's name).
type Seeded = (String, String, String);

/// Loads the demo authority: its staff, the young people and their records, plans, oversight and
/// the referrals awaiting allocation, then works out every timeline.
pub async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    if crate::entities::user::Entity::find()
        .count(&state.db)
        .await?
        > 0
    {
        clear_partial_demo(state).await?;
    }
    let staff = staff::seed_staff(state).await?;
    let created = people::seed_people(state, &staff).await?;
    plans::seed_plans(state, &created).await?;
    oversight::seed_oversight(state, &created).await?;
    let waiting = awaiting::seed_awaiting_allocation(state, &staff.team_id).await?;
    for id in created.iter().map(|(id, _, _)| id).chain(&waiting) {
        crate::services::young_people::recompute(state, id).await?;
    }
    crate::services::audit::record(
        state,
        None,
        SEED_COMPLETE,
        None,
        "success",
        &Default::default(),
    )
    .await?;
    Ok(())
}
