//! The JSON API under `/api`: bearer tokens only, errors as JSON, described by the OpenAPI
//! document at `/api/openapi.json`, which is generated from these handlers.

pub mod auth;
pub mod openapi;
pub mod oversight;
pub mod plans;
pub mod young_people;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AppError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/v1/auth/token", post(auth::token))
        .route("/v1/me", get(auth::me))
        .merge(young_people::router())
        .merge(plans::router())
        .merge(oversight::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiError {
    ApiError(AppError::MethodNotAllowed)
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// `Json<T>` whose rejections are JSON errors that say what is wrong, not plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError(AppError::BadRequest(
                "Send the body as JSON with Content-Type: application/json".into(),
            ))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError(AppError::BadRequest(format!(
                "The JSON does not match what this endpoint expects: {}",
                e.body_text()
            )))),
            Err(_) => Err(ApiError(AppError::BadRequest(
                "The body is not valid JSON".into(),
            ))),
        }
    }
}
