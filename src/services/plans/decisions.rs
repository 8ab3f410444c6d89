//! Submitting a draft behind the quality checks, and a manager's approval or return: each moves
//! the plan's status, and approval records the timeline events and supersedes the last version.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

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
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = crate::db::begin_write(&state.db).await?;
    let mut q = plan_entity::Entity::update_many()
        .col_expr(
            plan_entity::Column::Status,
            sea_orm::sea_query::Expr::value(to),
        )
        .col_expr(
            plan_entity::Column::LockVersion,
            sea_orm::sea_query::Expr::value(loaded.plan.lock_version + 1),
        )
        .filter(plan_entity::Column::Id.eq(loaded.plan.id.clone()))
        .filter(plan_entity::Column::Status.is_in(from.iter().copied()));
    if to == "submitted" {
        q = q.col_expr(
            plan_entity::Column::SubmittedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        );
    } else {
        q = q
            .col_expr(
                plan_entity::Column::DecidedBy,
                sea_orm::sea_query::Expr::value(Some(caller.id().to_string())),
            )
            .col_expr(
                plan_entity::Column::DecidedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .col_expr(
                plan_entity::Column::Decision,
                sea_orm::sea_query::Expr::value(decision.map(str::to_string)),
            );
    }
    if to == "approved" {
        q = q.col_expr(
            plan_entity::Column::ApprovedOn,
            sea_orm::sea_query::Expr::value(Some(today)),
        );
    }
    let res = q.exec(&txn).await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "This plan is now {} so it cannot be {}. Reload the page to see it.",
            status_label(&loaded.plan.status).to_lowercase(),
            match to {
                "submitted" => "submitted",
                "approved" => "approved",
                _ => "returned",
            }
        )));
    }
    if to == "approved" {
        let earlier_approved = plan_entity::Entity::find()
            .filter(plan_entity::Column::YoungPersonId.eq(loaded.person.id.clone()))
            .filter(plan_entity::Column::Status.eq("approved"))
            .filter(plan_entity::Column::Id.ne(loaded.plan.id.clone()))
            .all(&txn)
            .await?;
        let is_review = !earlier_approved.is_empty()
            || timeline_event::Entity::find()
                .filter(timeline_event::Column::YoungPersonId.eq(loaded.person.id.clone()))
                .filter(timeline_event::Column::Kind.eq("plan_approved"))
                .one(&txn)
                .await?
                .is_some();
        for e in earlier_approved {
            let mut am: plan_entity::ActiveModel = e.into();
            am.status = Set("superseded".into());
            am.update(&txn).await?;
        }
        let full = parse_content(&loaded.plan.content)?;
        let mut events = vec![(
            if is_review {
                "plan_reviewed"
            } else {
                "plan_approved"
            },
            today,
        )];
        if let Some(done) = full.assessment.completed_on {
            let already = timeline_event::Entity::find()
                .filter(timeline_event::Column::YoungPersonId.eq(loaded.person.id.clone()))
                .filter(timeline_event::Column::Kind.eq("assessment_completed"))
                .filter(timeline_event::Column::EventDate.eq(done))
                .one(&txn)
                .await?
                .is_some();
            if !already {
                events.push(("assessment_completed", done.min(today)));
            }
        }
        for (kind, date) in events {
            timeline_event::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                young_person_id: Set(loaded.person.id.clone()),
                kind: Set(kind.into()),
                event_date: Set(date),
                end_date: Set(None),
                notes: Set(Some(format!(
                    "Recorded by the approval of plan version {}",
                    loaded.plan.version_no
                ))),
                recorded_by: Set(Some(caller.id().to_string())),
                details: Set(None),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    if matches!(to, "approved" | "returned") {
        // A plan decision is management oversight on the young person's file.
        let (kind, words) = if to == "approved" {
            (
                "plan_approval",
                format!("Pathway plan version {} approved", loaded.plan.version_no),
            )
        } else {
            (
                "plan_return",
                format!(
                    "Pathway plan version {} returned for changes",
                    loaded.plan.version_no
                ),
            )
        };
        crate::services::oversight::write_record(
            &txn,
            &loaded.person.id,
            kind,
            &words,
            decision.map(str::to_string),
            None,
            &[],
            Some(loaded.plan.id.clone()),
            caller.id(),
            today,
            now,
        )
        .await?;
    }
    audit::record_on(
        &txn,
        now,
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
