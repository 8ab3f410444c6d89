//! Management oversight on the case file, supervision of practitioners, and case audits with
//! moderation (issue: management oversight). Ofsted found oversight in Barnet "not consistent,
//! reflective or regular", informal guidance unrecorded, and some workers supervised by three
//! managers in a year. Everything here is recorded, dated and attributable.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::entities::oversight_record;
use crate::error::AppError;
use crate::input::{self, Labels, de};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::clean;
use crate::state::AppState;
use validator::{Validate, ValidationError};

mod audits;
mod sessions;

pub use audits::*;
pub use sessions::*;

pub const OVERSIGHT_KINDS: &[(&str, &str)] = &[
    ("decision", "Management decision"),
    ("informal_guidance", "Informal guidance"),
    ("plan_approval", "Plan approved"),
    ("plan_return", "Plan returned for changes"),
    ("due_date_override", "Policy due date changed"),
    ("supervision", "Discussed in supervision"),
];

pub fn kind_label(k: &str) -> &'static str {
    OVERSIGHT_KINDS
        .iter()
        .find(|(c, _)| *c == k)
        .map(|(_, l)| *l)
        .unwrap_or("Oversight")
}

/// An action agreed in an oversight record: what, who, by when. A row left wholly empty on the
/// page is no action at all; a row begun must say all three.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
// One `schema(...)` per rule, so that each missing part of a row gets its own message.
#[allow(clippy::duplicated_attributes)]
#[validate(
    schema(function = "action_what", skip_on_field_errors = false),
    schema(function = "action_who", skip_on_field_errors = false),
    schema(function = "action_by", skip_on_field_errors = false)
)]
pub struct OversightAction {
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "input::lines"))]
    #[schema(max_length = 2000)]
    pub what: String,
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "input::one_line"))]
    #[schema(max_length = 200)]
    pub who: String,
    /// Today or later.
    #[serde(default, deserialize_with = "de::opt_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub by_when: Option<NaiveDate>,
}

impl OversightAction {
    pub fn is_empty(&self) -> bool {
        self.what.trim().is_empty() && self.who.trim().is_empty() && self.by_when.is_none()
    }
}

fn action_what(a: &OversightAction) -> Result<(), ValidationError> {
    if !a.is_empty() && a.what.trim().is_empty() {
        return Err(input::about(
            "what",
            "required",
            "Say what the action is".into(),
        ));
    }
    Ok(())
}

fn action_who(a: &OversightAction) -> Result<(), ValidationError> {
    if !a.is_empty() && a.who.trim().is_empty() {
        return Err(input::about("who", "required", "Say who will do it".into()));
    }
    Ok(())
}

fn action_by(a: &OversightAction) -> Result<(), ValidationError> {
    if !a.is_empty() && a.by_when.is_none() {
        return Err(input::about("by_when", "required", "Say by when".into()));
    }
    Ok(())
}

/// An action agreed today is due today or later (the first one that is not, by its place:
/// `actions[1].by_when`).
pub(crate) fn actions_ahead(
    prefix: &str,
    actions: &[OversightAction],
    today: &NaiveDate,
) -> Result<(), ValidationError> {
    match actions
        .iter()
        .position(|a| a.by_when.is_some_and(|d| d < *today))
    {
        Some(i) => Err(input::about(
            &format!("{prefix}actions[{i}].by_when"),
            "past",
            "By when must be today or later".into(),
        )),
        None => Ok(()),
    }
}

fn oversight_ahead(o: &NewOversight, today: &NaiveDate) -> Result<(), ValidationError> {
    actions_ahead("", &o.actions, today)
}

/// The actions that were filled in (rows left empty on the page are dropped).
pub fn given(actions: Vec<OversightAction>) -> Vec<OversightAction> {
    actions
        .into_iter()
        .filter(|a| !a.is_empty())
        .map(|a| OversightAction {
            what: a.what.trim().to_string(),
            who: a.who.trim().to_string(),
            by_when: a.by_when,
        })
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
#[allow(clippy::duplicated_attributes)]
#[validate(
    context = NaiveDate,
    schema(function = "decision_given", skip_on_field_errors = false),
    schema(function = "reasons_given", skip_on_field_errors = false),
    schema(function = "oversight_ahead", use_context, skip_on_field_errors = false)
)]
pub struct NewOversight {
    /// decision | informal_guidance
    #[serde(default = "default_kind")]
    #[validate(custom(function = "oversight_kind"))]
    #[schema(pattern = "^(decision|informal_guidance)$")]
    pub kind: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub decision: String,
    /// Required for a decision.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub rationale: Option<String>,
    /// The reflection or challenge offered.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub reflection: Option<String>,
    #[serde(default)]
    #[validate(nested)]
    pub actions: Vec<OversightAction>,
}

impl Labels for NewOversight {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("kind", "Kind"),
        ("decision", "The decision"),
        ("rationale", "The reasons"),
        ("reflection", "Reflection"),
        ("actions", "Actions"),
        ("what", "The action"),
        ("who", "Who"),
        ("by_when", "By when"),
    ];
}

fn default_kind() -> String {
    "decision".into()
}

fn oversight_kind(k: &str) -> Result<(), ValidationError> {
    if matches!(k, "decision" | "informal_guidance") {
        Ok(())
    } else {
        Err(ValidationError::new("kind")
            .with_message("Choose a decision or informal guidance".into()))
    }
}

fn decision_given(o: &NewOversight) -> Result<(), ValidationError> {
    if !o.decision.trim().is_empty() {
        return Ok(());
    }
    let message = if o.kind == "informal_guidance" {
        "Enter the guidance you gave"
    } else {
        "Enter the decision"
    };
    Err(input::about("decision", "required", message.into()))
}

fn reasons_given(o: &NewOversight) -> Result<(), ValidationError> {
    if o.kind == "decision" && o.rationale.is_none() {
        return Err(input::about(
            "rationale",
            "required",
            "Enter the reasons for the decision".into(),
        ));
    }
    Ok(())
}

/// Writes an oversight record on any connection (used by plan decisions and overrides too).
#[allow(clippy::too_many_arguments)]
pub async fn write_record<C: ConnectionTrait>(
    db: &C,
    young_person_id: &str,
    kind: &str,
    decision: &str,
    rationale: Option<String>,
    reflection: Option<String>,
    actions: &[OversightAction],
    source_id: Option<String>,
    by: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<oversight_record::Model, AppError> {
    Ok(oversight_record::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        young_person_id: Set(young_person_id.to_string()),
        kind: Set(kind.to_string()),
        decision: Set(decision.chars().take(10_000).collect()),
        rationale: Set(rationale),
        reflection: Set(reflection),
        actions: Set(serde_json::to_string(actions).map_err(|e| AppError::Internal(e.into()))?),
        source_id: Set(source_id),
        recorded_by: Set(by.to_string()),
        recorded_on: Set(on),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

use crate::services::scope::in_scope as person_in_scope;

/// A manager records a decision or informal guidance on a young person's file.
pub async fn record(
    state: &AppState,
    caller: &CurrentUser,
    young_person_id: &str,
    input: NewOversight,
    meta: &RequestMeta,
) -> Result<oversight_record::Model, AppError> {
    let person = person_in_scope(state, caller, young_person_id).await?;
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    input::check_on(&input, &today)?;
    let actions = given(input.actions);
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let r = write_record(
        &txn,
        &person.id,
        &input.kind,
        input.decision.trim(),
        clean(&input.rationale),
        clean(&input.reflection),
        &actions,
        None,
        caller.id(),
        today,
        now,
    )
    .await?;
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "record_oversight",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// The oversight records on a young person's file, newest first.
pub async fn for_person(
    state: &AppState,
    young_person_id: &str,
) -> Result<Vec<oversight_record::Model>, AppError> {
    Ok(oversight_record::Entity::find()
        .filter(oversight_record::Column::YoungPersonId.eq(young_person_id))
        .order_by_desc(oversight_record::Column::RecordedOn)
        .order_by_desc(oversight_record::Column::CreatedAt)
        .all(&state.db)
        .await?)
}

pub fn parse_actions(json: &str) -> Vec<OversightAction> {
    serde_json::from_str(json).unwrap_or_default()
}
