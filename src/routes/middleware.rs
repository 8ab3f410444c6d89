//! Cross-cutting layers: security headers on every response, the browser session and form-token
//! check, the stylesheet, the last-resort panic page and the request span.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response as HttpResponse, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::jwt::TokenKind;
use crate::auth::{csrf, session};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta};
use crate::state::AppState;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// OWASP ASVS 5.0 V3.4: headers on every response, including errors.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if state.config.base_url.starts_with("https://") {
        h.insert(
            "strict-transport-security",
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !is_asset {
        // Pages hold personal data: never stored by the browser or a proxy (ASVS V14.3.2).
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Resolves the browser session from its cookie, and refuses any state-changing request whose
/// form token does not match the session (or, for sign-in, the pre-login cookie). Runs before
/// every browser handler, so no form can forget the check.
pub async fn web_session(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cookies = parse_cookies(req.headers());
    let current = match cookies.get(state.config.session_cookie_name()) {
        Some(token) => match session::resolve(&state, token, TokenKind::Browser).await {
            Ok(c) => c,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let mut req = req;
    if csrf::is_state_changing(req.method()) {
        let meta = RequestMeta::from_request(&req);
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, 256 * 1024).await {
            Ok(b) => b,
            Err(_) => return AppError::PayloadTooLarge.into_response(),
        };
        let given = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                    .ok()
                    .and_then(|pairs| {
                        pairs
                            .into_iter()
                            .find(|(k, _)| k == "csrf_token")
                            .map(|(_, v)| v)
                    })
            })
            .unwrap_or_default();
        let secret = state.config.jwt_secret.expose();
        let ok = if parts.uri.path() == "/login" {
            cookies
                .get(state.config.login_cookie_name())
                .is_some_and(|nonce| csrf::matches(&csrf::login_token(secret, nonce), &given))
        } else if let Some(cu) = &current {
            csrf::matches(&cu.csrf_token, &given)
        } else {
            // No session: nothing to change. Send them to sign in.
            return AppError::Unauthenticated.into_response();
        };
        if !ok {
            let actor = current.as_ref().map(|c| c.id().to_string());
            let _ = audit::record(
                &state,
                actor.as_deref(),
                "csrf_rejected",
                None,
                "denied",
                &meta,
            )
            .await;
            return AppError::Csrf.into_response();
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    if let Some(c) = current {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

/// Cookies of the request by name (the first value wins).
pub fn parse_cookies(headers: &axum::http::HeaderMap) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                out.entry(k.trim().to_string())
                    .or_insert_with(|| v.trim().to_string());
            }
        }
    }
    out
}

/// The stylesheet, compiled into the binary: the service runs on a closed network, no CDN.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// The last-resort response when a handler panics: nothing internal is shown.
pub fn panic_response(_err: Box<dyn std::any::Any + Send + 'static>) -> HttpResponse<Body> {
    tracing::error!("a request handler panicked");
    let mut res = (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sorry, there is a problem with the service. Try again later.",
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// The request span: method, path and request id. Never the query string or a body, which may
/// hold personal data.
pub fn make_span(req: &Request) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
}

/// Refuses state-changing requests that a browser says came from another site.
pub async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if csrf::is_state_changing(req.method())
        && csrf::is_cross_origin(req.headers(), &state.config.base_url)
    {
        tracing::warn!(path = %req.uri().path(), "cross-origin state-changing request refused");
        let meta = crate::services::audit::RequestMeta::from_request(&req);
        let _ =
            crate::services::audit::record(&state, None, "csrf_rejected", None, "denied", &meta)
                .await;
        if req.uri().path().starts_with("/api/") {
            return AppError::Csrf.into_json_response();
        }
        return AppError::Csrf.into_response();
    }
    next.run(req).await
}
