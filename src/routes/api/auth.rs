use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::jwt::TokenKind;
use crate::auth::{ApiUser, Credentials, Role};
use crate::error::{ApiError, ApiResult, AppError};
use crate::services::audit::RequestMeta;
use crate::services::auth::{LoginFailure, login};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchange an email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth",
    request_body = Credentials,
    responses(
        (status = 200, description = "A bearer token", body = TokenResponse),
        (status = 401, description = "The email address or password is not correct"),
        (status = 422, description = "A field is missing"),
        (status = 429, description = "Too many attempts; wait and try again"),
    ))]
pub async fn token(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(req): ApiJson<Credentials>,
) -> ApiResult<Json<TokenResponse>> {
    crate::input::check(&req)?;
    match login(&state, &req.email, &req.password, TokenKind::Api, &meta).await? {
        Ok(done) => Ok(Json(TokenResponse {
            access_token: done.session.token,
            token_type: "Bearer".into(),
            expires_in: done.session.expires_in,
        })),
        Err(LoginFailure::Invalid) => Err(ApiError(AppError::Unauthenticated)),
        Err(LoginFailure::Throttled) => Err(ApiError(AppError::TooManyRequests)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub is_admin: bool,
    pub team_id: Option<String>,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, description = "No valid bearer token")))]
pub async fn me(ApiUser(u): ApiUser) -> Json<Me> {
    Json(Me {
        id: u.user.id.clone(),
        name: u.user.name.clone(),
        email: u.user.email.clone(),
        role: u.role,
        is_admin: u.user.is_admin,
        team_id: u.user.team_id.clone(),
    })
}
