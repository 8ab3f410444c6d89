use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::ApiUser;
use crate::domain::plan::{CheckResult, PlanContent};
use crate::entities::plan as plan_entity;
use crate::error::ApiResult;
use crate::services::audit::RequestMeta;
use crate::services::plans::{self, Part};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/young-people/{id}/plans", get(list).post(start))
        .route("/v1/plans/{id}", get(show).put(update))
        .route("/v1/plans/{id}/checks", get(checks))
        .route("/v1/plans/{id}/submit", post(submit))
        .route("/v1/plans/{id}/approve", post(approve))
        .route("/v1/plans/{id}/return", post(return_plan))
}

#[derive(Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: String,
    pub young_person_id: String,
    pub version_no: i32,
    /// draft | submitted | approved | returned | superseded
    pub status: String,
    /// Send back with a change; a save made from an older version is refused with 409.
    pub lock_version: i32,
    pub started_on: NaiveDate,
    pub approved_on: Option<NaiveDate>,
    /// The manager's rationale (approved) or comments (returned).
    pub decision: Option<String>,
    pub previous_plan_id: Option<String>,
}

impl From<plan_entity::Model> for PlanSummary {
    fn from(p: plan_entity::Model) -> Self {
        PlanSummary {
            id: p.id,
            young_person_id: p.young_person_id,
            version_no: p.version_no,
            status: p.status,
            lock_version: p.lock_version,
            started_on: p.started_on,
            approved_on: p.approved_on,
            decision: p.decision,
            previous_plan_id: p.previous_plan_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanDocument {
    #[serde(flatten)]
    pub plan: PlanSummary,
    pub content: PlanContent,
    /// Each quality check by its RULES.md name, with its result and what is missing.
    pub checks: Vec<CheckResult>,
}

/// A young person's plans, newest first.
#[utoipa::path(get, path = "/api/v1/young-people/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    responses((status = 200, body = Vec<PlanSummary>), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PlanSummary>>> {
    let (_, list) = plans::list(&state, &u, &id, &meta).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Start the first plan or a review (a new draft from the approved version). While a plan is
/// open, that plan is returned.
#[utoipa::path(post, path = "/api/v1/young-people/{id}/plans", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    responses((status = 201, body = PlanSummary), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn start(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<PlanSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(plans::start(&state, &u, &id, &meta).await?.into()),
    ))
}

async fn document(state: &AppState, loaded: plans::Loaded) -> ApiResult<Json<PlanDocument>> {
    let checks = plans::checks(state, &loaded).await?;
    Ok(Json(PlanDocument {
        plan: loaded.plan.into(),
        content: loaded.content,
        checks,
    }))
}

/// A plan with its content and quality checks.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    responses((status = 200, body = PlanDocument), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanDocument>> {
    let loaded = plans::get(&state, &u, &id, &meta).await?;
    document(&state, loaded).await
}

#[derive(Deserialize, ToSchema)]
pub struct PlanUpdate {
    pub lock_version: i32,
    pub content: PlanContent,
}

/// Save the whole plan (a draft, or one returned for changes).
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    request_body = PlanUpdate,
    responses((status = 200, body = PlanDocument), (status = 400, description = "The plan is not a draft"), (status = 409, description = "Saved by someone else since `lock_version`"), (status = 422, description = "A field is invalid")))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PlanUpdate>,
) -> ApiResult<Json<PlanDocument>> {
    plans::save(
        &state,
        &u,
        &id,
        req.lock_version,
        Part::Whole(req.content),
        &meta,
    )
    .await?;
    let loaded = plans::get(&state, &u, &id, &meta).await?;
    document(&state, loaded).await
}

/// The quality checks, each by its RULES.md name with its result and what is missing.
#[utoipa::path(get, path = "/api/v1/plans/{id}/checks", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    responses((status = 200, body = Vec<CheckResult>)))]
pub async fn checks(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CheckResult>>> {
    let loaded = plans::get(&state, &u, &id, &meta).await?;
    Ok(Json(plans::checks(&state, &loaded).await?))
}

/// Submit for approval; refused with 422 and every failing check while any fails.
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    responses((status = 200, body = PlanSummary), (status = 422, description = "A quality check fails; `errors[].field` names it")))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanSummary>> {
    Ok(Json(plans::submit(&state, &u, &id, &meta).await?.into()))
}

/// A manager approves a submitted plan with a rationale.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    request_body = plans::Decision,
    responses((status = 200, body = PlanSummary), (status = 403, description = "Only a manager may approve"), (status = 409, description = "The plan is not waiting for approval")))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<plans::Decision>,
) -> ApiResult<Json<PlanSummary>> {
    Ok(Json(
        plans::approve(&state, &u, &id, &d, &meta).await?.into(),
    ))
}

/// A manager returns a submitted plan for changes, with comments.
#[utoipa::path(post, path = "/api/v1/plans/{id}/return", tag = "plans", security(("bearer" = [])),
    params(("id" = String, Path, description = "The plan's id")),
    request_body = plans::Decision,
    responses((status = 200, body = PlanSummary), (status = 403, description = "Only a manager may return a plan")))]
pub async fn return_plan(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(d): ApiJson<plans::Decision>,
) -> ApiResult<Json<PlanSummary>> {
    Ok(Json(
        plans::return_for_changes(&state, &u, &id, &d, &meta)
            .await?
            .into(),
    ))
}
