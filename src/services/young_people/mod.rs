//! Young people's records. Every query carries the caller's scope (ASVS 5.0 V8.2.2): an adviser
//! sees the young people allocated to them, a manager everyone in the teams they manage
//! (allocated or not: a young person belongs to a team from the day they are added), a senior
//! manager everyone,
//! and an administrator without a casework role no one. Out of scope is indistinguishable from
//! missing: both are `NotFound`.

mod allocation;
mod changes;
mod details;
mod history;

pub use allocation::{Allocate, allocate, team_advisers};
pub use changes::{
    Accommodation, AllocationChange, Episode, Event, HistoryChange, Oc3Contact, Override,
    ParentPeriod, SUITABILITY_FACTORS,
};
pub use details::{PersonDetails, allocatable_advisers, create, update_details, validate_details};
pub use history::apply_change;

use chrono::NaiveDate;
use sea_orm::DatabaseTransaction;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::CurrentUser;
use crate::entities::{user, young_person};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta, Target};
pub use crate::services::scope::{clean, display_name, home_team, in_scope, scope};
use crate::services::timeline;
use crate::state::AppState;

/// The caller's young people, ordered by surname.
pub async fn list(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<young_person::Model>, AppError> {
    Ok(young_person::Entity::find()
        .filter(scope(caller))
        .order_by_asc(young_person::Column::FamilyName)
        .order_by_asc(young_person::Column::GivenName)
        .all(&state.db)
        .await?)
}

/// One young person, if the caller may see them. Every successful view is audited; a refused
/// one is audited too, as a denied view.
pub async fn get(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    meta: &RequestMeta,
) -> Result<young_person::Model, AppError> {
    let found = young_person::Entity::find_by_id(id.to_string())
        .filter(scope(caller))
        .one(&state.db)
        .await?;
    match found {
        Some(yp) => {
            audit::record(
                state,
                Some(caller.id()),
                "view_young_person",
                Some(Target::young_person(&yp.id)),
                "success",
                meta,
            )
            .await?;
            Ok(yp)
        }
        None => {
            audit::record(
                state,
                Some(caller.id()),
                "view_young_person",
                Some(Target::young_person(id)),
                "not_found",
                meta,
            )
            .await?;
            Err(AppError::NotFound)
        }
    }
}

/// One young person as a caseload lists them.
pub struct CaseloadRow {
    pub id: String,
    pub adviser_id: Option<String>,
    pub name: String,
    pub age: u32,
    pub status: String,
    pub adviser: String,
    /// How late the personal adviser was allocated ("4 months late"), or empty.
    pub adviser_late: String,
    pub overdue: i32,
    pub next_due: String,
}

/// The caller's caseload as rows for the list page: the most urgent first.
pub async fn caseload(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<CaseloadRow>, AppError> {
    use std::collections::HashMap;
    let people = list(state, caller).await?;
    let adviser_ids: std::collections::BTreeSet<String> =
        people.iter().filter_map(|p| p.adviser_id.clone()).collect();
    let advisers: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(adviser_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let today = state.clock.today();
    let late = late_allocations(state, caller).await?;
    let mut rows: Vec<_> = people
        .into_iter()
        .map(|p| CaseloadRow {
            adviser_late: late
                .get(&p.id)
                .map(|(due, done)| crate::views::lateness(*due, *done))
                .unwrap_or_default(),
            name: display_name(&p),
            age: crate::domain::age::age_years(p.date_of_birth, today),
            status: status_label(&p.legal_status).to_string(),
            adviser: p
                .adviser_id
                .as_ref()
                .and_then(|a| advisers.get(a).cloned())
                .unwrap_or_else(|| "Not allocated".into()),
            overdue: p.overdue_count,
            adviser_id: p.adviser_id.clone(),
            next_due: p
                .next_due
                .map(crate::views::date)
                .unwrap_or_else(|| "Nothing due".into()),
            id: p.id,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.overdue));
    Ok(rows)
}

/// The young people in the caller's scope whose personal adviser came late: PA_ALLOCATED done
/// after its due date, with (due, done). One read of the stored milestones, scoped in SQL.
pub async fn late_allocations(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<std::collections::HashMap<String, (NaiveDate, NaiveDate)>, AppError> {
    use crate::entities::milestone;
    use sea_orm::{ConnectionTrait, JoinType};
    // Driven from the young people in scope (their adviser or team index), each probing the
    // milestones' (young person, code) index: filtering the milestones by code first would read
    // every PA_ALLOCATED row in the authority.
    let q = Query::select()
        .column((milestone::Entity, milestone::Column::YoungPersonId))
        .column((milestone::Entity, milestone::Column::Due))
        .column((milestone::Entity, milestone::Column::DoneOn))
        .from(young_person::Entity)
        .join(
            JoinType::InnerJoin,
            milestone::Entity,
            Condition::all()
                .add(
                    Expr::col((milestone::Entity, milestone::Column::YoungPersonId))
                        .equals((young_person::Entity, young_person::Column::Id)),
                )
                .add(Expr::col((milestone::Entity, milestone::Column::Code)).eq("PA_ALLOCATED")),
        )
        .cond_where(scope(caller))
        .and_where(
            Expr::col((milestone::Entity, milestone::Column::DoneOn))
                .gt(Expr::col((milestone::Entity, milestone::Column::Due))),
        )
        .to_owned();
    let mut out = std::collections::HashMap::new();
    for row in state.db.query_all(&q).await? {
        let id: String = row.try_get_by_index(0)?;
        let due: NaiveDate = row.try_get_by_index(1)?;
        let done: Option<NaiveDate> = row.try_get_by_index(2)?;
        if let Some(done) = done {
            out.insert(id, (due, done));
        }
    }
    Ok(out)
}

pub fn status_label(code: &str) -> &'static str {
    match code {
        "eligible" => "Eligible",
        "relevant" => "Relevant",
        "former_relevant" => "Former relevant",
        "qualifying" => "Qualifying",
        _ => "Not a care leaver yet",
    }
}

/// Recomputes a changed record's timeline in the change's transaction, and enqueues the
/// reminders the change makes due with it.
pub(crate) async fn recompute_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    person: young_person::Model,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    let tl = timeline::recompute(
        txn,
        &state.config.policy,
        &state.holidays,
        person.clone(),
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    // Reminders the change makes due leave with the change, in the same transaction.
    crate::services::reminders::enqueue_for_person(state, txn, &person, &tl).await?;
    Ok(tl)
}

/// Recomputes one young person's stored timeline (used after seeding and by the daily refresh).
/// Nothing changed in the record, so nothing is enqueued here: what the calendar makes due is
/// the scheduler tick's to enqueue.
pub async fn recompute(state: &AppState, id: &str) -> Result<(), AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let person = young_person::Entity::find_by_id(id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    timeline::recompute(
        &txn,
        &state.config.policy,
        &state.holidays,
        person,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Recomputes every young person's stored status and milestones, so that a milestone that falls
/// overdue with no change to the record still shows on every list (RULES.md section 3).
/// Returns how many were refreshed; one failure is logged and does not stop the rest.
pub async fn refresh_all(state: &AppState) -> Result<usize, AppError> {
    use sea_orm::QuerySelect;
    let ids: Vec<String> = young_person::Entity::find()
        .select_only()
        .column(young_person::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut done = 0;
    for id in ids {
        match recompute(state, &id).await {
            Ok(()) => done += 1,
            Err(e) => tracing::warn!(error = %e, "timeline refresh failed for one young person"),
        }
    }
    Ok(done)
}

/// Loads a young person inside a transaction, in the caller's scope.
async fn scoped_in_txn(
    txn: &DatabaseTransaction,
    caller: &CurrentUser,
    id: &str,
) -> Result<young_person::Model, AppError> {
    young_person::Entity::find_by_id(id.to_string())
        .filter(scope(caller))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The full record for display, loaded in the caller's scope and audited as a view.
pub async fn record(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    meta: &RequestMeta,
) -> Result<timeline::Record, AppError> {
    let person = get(state, caller, id, meta).await?;
    timeline::load(&state.db, person).await
}
