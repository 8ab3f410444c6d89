//! Case audits with their actions, and moderation of an audit by a second manager.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use super::*;
use crate::auth::CurrentUser;
use crate::entities::{audit_action, audit_moderation, case_audit, user, young_person};
use crate::error::{AppError, FieldError};
use crate::input::{self, Labels, de};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::clean;
use crate::state::AppState;
use validator::{Validate, ValidationError};

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

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct AreaGrade {
    /// A code from `GRADES`.
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub findings: String,
}

/// An action arising from an audit: what, whose, by when. A row left wholly empty on the page is
/// no action at all.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
pub struct NewAuditAction {
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "input::lines"))]
    #[schema(max_length = 2000)]
    pub text: String,
    /// The user who owns the action.
    #[serde(default)]
    pub owner_id: String,
    #[serde(default, deserialize_with = "de::opt_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
}

impl NewAuditAction {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.owner_id.trim().is_empty() && self.due.is_none()
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate)]
pub struct NewAudit {
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(
        required(message = "Enter the date of the audit"),
        custom(function = "in_past", use_context)
    )]
    #[schema(value_type = String, format = Date)]
    pub audit_date: Option<NaiveDate>,
    /// Area code -> grade and findings; every area must be graded.
    #[serde(default)]
    #[validate(nested)]
    pub grades: BTreeMap<String, AreaGrade>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub summary: Option<String>,
    #[serde(default)]
    #[validate(nested)]
    pub actions: Vec<NewAuditAction>,
}

impl Labels for NewAudit {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("audit_date", "The audit date"),
        ("grades", "Grades"),
        ("findings", "Findings"),
        ("summary", "Summary"),
        ("actions", "Actions"),
        ("text", "The action"),
    ];
}

fn in_past(d: &NaiveDate, today: &NaiveDate) -> Result<(), ValidationError> {
    input::not_future(d, today)
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
    input::check_on(&input, &today)?;
    let mut errors = check_grades(&input.grades);
    let owners = action_owners(state, &person).await?;
    let actions: Vec<(usize, &NewAuditAction)> = input
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.is_empty())
        .collect();
    errors.extend(check_actions(&actions, &owners, today));
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
    write_actions(&txn, &a, &actions, today).await?;
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

/// Every area graded with a grade from the list, with the findings behind it; no other areas.
fn check_grades(grades: &BTreeMap<String, AreaGrade>) -> Vec<FieldError> {
    let mut errors = vec![];
    for (area, label) in AUDIT_AREAS {
        match grades.get(*area) {
            Some(g) if GRADES.iter().any(|(c, _)| *c == g.grade) => {
                if g.findings.trim().is_empty() {
                    errors.push(FieldError::new(
                        format!("grades.{area}.findings"),
                        format!("{label}: record the findings behind the grade"),
                    ));
                }
                if g.findings.chars().count() > 10_000 {
                    errors.push(FieldError::new(
                        format!("grades.{area}.findings"),
                        "Findings must be 10,000 characters or fewer",
                    ));
                }
            }
            _ => errors.push(FieldError::new(
                format!("grades.{area}.grade"),
                format!("{label}: choose a grade"),
            )),
        }
    }
    for k in grades.keys() {
        if !AUDIT_AREAS.iter().any(|(a, _)| a == k) {
            errors.push(FieldError::new(
                "grades",
                format!("{k} is not an audit area"),
            ));
        }
    }
    errors
}

/// Each action begun (by its place on the page) says what, has an owner who may own it and is
/// due today or later.
fn check_actions(
    actions: &[(usize, &NewAuditAction)],
    owners: &[user::Model],
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = vec![];
    for (i, a) in actions.iter().copied() {
        if a.text.trim().is_empty() {
            errors.push(FieldError::new(
                format!("actions[{i}].text"),
                "Say what needs to be done",
            ));
        }
        if !owners.iter().any(|o| o.id == a.owner_id) {
            errors.push(FieldError::new(
                format!("actions[{i}].owner_id"),
                "Choose who owns the action: the adviser or a manager",
            ));
        }
        match a.due {
            None => errors.push(FieldError::new(
                format!("actions[{i}].due"),
                "Enter when the action is due",
            )),
            Some(d) if d < today => errors.push(FieldError::new(
                format!("actions[{i}].due"),
                "The due date must be today or later",
            )),
            _ => {}
        }
    }
    errors
}

/// Writes an audit's action points, open, in the audit's transaction.
async fn write_actions<C: sea_orm::ConnectionTrait>(
    db: &C,
    a: &case_audit::Model,
    actions: &[(usize, &NewAuditAction)],
    today: NaiveDate,
) -> Result<(), AppError> {
    for (_, act) in actions.iter().copied() {
        audit_action::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            audit_id: Set(a.id.clone()),
            young_person_id: Set(a.young_person_id.clone()),
            text: Set(act.text.trim().to_string()),
            owner_id: Set(act.owner_id.clone()),
            due: Set(act.due.unwrap_or(today)),
            status: Set("open".into()),
            completed_on: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, Validate)]
pub struct NewModeration {
    /// Whether the moderator agrees with every grade.
    #[serde(default, deserialize_with = "de::yes")]
    pub agrees: bool,
    /// Area code -> the moderator's grade, where different.
    #[serde(default)]
    pub grades: BTreeMap<String, String>,
    /// Required when the moderator disagrees.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub reason: Option<String>,
}

impl Labels for NewModeration {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("agrees", "Whether you agree"),
        ("grades", "Grades"),
        ("reason", "The reason"),
    ];
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
    input::check(&input)?;
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
                format!("grades.{area}"),
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
