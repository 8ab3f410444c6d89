//! Supervision of practitioners: sessions, the cases discussed, and whether each is on time.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use super::*;
use crate::auth::{CurrentUser, Role};
use crate::domain::age::add_months;
use crate::entities::{supervision, user, young_person};
use crate::error::{AppError, FieldError};
use crate::input::{self, Labels, de};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::{clean, scope};
use crate::state::AppState;
use validator::{Validate, ValidationError};

// ----- supervision --------------------------------------------------------------------------

/// The advisers (and managers) whose supervision the caller may see and record: themselves (to
/// see only), the members of the teams they manage, or everyone for a senior manager.
pub async fn supervisees(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<user::Model>, AppError> {
    let q = user::Entity::find().filter(user::Column::Role.is_in([
        "adviser",
        "manager",
        "senior_manager",
    ]));
    let list = match caller.role {
        Role::SeniorManager => q.all(&state.db).await?,
        Role::Manager => {
            let teams: Vec<String> = crate::services::scope::managed_teams(state, caller)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect();
            q.filter(user::Column::TeamId.is_in(teams))
                .filter(user::Column::Id.ne(caller.id().to_string()))
                .all(&state.db)
                .await?
        }
        _ => vec![],
    };
    Ok(list.into_iter().filter(|u| !u.disabled).collect())
}

async fn may_see_supervision_of(
    state: &AppState,
    caller: &CurrentUser,
    adviser_id: &str,
) -> Result<bool, AppError> {
    if caller.id() == adviser_id {
        return Ok(true);
    }
    Ok(supervisees(state, caller)
        .await?
        .iter()
        .any(|u| u.id == adviser_id))
}

/// A young person discussed in supervision, with the decision and its actions. A row left wholly
/// empty on the page is no case at all.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
#[validate(schema(function = "case_decided", skip_on_field_errors = false))]
pub struct CaseDiscussed {
    #[serde(default)]
    pub young_person_id: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub decision: String,
    #[serde(default)]
    #[validate(nested)]
    pub actions: Vec<OversightAction>,
}

impl CaseDiscussed {
    fn is_empty(&self) -> bool {
        self.young_person_id.trim().is_empty() && self.decision.trim().is_empty()
    }
}

fn case_decided(c: &CaseDiscussed) -> Result<(), ValidationError> {
    if !c.young_person_id.trim().is_empty() && c.decision.trim().is_empty() {
        return Err(input::about(
            "decision",
            "required",
            "Record the decision for this young person".into(),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
#[validate(
    context = NaiveDate,
    schema(function = "next_after", skip_on_field_errors = false),
    schema(function = "cases_ahead", use_context, skip_on_field_errors = false)
)]
pub struct NewSupervision {
    #[serde(default)]
    #[validate(custom(
        function = "input::not_blank",
        message = "Choose someone you supervise"
    ))]
    pub adviser_id: String,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(
        required(message = "Enter the date of the session"),
        custom(function = "in_past", use_context)
    )]
    #[schema(value_type = String, format = Date)]
    pub session_date: Option<NaiveDate>,
    /// one_to_one | group
    #[serde(default)]
    #[validate(custom(function = "session_format"))]
    #[schema(pattern = "^(one_to_one|group)$")]
    pub format: String,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Record the reflective discussion"
        ),
        length(max = 10000),
        custom(function = "input::lines")
    )]
    #[schema(min_length = 1, max_length = 10000)]
    pub reflection: String,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Record the challenge offered, or that none was needed and why"
        ),
        length(max = 10000),
        custom(function = "input::lines")
    )]
    #[schema(min_length = 1, max_length = 10000)]
    pub challenge: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub wellbeing: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub workload: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub next_date: Option<NaiveDate>,
    #[serde(default)]
    #[validate(nested)]
    pub cases: Vec<CaseDiscussed>,
}

impl Labels for NewSupervision {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("adviser_id", "Who was supervised"),
        ("session_date", "The session date"),
        ("format", "Format"),
        ("reflection", "Reflective discussion"),
        ("challenge", "Challenge"),
        ("wellbeing", "Wellbeing"),
        ("workload", "Workload"),
        ("next_date", "The next session"),
        ("cases", "Cases discussed"),
        ("decision", "The decision"),
        ("what", "The action"),
        ("who", "Who"),
        ("by_when", "By when"),
    ];
}

fn in_past(d: &NaiveDate, today: &NaiveDate) -> Result<(), ValidationError> {
    input::not_future(d, today)
}

fn session_format(f: &str) -> Result<(), ValidationError> {
    if matches!(f, "one_to_one" | "group") {
        Ok(())
    } else {
        Err(ValidationError::new("format").with_message("Choose one-to-one or group".into()))
    }
}

fn cases_ahead(s: &NewSupervision, today: &NaiveDate) -> Result<(), ValidationError> {
    for (i, c) in s.cases.iter().enumerate() {
        super::actions_ahead(&format!("cases[{i}]."), &c.actions, today)?;
    }
    Ok(())
}

fn next_after(s: &NewSupervision) -> Result<(), ValidationError> {
    if let (Some(next), Some(date)) = (s.next_date, s.session_date)
        && next <= date
    {
        return Err(input::about(
            "next_date",
            "order",
            "The next session must be after this one".into(),
        ));
    }
    Ok(())
}

/// A manager records a supervision session. Cases discussed become oversight records on those
/// young people's files.
pub async fn record_supervision(
    state: &AppState,
    caller: &CurrentUser,
    input: NewSupervision,
    meta: &RequestMeta,
) -> Result<supervision::Model, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    input::check_on(&input, &today)?;
    let people = supervisees(state, caller).await?;
    let Some(adviser) = people.iter().find(|u| u.id == input.adviser_id) else {
        return Err(AppError::Validation(vec![FieldError::new(
            "adviser_id",
            "Choose someone you supervise",
        )]));
    };
    let cases = cases_discussed(state, caller, &input.cases).await?;
    let Some(session_date) = input.session_date else {
        return Err(AppError::Validation(vec![FieldError::new(
            "session_date",
            "Enter the date of the session",
        )]));
    };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let s = supervision::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        adviser_id: Set(adviser.id.clone()),
        supervisor_id: Set(caller.id().to_string()),
        session_date: Set(session_date),
        format: Set(input.format.clone()),
        reflection: Set(input.reflection.trim().to_string()),
        challenge: Set(input.challenge.trim().to_string()),
        wellbeing: Set(clean(&input.wellbeing)),
        workload: Set(clean(&input.workload)),
        next_date: Set(input.next_date),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    write_cases(&txn, caller, &s, cases, now, meta).await?;
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "record_supervision",
        Some(Target::user(&adviser.id)),
        "success",
        meta,
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

/// A case discussed, as it is written: the young person, the decision and its actions.
type CaseDecision = (young_person::Model, String, Vec<OversightAction>);

/// The cases discussed, each a young person the manager can see (one query for all of them);
/// a row naming anyone else is refused at its place on the page.
async fn cases_discussed(
    state: &AppState,
    caller: &CurrentUser,
    rows: &[CaseDiscussed],
) -> Result<Vec<CaseDecision>, AppError> {
    let wanted: Vec<String> = rows
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| c.young_person_id.clone())
        .collect();
    let seen: Vec<young_person::Model> = if wanted.is_empty() {
        vec![]
    } else {
        young_person::Entity::find()
            .filter(young_person::Column::Id.is_in(wanted))
            .filter(scope(caller))
            .all(&state.db)
            .await?
    };
    let mut errors = vec![];
    let mut cases = vec![];
    for (i, c) in rows.iter().enumerate() {
        if c.is_empty() {
            continue;
        }
        match seen.iter().find(|p| p.id == c.young_person_id) {
            None => errors.push(FieldError::new(
                format!("cases[{i}].young_person_id"),
                "Choose a young person from the list",
            )),
            Some(p) => cases.push((
                p.clone(),
                c.decision.trim().to_string(),
                given(c.actions.clone()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(cases)
}

/// Each case discussed becomes an oversight record on that young person's file, dated the day of
/// the session and audited, in the session's transaction.
async fn write_cases<C: sea_orm::ConnectionTrait>(
    db: &C,
    caller: &CurrentUser,
    s: &supervision::Model,
    cases: Vec<CaseDecision>,
    now: chrono::DateTime<chrono::Utc>,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    for (p, decision, actions) in cases {
        write_record(
            db,
            &p.id,
            "supervision",
            &decision,
            None,
            None,
            &actions,
            Some(s.id.clone()),
            caller.id(),
            s.session_date,
            now,
        )
        .await?;
        audit::record_on(
            db,
            now,
            Some(caller.id()),
            "record_oversight",
            Some(Target::young_person(&p.id)),
            "success",
            meta,
        )
        .await?;
    }
    Ok(())
}

/// Supervision sessions of one practitioner, newest first, if the caller may see them.
pub async fn supervisions_of(
    state: &AppState,
    caller: &CurrentUser,
    adviser_id: &str,
) -> Result<Vec<supervision::Model>, AppError> {
    if !may_see_supervision_of(state, caller, adviser_id).await? {
        return Err(AppError::NotFound);
    }
    Ok(supervision::Entity::find()
        .filter(supervision::Column::AdviserId.eq(adviser_id))
        .order_by_desc(supervision::Column::SessionDate)
        .all(&state.db)
        .await?)
}

/// Where a practitioner's supervision stands: the SUPERVISION milestone (policy, default at
/// least monthly; no statute) and continuity of supervisors.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionStatus {
    pub adviser_id: String,
    pub last: Option<NaiveDate>,
    /// When the next supervision is due: the agreed next date, or the last plus the interval.
    pub due: NaiveDate,
    /// upcoming | due_soon | overdue
    pub state: String,
    /// Different supervisors in the last 12 months; three or more is flagged.
    pub supervisors_last_12_months: usize,
    pub continuity_flag: bool,
}

/// What a supervision due date and the continuity flag need from a session: its dates and who
/// held it, never what was discussed.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct SessionDates {
    pub adviser_id: String,
    pub supervisor_id: String,
    pub session_date: NaiveDate,
    pub next_date: Option<NaiveDate>,
}

/// A supervision session as `supervision_status` reads it.
pub trait SessionLike {
    fn session_date(&self) -> NaiveDate;
    fn next_date(&self) -> Option<NaiveDate>;
    fn supervisor_id(&self) -> &str;
}

impl SessionLike for supervision::Model {
    fn session_date(&self) -> NaiveDate {
        self.session_date
    }
    fn next_date(&self) -> Option<NaiveDate> {
        self.next_date
    }
    fn supervisor_id(&self) -> &str {
        &self.supervisor_id
    }
}

impl SessionLike for SessionDates {
    fn session_date(&self) -> NaiveDate {
        self.session_date
    }
    fn next_date(&self) -> Option<NaiveDate> {
        self.next_date
    }
    fn supervisor_id(&self) -> &str {
        &self.supervisor_id
    }
}

/// The dates of every supervision session of these practitioners, or of everyone (`None`: a
/// list of every adviser in a large authority would pass SQLite's limit on bound values).
pub async fn session_dates(
    state: &AppState,
    practitioners: Option<&[String]>,
) -> Result<Vec<SessionDates>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    let mut q = supervision::Entity::find().select_only().columns([
        supervision::Column::AdviserId,
        supervision::Column::SupervisorId,
        supervision::Column::SessionDate,
        supervision::Column::NextDate,
    ]);
    if let Some(ids) = practitioners {
        q = q.filter(supervision::Column::AdviserId.is_in(ids.iter().cloned()));
    }
    q.into_model::<SessionDates>().all(&state.db).await
}

pub fn supervision_status<S: SessionLike>(
    adviser: &user::Model,
    sessions: &[S],
    interval_months: u32,
    due_soon_days: i64,
    today: NaiveDate,
) -> SupervisionStatus {
    let latest = sessions.iter().max_by_key(|s| s.session_date());
    let start = adviser.created_at.date_naive();
    let by_interval = add_months(latest.map_or(start, |s| s.session_date()), interval_months);
    let due = match latest.and_then(|s| s.next_date()) {
        Some(next) => next.min(by_interval),
        None => by_interval,
    };
    let year_ago = today - chrono::Duration::days(365);
    let supervisors: BTreeSet<&str> = sessions
        .iter()
        .filter(|s| s.session_date() > year_ago)
        .map(|s| s.supervisor_id())
        .collect();
    let state = if today > due {
        "overdue"
    } else if (due - today).num_days() <= due_soon_days {
        "due_soon"
    } else {
        "upcoming"
    };
    SupervisionStatus {
        adviser_id: adviser.id.clone(),
        last: latest.map(|s| s.session_date()),
        due,
        state: state.into(),
        supervisors_last_12_months: supervisors.len(),
        continuity_flag: supervisors.len() >= 3,
    }
}

pub async fn supervision_status_of(
    state: &AppState,
    adviser: &user::Model,
) -> Result<SupervisionStatus, AppError> {
    let sessions = supervision::Entity::find()
        .filter(supervision::Column::AdviserId.eq(adviser.id.clone()))
        .all(&state.db)
        .await?;
    Ok(supervision_status(
        adviser,
        &sessions,
        state.config.supervision_interval_months(&adviser.role),
        i64::from(state.config.policy.due_soon_days),
        state.clock.today(),
    ))
}
