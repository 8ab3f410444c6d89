//! Cross-site request forgery defences (ASVS 5.0 V3.5.1, V3.5.3; OWASP CSRF cheat sheet):
//! 1. every state-changing request from a browser must come from our own origin
//!    (`Sec-Fetch-Site`, `Origin`), checked by [`origin_check`] on the whole router;
//! 2. every form carries a token bound to the session (HMAC of the session id), or before sign-in
//!    to a random pre-login cookie; checked in `routes::web::middleware` before any handler runs;
//! 3. the session cookie is `SameSite=Lax`, and nothing changes state on GET.

use axum::http::{HeaderMap, Method, header};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, purpose: &str, value: &str) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    m.update(purpose.as_bytes());
    m.update(b":");
    m.update(value.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// The form token for a signed-in session.
pub fn session_token(secret: &str, session_id: &str) -> String {
    mac(secret, "csrf-session", session_id)
}

/// The form token for the sign-in form, bound to the pre-login cookie's random value.
pub fn login_token(secret: &str, nonce: &str) -> String {
    mac(secret, "csrf-login", nonce)
}

/// Constant-time comparison of an expected token with the one presented.
pub fn matches(expected: &str, given: &str) -> bool {
    !given.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request's `Origin` / `Sec-Fetch-Site` show it came from somewhere else.
pub fn is_cross_origin(headers: &HeaderMap, base_url: &str) -> bool {
    // Browsers set Sec-Fetch-Site themselves (scripts cannot): when present it decides. It also
    // covers `Origin: null`, which Chromium sends on same-origin form posts from pages served
    // with `Referrer-Policy: no-referrer`.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return true;
        };
        if origin.eq_ignore_ascii_case(base_url) {
            return false;
        }
        // Same host as the request was sent to (the service behind any name it is reached by),
        // over the same scheme as the service's own address.
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let scheme = if base_url.starts_with("https://") {
            "https://"
        } else {
            "http://"
        };
        let origin_host = origin.strip_prefix(scheme);
        return match (host, origin_host) {
            (Some(h), Some(o)) => !o.eq_ignore_ascii_case(h),
            _ => true,
        };
    }
    // Neither header: not a browser (curl, an API client). The form token still applies.
    false
}
