use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::entities::young_person;
use crate::error::ApiResult;
use crate::services::audit::RequestMeta;
use crate::services::young_people;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/young-people", get(list))
        .route("/v1/young-people/{id}", get(show))
}

#[derive(Serialize, ToSchema)]
pub struct YoungPersonSummary {
    pub id: String,
    pub local_id: String,
    pub name: String,
    pub date_of_birth: NaiveDate,
    /// `eligible`, `relevant`, `former_relevant`, `qualifying` or `not_in_scope` (RULES.md section 1).
    pub legal_status: String,
    pub adviser_id: Option<String>,
    pub next_due: Option<NaiveDate>,
    pub overdue_count: i32,
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
            next_due: p.next_due,
            overdue_count: p.overdue_count,
        }
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

/// One young person. Someone outside the caller's caseload is a 404, exactly as a missing one.
#[utoipa::path(get, path = "/api/v1/young-people/{id}", tag = "young people",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The young person's id")),
    responses((status = 200, body = YoungPersonSummary), (status = 404, description = "Not found or not in the caller's caseload")))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(u): ApiUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> ApiResult<Json<YoungPersonSummary>> {
    Ok(Json(
        young_people::get(&state, &u, &id, &meta).await?.into(),
    ))
}
