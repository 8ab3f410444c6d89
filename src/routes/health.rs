use axum::extract::State;
use axum::http::StatusCode;

use crate::state::AppState;

/// Liveness: the process answers. Never touches the database.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if crate::db::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
