//! One error type for the whole service, rendered as an HTML page for the browser and as JSON
//! for `/api`. Internal causes are logged once with the request id and never shown.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not found, or not yours: the two are indistinguishable on purpose (object-level access).
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("the request could not be verified")]
    Csrf,
    #[error("too many attempts")]
    TooManyRequests,
    #[error("the request is too large")]
    PayloadTooLarge,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    BadRequest(String),
    /// Field-level validation failures: (field, message).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Someone else changed the record since it was loaded.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Internal(anyhow::Error::new(e))
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub(crate) fn public_message(&self) -> String {
        match self {
            AppError::NotFound => "Page not found".into(),
            AppError::Unauthenticated => "You need to sign in".into(),
            AppError::Forbidden => "You do not have access to this page".into(),
            AppError::Csrf => {
                "The form could not be verified. Go back, reload the page and try again.".into()
            }
            AppError::TooManyRequests => "Too many attempts. Wait 15 minutes and try again.".into(),
            AppError::PayloadTooLarge => {
                "What you sent is too large. Split long text across sections, or shorten it, and try again.".into()
            }
            AppError::MethodNotAllowed => "This address does not accept that kind of request".into(),
            AppError::BadRequest(m) | AppError::Conflict(m) => m.clone(),
            AppError::Validation(_) => "There is a problem with the information you gave".into(),
            AppError::Internal(_) => "Sorry, there is a problem with the service".into(),
        }
    }

    pub(crate) fn log(&self) {
        if let AppError::Internal(e) = self {
            // The cause chain is logged once; the user sees only a generic message.
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
    }

    /// Render as JSON (the API).
    pub fn into_json_response(self) -> Response {
        self.log();
        #[derive(Serialize)]
        struct Body {
            error: String,
            message: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            errors: Vec<FieldError>,
        }
        let status = self.status();
        let code = match &self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::TooManyRequests => "too_many_requests",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation_failed",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        };
        let errors = match &self {
            AppError::Validation(v) => v.clone(),
            _ => vec![],
        };
        let mut res = (
            status,
            Json(Body {
                error: code.into(),
                message: self.public_message(),
                errors,
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"pathway\""),
            );
        }
        res
    }
}

/// An error from an `/api` handler, rendered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json_response()
    }
}

pub type AppResult<T> = Result<T, AppError>;
pub type ApiResult<T> = Result<T, ApiError>;
