use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use crate::auth::ApiUser;
use crate::domain::timeline::Timeline;
use crate::entities::young_person;
use crate::error::{ApiError, ApiResult, AppError};
use crate::services::audit::RequestMeta;
use crate::services::timeline as tl;
use crate::services::young_people::{self, HistoryChange, PersonDetails};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/young-people", get(list).post(create))
        .route("/v1/young-people/{id}", get(show).put(update))
        .route("/v1/young-people/{id}/history", post(add_history))
        .route("/v1/young-people/{id}/allocate", post(allocate))
        .route("/v1/young-people/{id}/timeline", get(timeline))
}

#[derive(Serialize, ToSchema)]
pub struct YoungPersonSummary {
    pub id: String,
    pub local_id: String,
    pub name: String,
    pub date_of_birth: NaiveDate,
    /// `eligible`, `relevant`, `former_relevant`, `qualifying` or `not_in_scope` (RULES.md section 1).
    pub legal_status: String,
    /// `null` while the young person waits for a personal adviser.
    pub adviser_id: Option<String>,
    /// The team the young person belongs to, allocated or not.
    pub team_id: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub overdue_count: i32,
    /// Send this back with a change, so a change made meanwhile by someone else is not overwritten.
    pub version: i32,
}

impl From<young_person::Model> for YoungPersonSummary {
    fn from(p: young_person::Model) -> Self {
        YoungPersonSummary {
            name: young_people::display_name(&p),
            id: p.id,
            local_id: p.local_id,
            date_of_birth: p.date_of_birth,
            legal_status: p.legal_status,
            adviser_id: p.adviser_id,
            team_id: p.team_id,
            next_due: p.next_due,
            overdue_count: p.overdue_count,
            version: p.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Episode {
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub legal_basis: String,
    pub short_breaks_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DatedPeriod {
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct Accommodation {
    pub kind: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub provided_by_authority: bool,
    pub suitable: bool,
    /// CLR 2010 Schedule 2 factor -> met.
    pub suitability: serde_json::Value,
    pub temporary: bool,
    pub move_reason: Option<String>,
    pub pa_visit_scheduled_for: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct Allocation {
    pub role: String,
    pub user_id: Option<String>,
    pub person_name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RecordedEvent {
    pub kind: String,
    pub date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct YoungPersonRecord {
    #[serde(flatten)]
    pub summary: YoungPersonSummary,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    pub first_language: Option<String>,
    pub disability: Option<String>,
    pub uasc: bool,
    pub trafficked: bool,
    pub special_guardianship: bool,
    pub social_worker: Option<String>,
    pub episodes: Vec<Episode>,
    pub parent_periods: Vec<DatedPeriod>,
    pub accommodations: Vec<Accommodation>,
    pub allocations: Vec<Allocation>,
    pub events: Vec<RecordedEvent>,
}

fn record_json(r: tl::Record) -> YoungPersonRecord {
    let p = r.person.clone();
    YoungPersonRecord {
        preferred_name: p.preferred_name.clone(),
        pronouns: p.pronouns.clone(),
        gender: p.gender.clone(),
        ethnicity: p.ethnicity.clone(),
        first_language: p.first_language.clone(),
        disability: p.disability.clone(),
        uasc: p.uasc,
        trafficked: p.trafficked,
        special_guardianship: p.special_guardianship,
        social_worker: p.social_worker.clone(),
        summary: p.into(),
        episodes: r
            .episodes
            .into_iter()
            .map(|e| Episode {
                start_date: e.start_date,
                end_date: e.end_date,
                legal_basis: e.legal_basis,
                short_breaks_only: e.short_breaks_only,
            })
            .collect(),
        parent_periods: r
            .parent_periods
            .into_iter()
            .map(|e| DatedPeriod {
                start_date: e.start_date,
                end_date: e.end_date,
            })
            .collect(),
        accommodations: r
            .accommodations
            .into_iter()
            .map(|a| Accommodation {
                suitability: serde_json::from_str(&a.suitability)
                    .unwrap_or(serde_json::Value::Null),
                kind: a.kind,
                start_date: a.start_date,
                end_date: a.end_date,
                provided_by_authority: a.provided_by_authority,
                suitable: a.suitable,
                temporary: a.temporary,
                move_reason: a.move_reason,
                pa_visit_scheduled_for: a.pa_visit_scheduled_for,
            })
            .collect(),
        allocations: r
            .allocations
            .into_iter()
            .map(|a| Allocation {
                role: a.role,
                user_id: a.user_id,
                person_name: a.person_name,
                start_date: a.start_date,
                end_date: a.end_date,
                reason: a.reason,
            })
            .collect(),
        events: r
            .events
            .into_iter()
            .map(|e| RecordedEvent {
                kind: e.kind,
                date: e.event_date,
                end_date: e.end_date,
            })
            .collect(),
    }
}

/// The young people the caller may see.
#[utoipa::path(get, path = "/api/v1/young-people", tag = "young people",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<YoungPersonSummary>), (status = 401, description = "No valid bearer token")))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
) -> ApiResult<Json<Vec<YoungPersonSummary>>> {
    let people = young_people::list(&state, &u).await?;
    Ok(Json(people.into_iter().map(Into::into).collect()))
}

/// Add a young person. An adviser's new young person is allocated to them.
#[utoipa::path(post, path = "/api/v1/young-people", tag = "young people",
    security(("bearer" = [])),
    request_body = PersonDetails,
    responses((status = 201, body = YoungPersonSummary), (status = 422, description = "A field is invalid; each error names its field")))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    ApiJson(d): ApiJson<PersonDetails>,
) -> ApiResult<(StatusCode, Json<YoungPersonSummary>)> {
    let p = young_people::create(&state, &u, d, &meta).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// Allocate a personal adviser in the young person's team (managers only). The allocation and its
/// reason go into the allocation history and the timeline is worked out again.
#[utoipa::path(post, path = "/api/v1/young-people/{id}/allocate", tag = "oversight",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    request_body = young_people::Allocate,
    responses((status = 200, body = TimelineResponse), (status = 404, description = "Not found, not in the caller's teams, or the caller is not a manager"),
        (status = 422, description = "The adviser is not in the young person's team")))]
pub async fn allocate(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<young_people::Allocate>,
) -> ApiResult<Json<TimelineResponse>> {
    let t = young_people::allocate(&state, &u, &id, body, &meta).await?;
    Ok(Json(timeline_json(&id, t)))
}

/// One young person's record with their care history. Someone outside the caller's caseload is
/// a 404, exactly as a missing one.
#[utoipa::path(get, path = "/api/v1/young-people/{id}", tag = "young people",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    responses((status = 200, body = YoungPersonRecord), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<YoungPersonRecord>> {
    Ok(Json(record_json(
        young_people::record(&state, &u, &id, &meta).await?,
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateRequest {
    /// The `version` from when the record was read.
    pub version: i32,
    #[serde(flatten)]
    pub details: PersonDetails,
}

/// Change a young person's details. Refused with 409 if someone else changed them since `version`.
#[utoipa::path(put, path = "/api/v1/young-people/{id}", tag = "young people",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    request_body = UpdateRequest,
    responses((status = 200, body = YoungPersonSummary), (status = 409, description = "Changed by someone else since `version`"), (status = 422, description = "A field is invalid")))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> ApiResult<Json<YoungPersonSummary>> {
    Ok(Json(
        young_people::update_details(&state, &u, &id, req.version, req.details, &meta)
            .await?
            .into(),
    ))
}

/// Add to the care history or record an event; returns the recomputed timeline.
#[utoipa::path(post, path = "/api/v1/young-people/{id}/history", tag = "young people",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    request_body = HistoryChange,
    responses((status = 201, body = TimelineResponse), (status = 422, description = "Refused: each error names its field and the rule")))]
pub async fn add_history(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    ApiJson(change): ApiJson<HistoryChange>,
) -> ApiResult<(StatusCode, Json<TimelineResponse>)> {
    let t = young_people::apply_change(&state, &u, &id, change, &meta).await?;
    Ok((StatusCode::CREATED, Json(timeline_json(&id, t))))
}

#[derive(Deserialize, IntoParams)]
pub struct TimelineQuery {
    /// The date to compute the timeline for, `YYYY-MM-DD`; today if omitted.
    pub as_of: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MilestoneJson {
    /// The RULES.md code, e.g. `PA_ALLOCATED`, `NEEDS_ASSESSMENT`.
    pub code: String,
    pub title: String,
    pub due: NaiveDate,
    /// `upcoming`, `due_soon`, `overdue` or `done`.
    pub state: String,
    pub done_on: Option<NaiveDate>,
    /// For a done milestone, how many days after its due date it was done (0 when on time);
    /// `null` while it is not done.
    pub days_late: Option<i64>,
    /// How the date was set, from which inputs.
    pub rule: String,
    pub source: String,
    pub statutory: bool,
    pub overridden: Option<String>,
    pub escalated: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineResponse {
    pub young_person_id: String,
    pub as_of: NaiveDate,
    /// `eligible`, `relevant`, `former_relevant`, `qualifying` or `not_in_scope`.
    pub legal_status: String,
    pub legal_status_source: String,
    pub age_years: u32,
    /// Days looked after on or after the 14th birthday (13 weeks = 91 days).
    pub qualifying_days: u32,
    pub eligibility_date: Option<NaiveDate>,
    pub reasons: Vec<String>,
    pub milestones: Vec<MilestoneJson>,
}

fn timeline_json(id: &str, t: Timeline) -> TimelineResponse {
    TimelineResponse {
        young_person_id: id.to_string(),
        as_of: t.status.as_of,
        legal_status: t.status.status.code().into(),
        legal_status_source: t.status.status.source().into(),
        age_years: t.status.age_years,
        qualifying_days: t.status.qualifying_days,
        eligibility_date: t.status.eligibility_date,
        reasons: t.status.reasons.clone(),
        milestones: t
            .milestones
            .into_iter()
            .map(|m| MilestoneJson {
                days_late: m.days_late(),
                code: m.code.code().into(),
                title: m.code.title().into(),
                due: m.due,
                state: tl::state_code(m.state).into(),
                done_on: m.done_on,
                rule: m.rule,
                source: m.source.into(),
                statutory: m.statutory,
                overridden: m.overridden,
                escalated: m.escalated,
            })
            .collect(),
    }
}

/// The legal status and every milestone with its due date, state, rule and source, as of a date.
#[utoipa::path(get, path = "/api/v1/young-people/{id}/timeline", tag = "young people",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id"), TimelineQuery),
    responses((status = 200, body = TimelineResponse), (status = 400, description = "`as_of` is not a date"), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> ApiResult<Json<TimelineResponse>> {
    let as_of = match q.as_of.as_deref() {
        None | Some("") => state.clock.today(),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError(AppError::BadRequest(format!(
                "as_of={s} is not a date: use YYYY-MM-DD"
            )))
        })?,
    };
    let record = young_people::record(&state, &u, &id, &meta).await?;
    let t = record.timeline(&state.config.policy, &state.holidays, as_of);
    Ok(Json(timeline_json(&id, t)))
}
