//! The changes to the care history and events, as the page's forms and the API's bodies. Each
//! kind of change is a struct whose derives check what can be checked from the change alone; what
//! depends on the record is checked when the change is applied (`history`).

use chrono::NaiveDate;
use validator::{Validate, ValidationError};

use crate::error::AppError;
use crate::input::{self, Labels, de};
use crate::services::timeline;

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

pub(super) const OFFERS: [&str; 3] = [
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
