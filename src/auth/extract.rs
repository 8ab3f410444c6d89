//! Extractors for the signed-in user. The browser's session is resolved once per request by
//! `routes::web::middleware::web_session` and left in the request's extensions; the API reads
//! only `Authorization: Bearer` (never a cookie, never the query string).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::jwt::TokenKind;
use super::{Role, session};
use crate::entities::user;
use crate::error::{ApiError, AppError};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: user::Model,
    pub role: Role,
    pub session_id: String,
    pub csrf_token: String,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.user.id
    }
}

/// The signed-in browser user; an anonymous visitor is sent to the sign-in page.
pub struct WebUser(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for WebUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .map(WebUser)
            .ok_or(AppError::Unauthenticated)
    }
}

/// The browser user if signed in.
pub struct MaybeWebUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeWebUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeWebUser(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

/// The API caller, authenticated by a bearer token only.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(AppError::Unauthenticated))?;
        session::resolve(state, token, TokenKind::Api)
            .await?
            .map(ApiUser)
            .ok_or(ApiError(AppError::Unauthenticated))
    }
}
