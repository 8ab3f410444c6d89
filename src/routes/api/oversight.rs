//! Everything a manager sees on "My team", and the oversight records, supervision and audits
//! behind it, for the authority's own reporting.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::services::audit::RequestMeta;
use crate::services::oversight::{
    self, AreaGrade, NewAudit, NewModeration, NewOversight, NewSupervision, OversightAction,
};
use crate::services::team::{self, AdviserSummary, AwaitingApproval, OverdueItem};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/team", get(team_summary))
        .route("/v1/team/overdue", get(team_overdue))
        .route("/v1/team/approvals", get(team_approvals))
        .route(
            "/v1/team/awaiting-allocation",
            get(team_awaiting_allocation),
        )
        .route(
            "/v1/young-people/{id}/oversight",
            get(list_oversight).post(create_oversight),
        )
        .route("/v1/supervisions", post(create_supervision))
        .route("/v1/advisers/{id}/supervisions", get(list_supervisions))
        .route("/v1/young-people/{id}/audits", post(create_audit))
        .route("/v1/audits/{id}", get(show_audit))
        .route("/v1/audits/{id}/moderations", post(moderate_audit))
}

fn managers_only(u: &crate::auth::CurrentUser) -> Result<(), AppError> {
    if u.role.is_manager() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Per adviser in the caller's teams: caseload, overdue milestones, plans waiting, supervision
/// and audit actions open.
#[utoipa::path(get, path = "/api/v1/team", tag = "oversight", security(("bearer" = [])),
    responses((status = 200, body = Vec<AdviserSummary>), (status = 404, description = "Not a manager")))]
pub async fn team_summary(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<AdviserSummary>>> {
    Ok(Json(team::summary(&state, &u).await?))
}

/// Every overdue milestone in the caller's teams.
#[utoipa::path(get, path = "/api/v1/team/overdue", tag = "oversight", security(("bearer" = [])),
    responses((status = 200, body = Vec<OverdueItem>)))]
pub async fn team_overdue(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<OverdueItem>>> {
    managers_only(&u)?;
    Ok(Json(team::overdue(&state, &u).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The page, from 1 (50 to a page).
    pub page: Option<u64>,
}

/// Young people in the caller's teams with no personal adviser, most urgent first: each with
/// their age, days waiting since they were added, and the PA_ALLOCATED due date and state.
#[utoipa::path(get, path = "/api/v1/team/awaiting-allocation", tag = "oversight", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = team::AwaitingAllocationPage), (status = 404, description = "Not a manager")))]
pub async fn team_awaiting_allocation(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    axum::extract::Query(q): axum::extract::Query<PageQuery>,
) -> ApiResult<Json<team::AwaitingAllocationPage>> {
    managers_only(&u)?;
    Ok(Json(
        team::awaiting_allocation(&state, &u, q.page.unwrap_or(1)).await?,
    ))
}

/// Plans waiting for a manager's decision.
#[utoipa::path(get, path = "/api/v1/team/approvals", tag = "oversight", security(("bearer" = [])),
    responses((status = 200, body = Vec<AwaitingApproval>)))]
pub async fn team_approvals(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<AwaitingApproval>>> {
    managers_only(&u)?;
    Ok(Json(team::awaiting_approval(&state, &u).await?))
}

#[derive(Serialize, ToSchema)]
pub struct OversightJson {
    pub id: String,
    /// decision | informal_guidance | plan_approval | plan_return | due_date_override | supervision
    pub kind: String,
    pub decision: String,
    pub rationale: Option<String>,
    pub reflection: Option<String>,
    pub actions: Vec<OversightAction>,
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
}

/// The oversight records on a young person's file, newest first.
#[utoipa::path(get, path = "/api/v1/young-people/{id}/oversight", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    responses((status = 200, body = Vec<OversightJson>), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn list_oversight(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<OversightJson>>> {
    let p = crate::services::young_people::get(&state, &u, &id, &meta).await?;
    Ok(Json(
        oversight::for_person(&state, &p.id)
            .await?
            .into_iter()
            .map(|o| OversightJson {
                actions: oversight::parse_actions(&o.actions),
                id: o.id,
                kind: o.kind,
                decision: o.decision,
                rationale: o.rationale,
                reflection: o.reflection,
                recorded_by: o.recorded_by,
                recorded_on: o.recorded_on,
            })
            .collect(),
    ))
}

/// A manager records a decision or informal guidance.
#[utoipa::path(post, path = "/api/v1/young-people/{id}/oversight", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")), request_body = NewOversight,
    responses((status = 201, description = "Recorded"), (status = 403, description = "Not a manager"), (status = 422, description = "A field is invalid")))]
pub async fn create_oversight(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewOversight>,
) -> ApiResult<StatusCode> {
    oversight::record(&state, &u, &id, input, &meta).await?;
    Ok(StatusCode::CREATED)
}

/// A manager records a supervision session; cases discussed reach those young people's files.
#[utoipa::path(post, path = "/api/v1/supervisions", tag = "oversight", security(("bearer" = [])), request_body = NewSupervision,
    responses((status = 201, description = "Recorded"), (status = 403, description = "Not a manager"), (status = 422, description = "A field is invalid")))]
pub async fn create_supervision(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    ApiJson(input): ApiJson<NewSupervision>,
) -> ApiResult<StatusCode> {
    oversight::record_supervision(&state, &u, input, &meta).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionJson {
    pub id: String,
    pub supervisor_id: String,
    pub session_date: NaiveDate,
    pub format: String,
    pub reflection: String,
    pub challenge: String,
    pub wellbeing: Option<String>,
    pub workload: Option<String>,
    pub next_date: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionRecord {
    pub status: oversight::SupervisionStatus,
    pub sessions: Vec<SupervisionJson>,
}

/// A practitioner's supervision: their own, or their team's for a manager.
#[utoipa::path(get, path = "/api/v1/advisers/{id}/supervisions", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The practitioner's user id")),
    responses((status = 200, body = SupervisionRecord), (status = 404, description = "Not found or not yours to see")))]
pub async fn list_supervisions(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SupervisionRecord>> {
    let sessions = oversight::supervisions_of(&state, &u, &id).await?;
    let adviser = crate::services::users::get(&state, &id).await?;
    Ok(Json(SupervisionRecord {
        status: oversight::supervision_status_of(&state, &adviser).await?,
        sessions: sessions
            .into_iter()
            .map(|s| SupervisionJson {
                id: s.id,
                supervisor_id: s.supervisor_id,
                session_date: s.session_date,
                format: s.format,
                reflection: s.reflection,
                challenge: s.challenge,
                wellbeing: s.wellbeing,
                workload: s.workload,
                next_date: s.next_date,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AuditJson {
    pub id: String,
    pub young_person_id: String,
    pub auditor_id: String,
    pub audit_date: NaiveDate,
    pub grades: BTreeMap<String, AreaGrade>,
    pub summary: Option<String>,
    pub actions: Vec<AuditActionJson>,
    /// Where a moderator graded differently: area, auditor's grade, moderator's grade.
    pub moderation_differences: Vec<(String, String, String)>,
    pub moderated: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AuditActionJson {
    pub id: String,
    pub text: String,
    pub owner_id: String,
    pub due: NaiveDate,
    pub status: String,
    pub completed_on: Option<NaiveDate>,
}

/// A manager audits a case: a grade and findings per area, and action points.
#[utoipa::path(post, path = "/api/v1/young-people/{id}/audits", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")), request_body = NewAudit,
    responses((status = 201, body = AuditJson), (status = 403, description = "Not a manager"), (status = 422, description = "A field is invalid")))]
pub async fn create_audit(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewAudit>,
) -> ApiResult<(StatusCode, Json<AuditJson>)> {
    let a = oversight::create_audit(&state, &u, &id, input, &meta).await?;
    Ok((
        StatusCode::CREATED,
        audit_json(&state, &u, &a.id, &meta).await?,
    ))
}

async fn audit_json(
    state: &AppState,
    u: &crate::auth::CurrentUser,
    id: &str,
    meta: &RequestMeta,
) -> ApiResult<Json<AuditJson>> {
    let v = oversight::get_audit(state, u, id, meta).await?;
    Ok(Json(AuditJson {
        moderation_differences: v.differences(),
        moderated: !v.moderations.is_empty(),
        id: v.audit.id,
        young_person_id: v.audit.young_person_id,
        auditor_id: v.audit.auditor_id,
        audit_date: v.audit.audit_date,
        grades: v.grades,
        summary: v.audit.summary,
        actions: v
            .actions
            .into_iter()
            .map(|a| AuditActionJson {
                id: a.id,
                text: a.text,
                owner_id: a.owner_id,
                due: a.due,
                status: a.status,
                completed_on: a.completed_on,
            })
            .collect(),
    }))
}

/// A case audit with its actions and moderation.
#[utoipa::path(get, path = "/api/v1/audits/{id}", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The audit's id")),
    responses((status = 200, body = AuditJson), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn show_audit(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<AuditJson>> {
    audit_json(&state, &u, &id, &meta).await
}

/// A second auditor agrees with an audit, or grades differently with a reason.
#[utoipa::path(post, path = "/api/v1/audits/{id}/moderations", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "The audit's id")), request_body = NewModeration,
    responses((status = 201, body = AuditJson), (status = 422, description = "The auditor themselves, or no reason for a different grade")))]
pub async fn moderate_audit(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NewModeration>,
) -> ApiResult<(StatusCode, Json<AuditJson>)> {
    oversight::moderate(&state, &u, &id, input, &meta).await?;
    Ok((
        StatusCode::CREATED,
        audit_json(&state, &u, &id, &meta).await?,
    ))
}
