//! Submitting a draft behind the quality checks, and a manager's approval or return: each moves
//! the plan's status, and approval records the timeline events and supersedes the last version.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::{Loaded, checks, get, parse_content, status_label};
use crate::auth::CurrentUser;
use crate::domain::plan::CheckResult;
use crate::entities::{plan as plan_entity, timeline_event, young_person};
use crate::error::{AppError, FieldError};
use crate::input;
use crate::services::audit::{self, RequestMeta, Target};
use crate::state::AppState;

fn failures(results: &[CheckResult]) -> Vec<FieldError> {
    results
        .iter()
        .filter(|c| !c.passed)
        .flat_map(|c| {
            c.missing.iter().map(move |m| {
                FieldError::new(c.check.clone(), format!("{}: {}", c.check, m.message))
            })
        })
        .collect()
}

/// Submits a draft for approval. Refused, with every reason, while any quality check fails.
pub async fn submit(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let loaded = get(state, caller, plan_id, meta).await?;
    if !loaded.editable() {
        return Err(AppError::BadRequest(format!(
            "This plan is {} and cannot be submitted.",
            status_label(&loaded.plan.status).to_lowercase()
        )));
    }
    let results = checks(state, &loaded).await?;
    let failed = failures(&results);
    if !failed.is_empty() {
        audit::record(
            state,
            Some(caller.id()),
            "submit_plan",
            Some(Target::young_person(&loaded.person.id)),
            "refused",
            meta,
        )
        .await?;
        return Err(AppError::Validation(failed));
    }
    transition(
        state,
        caller,
        &loaded,
        &["draft", "returned"],
        "submitted",
        None,
        "submit_plan",
        meta,
    )
    .await
}

/// A manager's decision on a submitted plan: the page's form and the API's body. Approving needs
/// the rationale, returning the comments.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema, validator::Validate)]
pub struct Decision {
    /// Why the plan is approved.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub rationale: String,
    /// What needs to change.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub comments: String,
}

impl input::Labels for Decision {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("rationale", "The rationale"), ("comments", "The comments")];
}

/// A manager approves a submitted plan, with a rationale. The previous approved version is
/// superseded, and the timeline records the plan (PATHWAY_PLAN) or the review (PLAN_REVIEW), and
/// the needs assessment's completion (NEEDS_ASSESSMENT, ASSESSMENT_UPDATE).
pub async fn approve(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    decision: &Decision,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    input::check(decision)?;
    let rationale = decision.rationale.as_str();
    if rationale.trim().is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "rationale",
            "Enter the reason for approving the plan",
        )]));
    }
    let loaded = get(state, caller, plan_id, meta).await?;
    let results = checks(state, &loaded).await?;
    let failed = failures(&results);
    if !failed.is_empty() {
        return Err(AppError::Validation(failed));
    }
    transition(
        state,
        caller,
        &loaded,
        &["submitted"],
        "approved",
        Some(rationale.trim()),
        "approve_plan",
        meta,
    )
    .await
}

/// A manager returns a submitted plan for changes, with comments.
pub async fn return_for_changes(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    decision: &Decision,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    input::check(decision)?;
    let comments = decision.comments.as_str();
    if comments.trim().is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "comments",
            "Enter what needs to change",
        )]));
    }
    let loaded = get(state, caller, plan_id, meta).await?;
    transition(
        state,
        caller,
        &loaded,
        &["submitted"],
        "returned",
        Some(comments.trim()),
        "return_plan",
        meta,
    )
    .await
}

/// What each step of a move needs: who moves the plan, which plan, and when.
struct Step<'a> {
    caller: &'a CurrentUser,
    loaded: &'a Loaded,
    now: DateTime<Utc>,
    today: NaiveDate,
}

/// Moves a plan from one of `from` to `to` in one transaction: the new status, and on approval
/// the superseded versions and the timeline events; on a decision the oversight record; the
/// audit entry; and on approval the young person's timeline again.
#[allow(clippy::too_many_arguments)]
async fn transition(
    state: &AppState,
    caller: &CurrentUser,
    loaded: &Loaded,
    from: &[&str],
    to: &str,
    decision: Option<&str>,
    action: &str,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let step = Step {
        caller,
        loaded,
        now: state.clock.now(),
        today: state.clock.today(),
    };
    let txn = crate::db::begin_write(&state.db).await?;
    set_status(&txn, &step, from, to, decision).await?;
    if to == "approved" {
        let is_review = supersede_earlier(&txn, loaded).await?;
        record_events(&txn, &step, is_review).await?;
    }
    if matches!(to, "approved" | "returned") {
        write_oversight(&txn, &step, to, decision).await?;
    }
    audit::record_on(
        &txn,
        step.now,
        Some(caller.id()),
        action,
        Some(Target::young_person(&loaded.person.id)),
        "success",
        meta,
    )
    .await?;
    if to == "approved" {
        let person = young_person::Entity::find_by_id(loaded.person.id.clone())
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::services::young_people::recompute_in(state, &txn, person).await?;
    }
    let p = plan_entity::Entity::find_by_id(loaded.plan.id.clone())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(p)
}

/// Writes the new status (with when it was submitted, or who decided what and when), only while
/// the plan is still in one of `from`; a plan that has moved meanwhile is a conflict.
async fn set_status(
    txn: &DatabaseTransaction,
    step: &Step<'_>,
    from: &[&str],
    to: &str,
    decision: Option<&str>,
) -> Result<(), AppError> {
    let plan = &step.loaded.plan;
    let mut q = plan_entity::Entity::update_many()
        .col_expr(plan_entity::Column::Status, Expr::value(to))
        .col_expr(
            plan_entity::Column::LockVersion,
            Expr::value(plan.lock_version + 1),
        )
        .filter(plan_entity::Column::Id.eq(plan.id.clone()))
        .filter(plan_entity::Column::Status.is_in(from.iter().copied()));
    if to == "submitted" {
        q = q.col_expr(
            plan_entity::Column::SubmittedAt,
            Expr::value(Some(step.now)),
        );
    } else {
        q = q
            .col_expr(
                plan_entity::Column::DecidedBy,
                Expr::value(Some(step.caller.id().to_string())),
            )
            .col_expr(plan_entity::Column::DecidedAt, Expr::value(Some(step.now)))
            .col_expr(
                plan_entity::Column::Decision,
                Expr::value(decision.map(str::to_string)),
            );
    }
    if to == "approved" {
        q = q.col_expr(
            plan_entity::Column::ApprovedOn,
            Expr::value(Some(step.today)),
        );
    }
    let res = q.exec(txn).await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "This plan is now {} so it cannot be {}. Reload the page to see it.",
            status_label(&plan.status).to_lowercase(),
            match to {
                "submitted" => "submitted",
                "approved" => "approved",
                _ => "returned",
            }
        )));
    }
    Ok(())
}

/// Marks the young person's earlier approved versions superseded. Whether this approval is a
/// review: there was an approved version, or the timeline already records an approved plan.
async fn supersede_earlier(txn: &DatabaseTransaction, loaded: &Loaded) -> Result<bool, AppError> {
    let earlier_approved = plan_entity::Entity::find()
        .filter(plan_entity::Column::YoungPersonId.eq(loaded.person.id.clone()))
        .filter(plan_entity::Column::Status.eq("approved"))
        .filter(plan_entity::Column::Id.ne(loaded.plan.id.clone()))
        .all(txn)
        .await?;
    let is_review = !earlier_approved.is_empty()
        || timeline_event::Entity::find()
            .filter(timeline_event::Column::YoungPersonId.eq(loaded.person.id.clone()))
            .filter(timeline_event::Column::Kind.eq("plan_approved"))
            .one(txn)
            .await?
            .is_some();
    for e in earlier_approved {
        let mut am: plan_entity::ActiveModel = e.into();
        am.status = Set("superseded".into());
        am.update(txn).await?;
    }
    Ok(is_review)
}

/// The timeline events an approval records: the plan or its review, and the needs assessment's
/// completion unless that date is already recorded.
async fn record_events(
    txn: &DatabaseTransaction,
    step: &Step<'_>,
    is_review: bool,
) -> Result<(), AppError> {
    let person_id = &step.loaded.person.id;
    let full = parse_content(&step.loaded.plan.content)?;
    let mut events = vec![(
        if is_review {
            "plan_reviewed"
        } else {
            "plan_approved"
        },
        step.today,
    )];
    if let Some(done) = full.assessment.completed_on {
        let already = timeline_event::Entity::find()
            .filter(timeline_event::Column::YoungPersonId.eq(person_id.clone()))
            .filter(timeline_event::Column::Kind.eq("assessment_completed"))
            .filter(timeline_event::Column::EventDate.eq(done))
            .one(txn)
            .await?
            .is_some();
        if !already {
            events.push(("assessment_completed", done.min(step.today)));
        }
    }
    for (kind, date) in events {
        timeline_event::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(person_id.clone()),
            kind: Set(kind.into()),
            event_date: Set(date),
            end_date: Set(None),
            notes: Set(Some(format!(
                "Recorded by the approval of plan version {}",
                step.loaded.plan.version_no
            ))),
            recorded_by: Set(Some(step.caller.id().to_string())),
            details: Set(None),
            created_at: Set(step.now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// A plan decision is management oversight on the young person's file.
async fn write_oversight(
    txn: &DatabaseTransaction,
    step: &Step<'_>,
    to: &str,
    decision: Option<&str>,
) -> Result<(), AppError> {
    let version_no = step.loaded.plan.version_no;
    let (kind, words) = if to == "approved" {
        (
            "plan_approval",
            format!("Pathway plan version {version_no} approved"),
        )
    } else {
        (
            "plan_return",
            format!("Pathway plan version {version_no} returned for changes"),
        )
    };
    crate::services::oversight::write_record(
        txn,
        &step.loaded.person.id,
        kind,
        &words,
        decision.map(str::to_string),
        None,
        &[],
        Some(step.loaded.plan.id.clone()),
        step.caller.id(),
        step.today,
        step.now,
    )
    .await?;
    Ok(())
}
