//! The router: browser pages, the JSON API, health checks and static assets, with the security
//! layers that apply to every response.

pub mod api;
pub mod health;
pub mod middleware;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// The production router. Tests build exactly this.
pub fn build_router(state: AppState) -> Router {
    let web = web::router().layer(from_fn_with_state(state.clone(), middleware::web_session));
    Router::new()
        .merge(web)
        .nest("/api", api::router())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/assets/app.css", get(middleware::stylesheet))
        .layer(from_fn_with_state(state.clone(), middleware::origin_check))
        .layer(RequestBodyLimitLayer::new(256 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        // Outside the limit, timeout and panic layers, so their responses carry the headers too.
        .layer(from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::make_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
