//! Security headers on every response, health checks, the OpenAPI document and error pages.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use sea_orm::ConnectionTrait;

use crate::support::{TestApp, TestResponse};

fn header_value<'a>(res: &'a TestResponse, name: &str) -> &'a str {
    res.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("missing {name} header: {:?}", res.headers))
}

fn assert_security_headers(res: &TestResponse, what: &str) {
    let csp = header_value(res, "content-security-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"script-src 'self'"), "{what}: {csp}");
    assert!(
        directives.contains(&"frame-ancestors 'none'"),
        "{what}: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(
        header_value(res, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        header_value(res, "referrer-policy"),
        "no-referrer",
        "{what}"
    );
}

fn assert_no_store(res: &TestResponse, what: &str) {
    let cc = header_value(res, "cache-control");
    assert!(cc.contains("no-store"), "{what}: {cc}");
}

async fn plain_get(app: &TestApp, path: &str) -> TestResponse {
    let req = Request::builder().uri(path).body(Body::empty()).unwrap();
    app.send(req, "198.51.100.7").await
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;

    let page = b.get("/caseload").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_security_headers(&page, "a page");
    assert_no_store(&page, "a page");

    let not_found = b.get("/no-such-page").await;
    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert_security_headers(&not_found, "a 404");
    assert_no_store(&not_found, "a 404");

    let health = plain_get(&app, "/healthz").await;
    assert_security_headers(&health, "/healthz");

    let api_error = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(api_error.status, StatusCode::UNAUTHORIZED);
    assert_security_headers(&api_error, "an API error");
    assert_no_store(&api_error, "an API error");

    let login = app.browser().get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert_security_headers(&login, "the login page");
    assert_no_store(&login, "the login page");

    let refused = app
        .browser()
        .post_raw("/login", &[], &[("origin", "https://evil.example")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_security_headers(&refused, "a refused cross-site post");

    let record = app.young_person_id("BAR-1001").await;
    let record_page = b.get(&format!("/young-people/{record}")).await;
    assert_eq!(record_page.status, StatusCode::OK);
    assert_security_headers(&record_page, "a young person's page");
    assert_no_store(&record_page, "a young person's page");

    let token = app.token("adviser@demo.test").await;
    let api_ok = app
        .api(Method::GET, "/api/v1/young-people", Some(&token), None)
        .await;
    assert_eq!(api_ok.status, StatusCode::OK);
    assert_security_headers(&api_ok, "an API response");
    assert_no_store(&api_ok, "an API response with personal data");
}

#[tokio::test]
async fn health_checks_answer() {
    let app = TestApp::new().await;
    let res = plain_get(&app, "/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "ok");
    let res = plain_get(&app, "/readyz").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::new().await;
    let res = plain_get(&app, "/api/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        header_value(&res, "content-type").starts_with("application/json"),
        "{:?}",
        res.headers
    );
    let doc = res.json();
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/auth/token",
        "/api/v1/young-people/{id}",
        "/api/v1/young-people",
        "/api/v1/me",
    ] {
        assert!(paths.contains_key(p), "{p} missing from {:?}", paths.keys());
    }
    assert!(paths["/api/v1/auth/token"].get("post").is_some());
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = TestApp::new().await;
    let res = plain_get(&app, "/api/v1/no-such-thing").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(
        header_value(&res, "content-type").starts_with("application/json"),
        "{:?}",
        res.headers
    );
    assert_eq!(res.json()["error"], "not_found");
    assert_security_headers(&res, "API 404");
}

#[tokio::test]
async fn a_page_not_found_is_a_page() {
    let app = TestApp::new().await;
    let res = plain_get(&app, "/no-such-page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(header_value(&res, "content-type").starts_with("text/html"));
    assert!(res.body.contains("Page not found"), "{}", res.body);
}

/// Words that would show an internal error leaking to the user.
const INTERNALS: &[&str] = &[
    "young_people",
    "select",
    "sqlite",
    "postgres",
    "no such table",
    "does not exist",
    "sqlx",
    "sea_orm",
    "dberr",
    "panicked",
    "src/",
    ".rs",
];

#[tokio::test]
async fn an_internal_error_shows_no_internals() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1001").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let token = app.token("adviser@demo.test").await;
    // Break the database under the service.
    app.state
        .db
        .execute_unprepared("ALTER TABLE young_people RENAME TO young_people_gone")
        .await
        .expect("rename");

    let page = b.get(&format!("/young-people/{id}")).await;
    assert_eq!(
        page.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Sorry, there is a problem with the service"),
        "{}",
        page.body
    );
    let text = page.body.to_lowercase();
    for w in INTERNALS {
        assert!(
            !text.contains(w),
            "the error page shows {w:?}: {}",
            page.body
        );
    }
    assert_security_headers(&page, "a 500 page");

    let api = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        api.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        api.body
    );
    assert_eq!(api.json()["error"], "internal");
    let text = api.body.to_lowercase();
    for w in INTERNALS {
        assert!(!text.contains(w), "the API error shows {w:?}: {}", api.body);
    }
}

#[tokio::test]
async fn responses_never_set_a_cookie_readable_by_scripts() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    let page = b.get("/login").await;
    let res = b.login("adviser@demo.test", crate::support::PASSWORD).await;
    for c in page.set_cookies().into_iter().chain(res.set_cookies()) {
        let lower = c.to_ascii_lowercase();
        assert!(lower.contains("httponly"), "{c}");
        assert!(lower.contains("secure"), "{c}");
        assert!(c.starts_with("__Host-"), "{c}");
    }
    assert!(
        !page.set_cookies().is_empty(),
        "the login page sets its pre-login cookie"
    );
}

#[tokio::test]
async fn a_request_that_is_too_large_is_refused_with_the_security_headers() {
    let app = TestApp::new().await;
    let body = "x".repeat(300 * 1024);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header("content-type", "application/json")
        .header("content-length", body.len().to_string())
        .body(Body::from(body))
        .unwrap();
    let res = app.send(req, "198.51.100.7").await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert_security_headers(&res, "a 413");
}

#[tokio::test]
async fn api_errors_are_json_even_for_the_wrong_method() {
    let app = TestApp::new().await;
    let res = plain_get(&app, "/api/v1/auth/token").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_security_headers(&res, "an API 405");
    assert!(
        res.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "an API error is JSON: {:?} {:?}",
        res.headers,
        res.body
    );
    assert!(res.json()["error"].is_string(), "{}", res.body);
}
