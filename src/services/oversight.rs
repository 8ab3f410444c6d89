//! Management oversight on the case file, supervision of practitioners, and case audits with
//! moderation (issue: management oversight). Ofsted found oversight in Barnet "not consistent,
//! reflective or regular", informal guidance unrecorded, and some workers supervised by three
//! managers in a year. Everything here is recorded, dated and attributable.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::domain::age::add_months;
use crate::entities::{
    audit_action, audit_moderation, case_audit, oversight_record, supervision, user, young_person,
};
use crate::error::{AppError, FieldError};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::scope;
use crate::state::AppState;

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

/// An action agreed in an oversight record: what, who, by when.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OversightAction {
    pub what: String,
    pub who: String,
    pub by_when: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewOversight {
    /// decision | informal_guidance
    #[serde(default = "default_kind")]
    pub kind: String,
    pub decision: String,
    #[serde(default)]
    pub rationale: Option<String>,
    /// The reflection or challenge offered.
    #[serde(default)]
    pub reflection: Option<String>,
    #[serde(default)]
    pub actions: Vec<OversightAction>,
}

fn default_kind() -> String {
    "decision".into()
}

use crate::services::scope::clean;

fn check_actions(actions: &[OversightAction], today: NaiveDate, errors: &mut Vec<FieldError>) {
    for (i, a) in actions.iter().enumerate() {
        if a.what.trim().is_empty() {
            errors.push(FieldError::new(
                format!("action_{i}_what"),
                "Say what the action is",
            ));
        }
        if a.who.trim().is_empty() {
            errors.push(FieldError::new(
                format!("action_{i}_who"),
                "Say who will do it",
            ));
        }
        match a.by_when {
            None => errors.push(FieldError::new(format!("action_{i}_by"), "Say by when")),
            Some(d) if d < today => errors.push(FieldError::new(
                format!("action_{i}_by"),
                "By when must be today or later",
            )),
            _ => {}
        }
        if a.what.chars().count() > 2000 || a.who.chars().count() > 200 {
            errors.push(FieldError::new(
                format!("action_{i}_what"),
                "The action is too long",
            ));
        }
    }
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
    let mut errors = vec![];
    if !matches!(input.kind.as_str(), "decision" | "informal_guidance") {
        errors.push(FieldError::new(
            "kind",
            "Choose a decision or informal guidance",
        ));
    }
    if input.decision.trim().is_empty() {
        errors.push(FieldError::new(
            "decision",
            if input.kind == "informal_guidance" {
                "Enter the guidance you gave"
            } else {
                "Enter the decision"
            },
        ));
    }
    if input.decision.chars().count() > 10_000 {
        errors.push(FieldError::new(
            "decision",
            "This must be 10,000 characters or fewer",
        ));
    }
    if input.kind == "decision" && clean(&input.rationale).is_none() {
        errors.push(FieldError::new(
            "rationale",
            "Enter the reasons for the decision",
        ));
    }
    let actions: Vec<OversightAction> = input
        .actions
        .into_iter()
        .filter(|a| !(a.what.trim().is_empty() && a.who.trim().is_empty() && a.by_when.is_none()))
        .collect();
    check_actions(&actions, today, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CaseDiscussed {
    pub young_person_id: String,
    pub decision: String,
    #[serde(default)]
    pub actions: Vec<OversightAction>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewSupervision {
    pub adviser_id: String,
    pub session_date: Option<NaiveDate>,
    /// one_to_one | group
    pub format: String,
    pub reflection: String,
    pub challenge: String,
    #[serde(default)]
    pub wellbeing: Option<String>,
    #[serde(default)]
    pub workload: Option<String>,
    #[serde(default)]
    pub next_date: Option<NaiveDate>,
    #[serde(default)]
    pub cases: Vec<CaseDiscussed>,
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
    let mut errors = vec![];
    let people = supervisees(state, caller).await?;
    let Some(adviser) = people.iter().find(|u| u.id == input.adviser_id) else {
        errors.push(FieldError::new(
            "adviser_id",
            "Choose someone you supervise",
        ));
        return Err(AppError::Validation(errors));
    };
    match input.session_date {
        None => errors.push(FieldError::new(
            "session_date",
            "Enter the date of the session",
        )),
        Some(d) if d > today => errors.push(FieldError::new(
            "session_date",
            "The session date must be today or in the past",
        )),
        _ => {}
    }
    if !matches!(input.format.as_str(), "one_to_one" | "group") {
        errors.push(FieldError::new("format", "Choose one-to-one or group"));
    }
    if input.reflection.trim().is_empty() {
        errors.push(FieldError::new(
            "reflection",
            "Record the reflective discussion",
        ));
    }
    if input.challenge.trim().is_empty() {
        errors.push(FieldError::new(
            "challenge",
            "Record the challenge offered, or that none was needed and why",
        ));
    }
    if let (Some(next), Some(date)) = (input.next_date, input.session_date)
        && next <= date
    {
        errors.push(FieldError::new(
            "next_date",
            "The next session must be after this one",
        ));
    }
    // Cases discussed must be young people the supervisee works with and the manager can see.
    let mut cases = vec![];
    for (i, c) in input.cases.iter().enumerate() {
        if c.young_person_id.trim().is_empty() && c.decision.trim().is_empty() {
            continue;
        }
        let person = young_person::Entity::find_by_id(c.young_person_id.clone())
            .filter(scope(caller))
            .one(&state.db)
            .await?;
        match person {
            None => errors.push(FieldError::new(
                format!("case_{i}_young_person_id"),
                "Choose a young person from the list",
            )),
            Some(p) => {
                if c.decision.trim().is_empty() {
                    errors.push(FieldError::new(
                        format!("case_{i}_decision"),
                        "Record the decision for this young person",
                    ));
                }
                let actions: Vec<OversightAction> = c
                    .actions
                    .iter()
                    .filter(|a| {
                        !(a.what.trim().is_empty()
                            && a.who.trim().is_empty()
                            && a.by_when.is_none())
                    })
                    .cloned()
                    .collect();
                check_actions(&actions, today, &mut errors);
                cases.push((p, c.decision.trim().to_string(), actions));
            }
        }
    }
    for (f, v) in [
        ("reflection", &input.reflection),
        ("challenge", &input.challenge),
    ] {
        if v.chars().count() > 10_000 {
            errors.push(FieldError::new(
                f,
                "This must be 10,000 characters or fewer",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
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
    for (p, decision, actions) in cases {
        write_record(
            &txn,
            &p.id,
            "supervision",
            &decision,
            None,
            None,
            &actions,
            Some(s.id.clone()),
            caller.id(),
            session_date,
            now,
        )
        .await?;
        audit::record_on(
            &txn,
            now,
            Some(caller.id()),
            "record_oversight",
            Some(Target::young_person(&p.id)),
            "success",
            meta,
        )
        .await?;
    }
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

// ----- case audits --------------------------------------------------------------------------

pub const AUDIT_AREAS: &[(&str, &str)] = &[
    ("voice", "The young person's voice"),
    (
        "assessment",
        "Assessment, including history and risk analysis",
    ),
    (
        "planning",
        "The pathway plan: goals, actions and timeliness",
    ),
    ("risk", "Risk, Plan B and contingency"),
    ("accommodation", "Accommodation and its suitability"),
    ("oversight", "Management oversight and supervision"),
    ("overall", "Overall"),
];

pub const GRADES: &[(&str, &str)] = &[
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
];

pub fn grade_label(g: &str) -> &'static str {
    GRADES
        .iter()
        .find(|(c, _)| *c == g)
        .map(|(_, l)| *l)
        .unwrap_or("Not graded")
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AreaGrade {
    pub grade: String,
    #[serde(default)]
    pub findings: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAuditAction {
    pub text: String,
    /// The user who owns the action.
    pub owner_id: String,
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAudit {
    pub audit_date: Option<NaiveDate>,
    /// Area code -> grade and findings; every area must be graded.
    pub grades: BTreeMap<String, AreaGrade>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub actions: Vec<NewAuditAction>,
}

/// People who may own an audit action on this young person: their adviser and managers.
pub async fn action_owners(
    state: &AppState,
    person: &young_person::Model,
) -> Result<Vec<user::Model>, AppError> {
    let all = user::Entity::find()
        .filter(user::Column::Disabled.eq(false))
        .all(&state.db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|u| {
            Some(u.id.as_str()) == person.adviser_id.as_deref()
                || matches!(u.role.as_str(), "manager" | "senior_manager")
        })
        .collect())
}

pub async fn create_audit(
    state: &AppState,
    caller: &CurrentUser,
    young_person_id: &str,
    input: NewAudit,
    meta: &RequestMeta,
) -> Result<case_audit::Model, AppError> {
    let person = person_in_scope(state, caller, young_person_id).await?;
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    let today = state.clock.today();
    let mut errors = vec![];
    match input.audit_date {
        None => errors.push(FieldError::new("audit_date", "Enter the date of the audit")),
        Some(d) if d > today => errors.push(FieldError::new(
            "audit_date",
            "The audit date must be today or in the past",
        )),
        _ => {}
    }
    for (area, label) in AUDIT_AREAS {
        match input.grades.get(*area) {
            Some(g) if GRADES.iter().any(|(c, _)| *c == g.grade) => {
                if g.findings.trim().is_empty() {
                    errors.push(FieldError::new(
                        format!("findings_{area}"),
                        format!("{label}: record the findings behind the grade"),
                    ));
                }
                if g.findings.chars().count() > 10_000 {
                    errors.push(FieldError::new(
                        format!("findings_{area}"),
                        "Findings must be 10,000 characters or fewer",
                    ));
                }
            }
            _ => errors.push(FieldError::new(
                format!("grade_{area}"),
                format!("{label}: choose a grade"),
            )),
        }
    }
    for k in input.grades.keys() {
        if !AUDIT_AREAS.iter().any(|(a, _)| a == k) {
            errors.push(FieldError::new(
                "grades",
                format!("{k} is not an audit area"),
            ));
        }
    }
    let owners = action_owners(state, &person).await?;
    let actions: Vec<&NewAuditAction> = input
        .actions
        .iter()
        .filter(|a| !(a.text.trim().is_empty() && a.owner_id.trim().is_empty() && a.due.is_none()))
        .collect();
    for (i, a) in actions.iter().enumerate() {
        if a.text.trim().is_empty() {
            errors.push(FieldError::new(
                format!("action_{i}_text"),
                "Say what needs to be done",
            ));
        }
        if !owners.iter().any(|o| o.id == a.owner_id) {
            errors.push(FieldError::new(
                format!("action_{i}_owner"),
                "Choose who owns the action: the adviser or a manager",
            ));
        }
        match a.due {
            None => errors.push(FieldError::new(
                format!("action_{i}_due"),
                "Enter when the action is due",
            )),
            Some(d) if d < today => errors.push(FieldError::new(
                format!("action_{i}_due"),
                "The due date must be today or later",
            )),
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let Some(audit_date) = input.audit_date else {
        return Err(AppError::Validation(vec![FieldError::new(
            "audit_date",
            "Enter the date of the audit",
        )]));
    };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let a =
        case_audit::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(person.id.clone()),
            auditor_id: Set(caller.id().to_string()),
            audit_date: Set(audit_date),
            grades: Set(
                serde_json::to_string(&input.grades).map_err(|e| AppError::Internal(e.into()))?
            ),
            summary: Set(clean(&input.summary)),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    for act in actions {
        audit_action::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            audit_id: Set(a.id.clone()),
            young_person_id: Set(person.id.clone()),
            text: Set(act.text.trim().chars().take(2000).collect()),
            owner_id: Set(act.owner_id.clone()),
            due: Set(act.due.unwrap_or(today)),
            status: Set("open".into()),
            completed_on: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "create_case_audit",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    txn.commit().await?;
    Ok(a)
}

pub struct AuditView {
    pub audit: case_audit::Model,
    pub grades: BTreeMap<String, AreaGrade>,
    pub actions: Vec<audit_action::Model>,
    pub moderations: Vec<audit_moderation::Model>,
    pub person: young_person::Model,
}

impl AuditView {
    /// Areas where a moderator gave a different grade: (area, auditor's grade, moderator's grade).
    pub fn differences(&self) -> Vec<(String, String, String)> {
        let mut out = vec![];
        for m in &self.moderations {
            let theirs: BTreeMap<String, String> =
                serde_json::from_str(&m.grades).unwrap_or_default();
            for (area, g) in theirs {
                let original = self
                    .grades
                    .get(&area)
                    .map(|x| x.grade.clone())
                    .unwrap_or_default();
                if g != original {
                    out.push((area, original, g));
                }
            }
        }
        out
    }
}

pub async fn get_audit(
    state: &AppState,
    caller: &CurrentUser,
    audit_id: &str,
    meta: &RequestMeta,
) -> Result<AuditView, AppError> {
    let a = case_audit::Entity::find_by_id(audit_id.to_string())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = person_in_scope(state, caller, &a.young_person_id).await?;
    audit::record(
        state,
        Some(caller.id()),
        "view_case_audit",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    Ok(AuditView {
        grades: serde_json::from_str(&a.grades).unwrap_or_default(),
        actions: audit_action::Entity::find()
            .filter(audit_action::Column::AuditId.eq(a.id.clone()))
            .all(&state.db)
            .await?,
        moderations: audit_moderation::Entity::find()
            .filter(audit_moderation::Column::AuditId.eq(a.id.clone()))
            .order_by_asc(audit_moderation::Column::CreatedAt)
            .all(&state.db)
            .await?,
        audit: a,
        person,
    })
}

pub async fn audits_for(
    state: &AppState,
    young_person_id: &str,
) -> Result<Vec<case_audit::Model>, AppError> {
    Ok(case_audit::Entity::find()
        .filter(case_audit::Column::YoungPersonId.eq(young_person_id))
        .order_by_desc(case_audit::Column::AuditDate)
        .all(&state.db)
        .await?)
}

/// The action points of every audit of a young person, for their chronology.
pub async fn audit_actions_for(
    state: &AppState,
    young_person_id: &str,
) -> Result<Vec<audit_action::Model>, AppError> {
    Ok(audit_action::Entity::find()
        .filter(audit_action::Column::YoungPersonId.eq(young_person_id))
        .order_by_asc(audit_action::Column::Due)
        .all(&state.db)
        .await?)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewModeration {
    pub agrees: bool,
    /// Area code -> the moderator's grade, where different.
    #[serde(default)]
    pub grades: BTreeMap<String, String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A second auditor reviews an audit: agreement, or different grades with a reason.
pub async fn moderate(
    state: &AppState,
    caller: &CurrentUser,
    audit_id: &str,
    input: NewModeration,
    meta: &RequestMeta,
) -> Result<audit_moderation::Model, AppError> {
    let view = get_audit(state, caller, audit_id, meta).await?;
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    if view.audit.auditor_id == caller.id() {
        errors.push(FieldError::new(
            "agrees",
            "A different auditor must moderate this audit",
        ));
    }
    let mut differing = BTreeMap::new();
    for (area, g) in &input.grades {
        if g.is_empty() {
            continue;
        }
        if !AUDIT_AREAS.iter().any(|(a, _)| a == area) || !GRADES.iter().any(|(c, _)| c == g) {
            errors.push(FieldError::new(
                format!("grade_{area}"),
                "Choose a grade from the list",
            ));
        } else if view.grades.get(area).map(|x| &x.grade) != Some(g) {
            differing.insert(area.clone(), g.clone());
        }
    }
    if !input.agrees && differing.is_empty() {
        errors.push(FieldError::new(
            "agrees",
            "Give the grade you would have given for at least one area, or record that you agree",
        ));
    }
    if input.agrees && !differing.is_empty() {
        errors.push(FieldError::new(
            "agrees",
            "You gave different grades: record that you disagree, with the reason",
        ));
    }
    if !input.agrees && clean(&input.reason).is_none() {
        errors.push(FieldError::new(
            "reason",
            "Give the reason for the different grade",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let m = audit_moderation::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        audit_id: Set(view.audit.id.clone()),
        moderator_id: Set(caller.id().to_string()),
        agrees: Set(input.agrees),
        grades: Set(serde_json::to_string(&differing).map_err(|e| AppError::Internal(e.into()))?),
        reason: Set(clean(&input.reason)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "moderate_case_audit",
        Some(Target::young_person(&view.person.id)),
        "success",
        meta,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Marks an audit action done (its owner or the auditor) or reopens it.
pub async fn set_action_status(
    state: &AppState,
    caller: &CurrentUser,
    action_id: &str,
    done: bool,
    meta: &RequestMeta,
) -> Result<audit_action::Model, AppError> {
    let act = audit_action::Entity::find_by_id(action_id.to_string())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = person_in_scope(state, caller, &act.young_person_id).await?;
    let a = case_audit::Entity::find_by_id(act.audit_id.clone())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if act.owner_id != caller.id() && a.auditor_id != caller.id() {
        return Err(AppError::Forbidden);
    }
    let mut am: audit_action::ActiveModel = act.into();
    am.status = Set(if done { "done" } else { "open" }.into());
    am.completed_on = Set(done.then(|| state.clock.today()));
    let updated = am.update(&state.db).await?;
    audit::record(
        state,
        Some(caller.id()),
        "update_audit_action",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    Ok(updated)
}

/// Every open audit action in the authority (a senior manager's view).
pub async fn open_actions(state: &AppState) -> Result<Vec<audit_action::Model>, AppError> {
    Ok(audit_action::Entity::find()
        .filter(audit_action::Column::Status.eq("open"))
        .order_by_asc(audit_action::Column::Due)
        .all(&state.db)
        .await?)
}

/// Open audit actions owned by any of these users.
pub async fn open_actions_for(
    state: &AppState,
    owners: &[String],
) -> Result<Vec<audit_action::Model>, AppError> {
    Ok(audit_action::Entity::find()
        .filter(audit_action::Column::OwnerId.is_in(owners.iter().cloned()))
        .filter(audit_action::Column::Status.eq("open"))
        .order_by_asc(audit_action::Column::Due)
        .all(&state.db)
        .await?)
}
