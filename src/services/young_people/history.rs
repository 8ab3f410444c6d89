//! Changes to the care history and events. Each kind of change is a struct whose derives check
//! what can be checked from the change alone; what depends on the record (the date of birth,
//! overlapping periods, the legal status on the day) is checked here against what is recorded.
//! Each change runs in one transaction with its audit entry and the timeline recomputation, so a
//! change is never stored without its consequences, and bad input stores nothing.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};
use validator::{Validate, ValidationError};

use super::details::{allocatable_advisers, in_team};
use super::{recompute_in, scoped_in_txn};
use crate::auth::CurrentUser;
use crate::entities::{
    accommodation, allocation, care_episode, milestone_override, parent_period, timeline_event,
    user, young_person,
};
use crate::error::{AppError, FieldError};
use crate::input::{self, Labels, de};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::{clean, home_team};
use crate::services::timeline;
use crate::state::AppState;

/// A change to the care history or an event, validated against what is already recorded.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryChange {
    /// A looked-after episode. `end_date` is the day care ended; leave it out while open.
    Episode(Episode),
    /// A period back living with a parent or a person with parental responsibility.
    ParentPeriod(ParentPeriod),
    /// A place the young person lived, with its suitability against CLR 2010 Schedule 2.
    Accommodation(Accommodation),
    /// A change of personal adviser or social worker, with the reason.
    Allocation(AllocationChange),
    /// Something that moves the timeline (see `EVENT_KINDS`).
    Event(Event),
    /// The care-leaver data for the SSDA903 return (the OC3 table): recorded around each
    /// birthday from 17 to 21, and at the latest contact from 22 to 25.
    Oc3(Oc3Contact),
    /// A manager's override of a policy due date (never a statutory one), with the reason.
    Override(Override),
}

impl HistoryChange {
    /// The checks that need nothing but the change and the day.
    pub fn check(&self, today: &NaiveDate) -> Result<(), AppError> {
        match self {
            HistoryChange::Episode(c) => input::check_on(c, today),
            HistoryChange::ParentPeriod(c) => input::check_on(c, today),
            HistoryChange::Accommodation(c) => input::check_on(c, today),
            HistoryChange::Allocation(c) => input::check_on(c, today),
            HistoryChange::Event(c) => input::check_on(c, today),
            HistoryChange::Oc3(c) => input::check_on(c, today),
            HistoryChange::Override(c) => input::check_on(c, today),
        }
    }
}

fn in_past(d: &NaiveDate, today: &NaiveDate) -> Result<(), ValidationError> {
    input::not_future(d, today)
}

/// An end date is after its start date (and, like it, not in the future).
fn ends_after(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), ValidationError> {
    match end {
        Some(end) if end <= start => Err(input::about(
            "end_date",
            "order",
            "The end date must be after the start date".into(),
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate, schema(function = "episode_order", skip_on_field_errors = false))]
pub struct Episode {
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    /// For example s20, or s31 care order.
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the legal basis, for example s20 or s31 care order"
        ),
        length(max = 100),
        custom(function = "input::one_line")
    )]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub legal_basis: String,
    #[serde(default)]
    pub short_breaks_only: bool,
}

fn episode_order(e: &Episode) -> Result<(), ValidationError> {
    ends_after(e.start_date, e.end_date)
}

impl Labels for Episode {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("start_date", "The start date"),
        ("end_date", "The end date"),
        ("legal_basis", "Legal basis"),
    ];
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate, schema(function = "period_order", skip_on_field_errors = false))]
pub struct ParentPeriod {
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<NaiveDate>,
}

fn period_order(p: &ParentPeriod) -> Result<(), ValidationError> {
    ends_after(p.start_date, p.end_date)
}

impl Labels for ParentPeriod {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("start_date", "The start date"),
        ("end_date", "The end date"),
    ];
}

/// CLR 2010 Schedule 2: matters to consider in deciding whether accommodation is suitable.
pub const SUITABILITY_FACTORS: &[(&str, &str)] = &[
    ("facilities", "Facilities and services are adequate"),
    ("state_of_repair", "The state of repair is acceptable"),
    ("safety", "It is safe"),
    ("location", "The location suits the young person"),
    ("support", "Support is available there"),
    ("tenancy", "The tenancy or licence arrangements are clear"),
    (
        "financial_commitments",
        "The young person can afford it and manage the commitments",
    ),
    ("views", "The young person's views were taken into account"),
    (
        "health_needs",
        "It meets their health needs, including any disability",
    ),
    (
        "education_and_work",
        "It supports their education, training or work",
    ),
];

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate, schema(function = "accommodation_order", skip_on_field_errors = false))]
pub struct Accommodation {
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the type of accommodation"
        ),
        length(max = 100),
        custom(function = "input::one_line")
    )]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub kind: String,
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub provided_by_authority: bool,
    /// Schedule 2 factors that were NOT met (codes from `SUITABILITY_FACTORS`).
    #[serde(default)]
    #[validate(custom(function = "schedule_2"))]
    pub unmet_factors: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 2000), custom(function = "input::lines"))]
    #[schema(max_length = 2000)]
    pub suitability_notes: Option<String>,
    #[serde(default)]
    pub temporary: bool,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 1000), custom(function = "input::lines"))]
    #[schema(max_length = 1000)]
    pub move_reason: Option<String>,
    /// Required when a relevant child moves into accommodation the authority provides:
    /// the personal adviser's first visit, within 7 days (CLR 2010 reg 8(2)(a)).
    #[serde(default, deserialize_with = "de::opt_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub pa_visit_scheduled_for: Option<NaiveDate>,
}

fn accommodation_order(a: &Accommodation) -> Result<(), ValidationError> {
    ends_after(a.start_date, a.end_date)
}

fn schedule_2(factors: &[String]) -> Result<(), ValidationError> {
    match factors
        .iter()
        .find(|f| !SUITABILITY_FACTORS.iter().any(|(c, _)| c == f))
    {
        Some(_) => Err(ValidationError::new("factor")
            .with_message("Choose factors from the Schedule 2 list".into())),
        None => Ok(()),
    }
}

impl Labels for Accommodation {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("kind", "Type of accommodation"),
        ("start_date", "The date they moved in"),
        ("end_date", "The date they moved out"),
        ("provided_by_authority", "Provided by the authority"),
        ("unmet_factors", "Suitability"),
        ("suitability_notes", "Notes on suitability"),
        ("temporary", "Temporary"),
        ("move_reason", "Reason for the move"),
        ("pa_visit_scheduled_for", "The visit date"),
    ];
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate, schema(function = "named", skip_on_field_errors = false))]
pub struct AllocationChange {
    #[serde(default)]
    /// `personal_adviser` or `social_worker`.
    #[validate(custom(function = "role"))]
    #[schema(required = true, pattern = "^(personal_adviser|social_worker)$")]
    pub role: String,
    /// The personal adviser (a practitioner the caller may allocate).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub user_id: Option<String>,
    /// The social worker's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub person_name: Option<String>,
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub start_date: NaiveDate,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the reason for the change"
        ),
        length(max = 1000),
        custom(function = "input::lines")
    )]
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub reason: String,
}

fn role(r: &str) -> Result<(), ValidationError> {
    if matches!(r, "personal_adviser" | "social_worker") {
        Ok(())
    } else {
        Err(ValidationError::new("role")
            .with_message("Choose personal adviser or social worker".into()))
    }
}

fn named(a: &AllocationChange) -> Result<(), ValidationError> {
    match a.role.as_str() {
        "personal_adviser" if a.user_id.is_none() => Err(input::about(
            "user_id",
            "required",
            "Choose the personal adviser".into(),
        )),
        "social_worker" if a.person_name.is_none() => Err(input::about(
            "person_name",
            "required",
            "Enter the social worker's name".into(),
        )),
        _ => Ok(()),
    }
}

impl Labels for AllocationChange {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("role", "Role"),
        ("user_id", "Personal adviser"),
        ("person_name", "Social worker's name"),
        ("start_date", "The start date"),
        ("reason", "Reason for the change"),
    ];
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate, schema(function = "event_rules", use_context, skip_on_field_errors = false))]
pub struct Event {
    #[serde(default)]
    #[validate(custom(function = "event_kind"))]
    #[schema(required = true)]
    pub kind: String,
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// For a missing episode: the date the young person returned.
    #[serde(default, deserialize_with = "de::opt_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 4000), custom(function = "input::lines"))]
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// Return home interview, advocacy or independent visitor: who offered it.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 200), custom(function = "input::one_line"))]
    #[schema(max_length = 200)]
    pub offered_by: Option<String>,
    /// Whether the offer was accepted (taken up).
    #[serde(default, deserialize_with = "de::yes_no")]
    pub accepted: Option<bool>,
    /// A return home interview: what was learned, and the actions taken into the plan.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 4000), custom(function = "input::lines"))]
    #[schema(max_length = 4000)]
    pub learned: Option<String>,
}

const OFFERS: [&str; 3] = [
    "return_interview_offered",
    "advocacy_offered",
    "independent_visitor_offered",
];

fn event_kind(kind: &str) -> Result<(), ValidationError> {
    let message = if kind == "oc3_recorded" {
        "Record care-leaver data on its own form, with the answers the return needs"
    } else if !timeline::EVENT_KINDS.iter().any(|(k, _)| *k == kind) {
        "Choose what happened"
    } else {
        return Ok(());
    };
    Err(ValidationError::new("kind").with_message(message.into()))
}

fn event_rules(e: &Event, today: &NaiveDate) -> Result<(), ValidationError> {
    if OFFERS.contains(&e.kind.as_str()) && e.offered_by.is_none() {
        return Err(input::about(
            "offered_by",
            "required",
            "Say who offered it".into(),
        ));
    }
    let Some(end) = e.end_date else {
        return Ok(());
    };
    let message = if e.kind != "missing_episode" {
        "Only a missing episode has a return date"
    } else if end < e.date {
        "The return date must be on or after the date they went missing"
    } else if end > *today {
        "The return date must be today or in the past"
    } else {
        return Ok(());
    };
    Err(input::about("end_date", "order", message.into()))
}

impl Labels for Event {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("kind", "What happened"),
        ("date", "The date"),
        ("end_date", "The return date"),
        ("offered_by", "Offered by"),
        ("accepted", "Accepted"),
        ("learned", "What was learned"),
        ("notes", "Notes"),
    ];
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate)]
pub struct Oc3Contact {
    #[serde(deserialize_with = "de::date")]
    #[validate(custom(function = "in_past", use_context))]
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[serde(default)]
    /// An SSDA903 IN_TOUCH code.
    #[validate(length(max = 4), custom(function = "input::one_line"))]
    #[schema(required = true, max_length = 4)]
    pub in_touch: String,
    #[serde(default)]
    /// An SSDA903 ACTIV code.
    #[validate(length(max = 4), custom(function = "input::one_line"))]
    #[schema(required = true, max_length = 4)]
    pub activity: String,
    #[serde(default)]
    /// An accommodation letter with 1 (suitable) or 2 (unsuitable), or 0.
    #[validate(length(max = 4), custom(function = "input::one_line"))]
    #[schema(required = true, max_length = 4)]
    pub accommodation: String,
}

impl Labels for Oc3Contact {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("date", "The date"),
        ("in_touch", "In touch"),
        ("activity", "Main activity"),
        ("accommodation", "Where they live"),
    ];
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate)]
pub struct Override {
    #[serde(default)]
    /// A milestone whose due date is set by local policy (a statutory one cannot be moved).
    #[validate(custom(function = "overridable"))]
    #[schema(required = true)]
    pub code: String,
    #[serde(deserialize_with = "de::date")]
    #[schema(value_type = String, format = Date)]
    pub due: NaiveDate,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the reason for the new due date"
        ),
        length(max = 2000),
        custom(function = "input::lines")
    )]
    #[schema(required = true, min_length = 1, max_length = 2000)]
    pub reason: String,
}

fn overridable(code: &str) -> Result<(), ValidationError> {
    match crate::domain::timeline::MilestoneCode::parse(code) {
        None => Err(ValidationError::new("code").with_message("Choose a milestone".into())),
        Some(c) => crate::domain::timeline::check_override(c)
            .map_err(|m| ValidationError::new("code").with_message(m.to_string().into())),
    }
}

impl Labels for Override {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("code", "Milestone"),
        ("due", "The due date"),
        ("reason", "Reason"),
    ];
}

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
