//! Changes to the care history and events. Each kind of change is a struct whose derives check
//! what can be checked from the change alone; what depends on the record (the date of birth,
//! overlapping periods, the legal status on the day) is checked here against what is recorded.
//! Each change runs in one transaction with its audit entry and the timeline recomputation, so a
//! change is never stored without its consequences, and bad input stores nothing.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};

use super::changes::{
    Accommodation, AllocationChange, Episode, Event, HistoryChange, OFFERS, Oc3Contact, Override,
    ParentPeriod, SUITABILITY_FACTORS,
};
use super::details::{allocatable_advisers, in_team};
use super::{recompute_in, scoped_in_txn};
use crate::auth::CurrentUser;
use crate::entities::{
    accommodation, allocation, care_episode, milestone_override, parent_period, timeline_event,
    user, young_person,
};
use crate::error::{AppError, FieldError};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::{clean, home_team};
use crate::services::timeline;
use crate::state::AppState;

// ----- applying a change ----------------------------------------------------------------------

fn overlaps(
    a_start: NaiveDate,
    a_end: Option<NaiveDate>,
    b_start: NaiveDate,
    b_end: Option<NaiveDate>,
) -> bool {
    let a_end = a_end.unwrap_or(NaiveDate::MAX);
    let b_end = b_end.unwrap_or(NaiveDate::MAX);
    a_start < b_end && b_start < a_end
}

/// A date as people read it in a message: 3 December 2026.
fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation(vec![FieldError::new(field, message)])
}

fn refuse(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn after_birth(field: &str, what: &str, date: NaiveDate, dob: NaiveDate) -> Result<(), AppError> {
    if date < dob {
        return Err(invalid(
            field,
            format!("{what} must be on or after the date of birth"),
        ));
    }
    Ok(())
}

/// What every change needs to be written: the transaction, the young person as recorded, and
/// who makes it when.
struct Change<'a> {
    state: &'a AppState,
    caller: &'a CurrentUser,
    txn: &'a DatabaseTransaction,
    person: &'a young_person::Model,
    record: &'a timeline::Record,
    new_id: String,
    today: NaiveDate,
    now: DateTime<Utc>,
}

pub async fn apply_change(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    change: HistoryChange,
    meta: &RequestMeta,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    if matches!(change, HistoryChange::Override(_)) && !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    change.check(&today)?;
    let txn = crate::db::begin_write(&state.db).await?;
    let person = scoped_in_txn(&txn, caller, id).await?;
    let record = timeline::load(&txn, person.clone()).await?;
    let c = Change {
        state,
        caller,
        txn: &txn,
        person: &person,
        record: &record,
        new_id: uuid::Uuid::now_v7().to_string(),
        today,
        now: state.clock.now(),
    };
    let action = match change {
        HistoryChange::Episode(e) => add_episode(&c, e).await?,
        HistoryChange::ParentPeriod(p) => add_parent_period(&c, p).await?,
        HistoryChange::Accommodation(a) => add_accommodation(&c, a).await?,
        HistoryChange::Allocation(a) => change_allocation(&c, a).await?,
        HistoryChange::Event(e) => add_event(&c, e).await?,
        HistoryChange::Oc3(o) => add_oc3(&c, o).await?,
        HistoryChange::Override(o) => override_due_date(&c, o).await?,
    };
    audit::record_on(
        &txn,
        c.now,
        Some(caller.id()),
        action,
        Some(Target::young_person(id)),
        "success",
        meta,
    )
    .await?;
    let fresh = young_person::Entity::find_by_id(id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let tl = recompute_in(state, &txn, fresh).await?;
    txn.commit().await?;
    Ok(tl)
}

async fn add_episode(c: &Change<'_>, e: Episode) -> Result<&'static str, AppError> {
    after_birth(
        "start_date",
        "The start date",
        e.start_date,
        c.person.date_of_birth,
    )?;
    if let Some(other) = c
        .record
        .episodes
        .iter()
        .find(|x| overlaps(e.start_date, e.end_date, x.start_date, x.end_date))
    {
        return Err(invalid(
            "start_date",
            format!(
                "This episode overlaps the episode that started on {}",
                long(other.start_date)
            ),
        ));
    }
    care_episode::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        start_date: Set(e.start_date),
        end_date: Set(e.end_date),
        legal_basis: Set(e.legal_basis.trim().to_string()),
        short_breaks_only: Set(e.short_breaks_only),
    }
    .insert(c.txn)
    .await?;
    Ok("add_care_episode")
}

async fn add_parent_period(c: &Change<'_>, p: ParentPeriod) -> Result<&'static str, AppError> {
    after_birth(
        "start_date",
        "The start date",
        p.start_date,
        c.person.date_of_birth,
    )?;
    if c.record
        .parent_periods
        .iter()
        .any(|x| overlaps(p.start_date, p.end_date, x.start_date, x.end_date))
    {
        return Err(invalid(
            "start_date",
            "This period overlaps another period living with a parent",
        ));
    }
    parent_period::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        start_date: Set(p.start_date),
        end_date: Set(p.end_date),
    }
    .insert(c.txn)
    .await?;
    Ok("add_parent_period")
}

/// CLR 2010 reg 8(2)(a): a relevant child placed in accommodation the authority provides is
/// visited by the personal adviser within 7 days. The move cannot be recorded without that
/// visit scheduled (RULES.md section 3).
fn first_visit(c: &Change<'_>, a: &Accommodation) -> Option<FieldError> {
    let status_then = crate::domain::status::status_on(&c.record.history(), a.start_date).status;
    if !a.provided_by_authority || status_then != crate::domain::status::LegalStatus::Relevant {
        return None;
    }
    let days = i64::from(c.state.config.policy.pa_visit_first_days);
    let limit = a.start_date + chrono::Duration::days(days);
    let field = "pa_visit_scheduled_for";
    match a.pa_visit_scheduled_for {
        None => Some(FieldError::new(
            field,
            format!(
                "Schedule the personal adviser's visit: a relevant child placed in authority accommodation must be visited within 7 days (by {})",
                long(limit)
            ),
        )),
        Some(v) if v < a.start_date || v > limit => Some(FieldError::new(
            field,
            format!(
                "The visit must be between {} and {} (CLR 2010 reg 8(2)(a))",
                long(a.start_date),
                long(limit)
            ),
        )),
        Some(_) => None,
    }
}

async fn add_accommodation(c: &Change<'_>, a: Accommodation) -> Result<&'static str, AppError> {
    after_birth(
        "start_date",
        "The date they moved in",
        a.start_date,
        c.person.date_of_birth,
    )?;
    let mut errors: Vec<FieldError> = first_visit(c, &a).into_iter().collect();
    if errors.is_empty()
        && c.record
            .accommodations
            .iter()
            .any(|x| overlaps(a.start_date, a.end_date, x.start_date, x.end_date))
    {
        errors.push(FieldError::new(
            "start_date",
            "This overlaps another accommodation: record an end date for the earlier one first",
        ));
    }
    refuse(errors)?;
    let mut suitability: serde_json::Map<String, serde_json::Value> = SUITABILITY_FACTORS
        .iter()
        .map(|(f, _)| {
            let met = !a.unmet_factors.iter().any(|u| u == f);
            (f.to_string(), serde_json::Value::Bool(met))
        })
        .collect();
    if let Some(n) = clean(&a.suitability_notes) {
        suitability.insert("notes".into(), serde_json::Value::String(n));
    }
    accommodation::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        kind: Set(a.kind.trim().to_string()),
        start_date: Set(a.start_date),
        end_date: Set(a.end_date),
        provided_by_authority: Set(a.provided_by_authority),
        suitability: Set(serde_json::Value::Object(suitability).to_string()),
        suitable: Set(a.unmet_factors.is_empty()),
        move_reason: Set(clean(&a.move_reason)),
        temporary: Set(a.temporary),
        pa_visit_scheduled_for: Set(a.pa_visit_scheduled_for),
    }
    .insert(c.txn)
    .await?;
    Ok("add_accommodation")
}

async fn change_allocation(c: &Change<'_>, a: AllocationChange) -> Result<&'static str, AppError> {
    // A personal adviser must be one the caller may allocate; their name comes from their account.
    let (uid, name) = match (a.role.as_str(), &a.user_id) {
        ("personal_adviser", Some(u)) => {
            let allowed = allocatable_advisers(c.state, c.caller).await?;
            let Some(adviser) = allowed.into_iter().find(|x| &x.id == u) else {
                return Err(invalid(
                    "user_id",
                    "Choose a personal adviser you can allocate",
                ));
            };
            (Some(adviser.id), adviser.name)
        }
        _ => (None, clean(&a.person_name).unwrap_or_default()),
    };
    // The previous allocation for this role ends the day the new one starts.
    for open in c
        .record
        .allocations
        .iter()
        .filter(|x| x.role == a.role && x.end_date.is_none())
    {
        let mut am: allocation::ActiveModel = open.clone().into();
        am.end_date = Set(Some(std::cmp::Ord::max(a.start_date, open.start_date)));
        am.update(c.txn).await?;
    }
    allocation::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        role: Set(a.role.clone()),
        user_id: Set(uid.clone()),
        person_name: Set(name.clone()),
        start_date: Set(a.start_date),
        end_date: Set(None),
        reason: Set(Some(a.reason.trim().to_string())),
    }
    .insert(c.txn)
    .await?;
    let mut am: young_person::ActiveModel = c.person.clone().into();
    if a.role == "personal_adviser" {
        // The young person stays in (or joins) their new adviser's team.
        if let Some(adviser) = &uid
            && let Some(u) = user::Entity::find_by_id(adviser.clone()).one(c.txn).await?
            && !in_team(c.txn, &u, c.person.team_id.as_deref()).await?
            && let Some(t) = home_team(c.txn, &u).await?
        {
            am.team_id = Set(Some(t));
        }
        am.adviser_id = Set(uid);
    } else {
        am.social_worker = Set(Some(name));
    }
    am.update(c.txn).await?;
    Ok("change_allocation")
}

async fn add_event(c: &Change<'_>, e: Event) -> Result<&'static str, AppError> {
    after_birth("date", "The date", e.date, c.person.date_of_birth)?;
    let details = OFFERS.contains(&e.kind.as_str()).then(|| {
        serde_json::json!({
            "offered_by": clean(&e.offered_by),
            "accepted": e.accepted,
            "learned": clean(&e.learned),
        })
        .to_string()
    });
    timeline_event::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        kind: Set(e.kind),
        event_date: Set(e.date),
        end_date: Set(e.end_date),
        notes: Set(clean(&e.notes)),
        recorded_by: Set(Some(c.caller.id().to_string())),
        details: Set(details),
        created_at: Set(c.now),
    }
    .insert(c.txn)
    .await?;
    Ok("add_event")
}

async fn add_oc3(c: &Change<'_>, o: Oc3Contact) -> Result<&'static str, AppError> {
    let oc3 = crate::domain::ssda903::Oc3 {
        in_touch: o.in_touch.trim().to_uppercase(),
        activity: o.activity.trim().to_uppercase(),
        accommodation: o.accommodation.trim().to_uppercase(),
    };
    let window = c.state.config.policy.oc3_window_before_months;
    let age = crate::domain::ssda903::age_for(c.person.date_of_birth, o.date, window);
    let mut errors: Vec<FieldError> = vec![];
    for f in crate::domain::ssda903::validate(&oc3, age) {
        if !errors.iter().any(|e| e.field == f.field) {
            errors.push(FieldError::new(f.field, f.message));
        }
    }
    refuse(errors)?;
    timeline_event::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        kind: Set("oc3_recorded".into()),
        event_date: Set(o.date),
        end_date: Set(None),
        notes: Set(None),
        recorded_by: Set(Some(c.caller.id().to_string())),
        details: Set(Some(serde_json::to_string(&oc3).unwrap_or_default())),
        created_at: Set(c.now),
    }
    .insert(c.txn)
    .await?;
    Ok("add_oc3")
}

async fn override_due_date(c: &Change<'_>, o: Override) -> Result<&'static str, AppError> {
    if o.due <= c.person.date_of_birth {
        return Err(invalid(
            "due",
            "The due date must be after the date of birth",
        ));
    }
    crate::services::oversight::write_record(
        c.txn,
        &c.person.id,
        "due_date_override",
        &format!("{} due date set to {}", o.code, long(o.due)),
        Some(o.reason.trim().to_string()),
        None,
        &[],
        Some(c.new_id.clone()),
        c.caller.id(),
        c.today,
        c.now,
    )
    .await?;
    milestone_override::ActiveModel {
        id: Set(c.new_id.clone()),
        young_person_id: Set(c.person.id.clone()),
        code: Set(o.code),
        due: Set(o.due),
        reason: Set(o.reason.trim().to_string()),
        user_id: Set(c.caller.id().to_string()),
        created_at: Set(c.now),
    }
    .insert(c.txn)
    .await?;
    Ok("override_due_date")
}
