//! Browser pages. Handlers extract, call a service and render; no SQL here.

pub mod accessibility;
pub mod account;
pub mod admin;
pub mod auth;
pub mod forms;
pub mod home;
pub mod oversight;
pub mod performance;
pub mod plans;
pub mod returns;
pub mod young_people;

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/login", get(auth::login_page).post(auth::login_submit))
        .route("/logout", post(auth::logout))
        .route("/accessibility", get(accessibility::statement))
        .route("/caseload", get(home::caseload))
        .route("/team", get(home::team))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route(
            "/admin/users/{id}/end-sessions",
            post(admin::end_user_sessions),
        )
        .route("/admin/sessions/end-all", post(admin::end_all_sessions))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/emails", get(admin::emails))
        .route("/admin/emails/{id}/retry", post(admin::retry_email))
        .route("/performance", get(performance::page))
        .route("/performance.csv", get(performance::csv))
        .route("/performance/{code}", get(performance::behind))
        .route("/returns/ssda903", get(returns::page))
        .route("/returns/ssda903/{file}", get(returns::download))
        .route("/account", get(account::show))
        .route("/account/reminders", post(account::save_reminders))
        .merge(young_people::router())
        .merge(plans::router())
        .merge(oversight::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

async fn not_found() -> AppError {
    AppError::NotFound
}

/// Renders a template into a page; a template error is an internal error.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, AppError> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
}
