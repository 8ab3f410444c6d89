//! Signing in and out, sessions and their timeouts, throttling, bearer tokens, form tokens and
//! the audit trail of all of them.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::support::{Browser, PASSWORD, SECRET, TestApp, TestResponse};

const SESSION_COOKIE: &str = "__Host-pathway-session";
const BAD_LOGIN: &str = "Enter a correct email address and password";

fn assert_redirect_to_login(res: &TestResponse, context: &str) {
    assert!(
        res.status.is_redirection(),
        "{context}: expected a redirect to /login, got {} {}",
        res.status,
        res.body
    );
    assert_eq!(res.location(), Some("/login"), "{context}");
}

/// A browser that presents `cookie_value` as its session cookie and nothing else.
fn browser_with_session<'a>(app: &'a TestApp, cookie_value: &str) -> Browser<'a> {
    let mut b = app.browser();
    b.cookies.insert(SESSION_COOKIE.into(), cookie_value.into());
    b
}

fn session_set_cookie(res: &TestResponse) -> Option<String> {
    res.set_cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")) && !c.contains("Max-Age=0"))
}

async fn get_with_auth(app: &TestApp, path: &str, authorization: Option<&str>) -> TestResponse {
    let mut req = Request::builder().uri(path);
    if let Some(a) = authorization {
        req = req.header(header::AUTHORIZATION, a);
    }
    app.send(req.body(Body::empty()).unwrap(), "198.51.100.7")
        .await
}

// ---------------------------------------------------------------------------------------------
// Signing in

#[tokio::test]
async fn login_sets_a_hardened_session_cookie_and_redirects_to_start() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    let res = b.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/"));
    let cookie = session_set_cookie(&res).expect("a session cookie is set");
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "secure"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "path=/"), "{cookie}");
    assert!(
        !attrs.iter().any(|a| a.starts_with("domain")),
        "__Host- cookies have no Domain: {cookie}"
    );
    assert!(b.session_cookie().is_some_and(|v| !v.is_empty()));
}

#[tokio::test]
async fn adviser_lands_on_their_caseload() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let res = b.get("/").await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(res.location(), Some("/caseload"));
    let page = b.get("/caseload").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<h1 class=\"app-heading-l\">My caseload</h1>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn manager_lands_on_their_team() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("manager@demo.test").await;
    let res = b.get("/").await;
    assert!(res.status.is_redirection(), "{}", res.status);
    assert_eq!(res.location(), Some("/team"));
    let page = b.get("/team").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("My team"), "{}", page.body);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_are_indistinguishable() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b1 = app.browser();
    let wrong = b1
        .login("adviser@demo.test", "not the right password")
        .await;
    let mut b2 = app.browser();
    let unknown = b2.login("nobody@demo.test", "not the right password").await;

    assert_eq!(wrong.status, unknown.status);
    assert!(wrong.status.is_client_error(), "{}", wrong.status);
    for res in [&wrong, &unknown] {
        assert!(res.body.contains(BAD_LOGIN), "{}", res.body);
        assert!(session_set_cookie(res).is_none(), "{:?}", res.set_cookies());
    }
    assert!(b1.session_cookie().is_none());
    assert!(b2.session_cookie().is_none());
    // Apart from the echoed email address and each browser's own form token, the pages match.
    let normalise = |res: &TestResponse, email: &str| {
        res.body
            .replace(email, "EMAIL")
            .replace(&res.csrf_token(), "TOKEN")
    };
    assert_eq!(
        normalise(&wrong, "adviser@demo.test"),
        normalise(&unknown, "nobody@demo.test")
    );
}

// ---------------------------------------------------------------------------------------------
// Ending sessions

#[tokio::test]
async fn logout_ends_the_session_for_good() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let old = b.session_cookie().expect("session");
    let res = b.submit("/caseload", "/logout", &[]).await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    assert_eq!(res.location(), Some("/login"));
    assert!(
        res.set_cookies()
            .iter()
            .any(|c| c.starts_with(&format!("{SESSION_COOKIE}=;")) && c.contains("Max-Age=0")),
        "the cookie is cleared: {:?}",
        res.set_cookies()
    );
    // Replaying the old cookie value does not bring the session back.
    let mut replay = browser_with_session(&app, &old);
    let res = replay.get("/caseload").await;
    assert_redirect_to_login(&res, "old cookie after logout");
}

#[tokio::test]
async fn disabling_a_user_ends_their_browser_session_and_tokens() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut adviser = app.signed_in("adviser@demo.test").await;
    let token = app.token("adviser@demo.test").await;
    assert_eq!(adviser.get("/caseload").await.status, StatusCode::OK);
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );

    let id = app.user_id("adviser@demo.test").await;
    let mut admin = app.signed_in("admin@demo.test").await;
    let res = admin
        .submit("/admin/users", &format!("/admin/users/{id}/disable"), &[])
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);

    let res = adviser.get("/caseload").await;
    assert_redirect_to_login(&res, "disabled user's session");
    let res = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);

    // And they cannot sign in again; the answer is the same as for a wrong password.
    let mut again = app.browser();
    let res = again.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains(BAD_LOGIN));
}

#[tokio::test]
async fn admin_can_end_every_other_session() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut adviser = app.signed_in("adviser@demo.test").await;
    let mut manager = app.signed_in("manager@demo.test").await;
    assert_eq!(adviser.get("/caseload").await.status, StatusCode::OK);

    let token = app.token("adviser@demo.test").await;
    let mut admin = app.signed_in("admin@demo.test").await;
    let res = admin
        .submit("/admin/users", "/admin/sessions/end-all", &[])
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);

    assert_redirect_to_login(&adviser.get("/caseload").await, "adviser after end-all");
    assert_redirect_to_login(&manager.get("/team").await, "manager after end-all");
    let res = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "API tokens end too: {}",
        res.body
    );
    // The administrator who pressed the button stays signed in.
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn idle_session_ends_after_30_minutes() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "29 minutes idle is fine"
    );
    app.clock.advance(Duration::minutes(31));
    assert_redirect_to_login(&b.get("/caseload").await, "31 minutes idle");
}

#[tokio::test]
async fn activity_keeps_the_session_alive() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    app.clock.advance(Duration::minutes(20));
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(20));
    // 40 minutes after signing in, 20 after the last request.
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(20));
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
}

#[tokio::test]
async fn session_ends_after_12_hours_however_active() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    // Every 20 minutes for 11 hours 40 minutes: still signed in.
    for step in 1..=35 {
        app.clock.advance(Duration::minutes(20));
        let res = b.get("/caseload").await;
        assert_eq!(res.status, StatusCode::OK, "after {} minutes", step * 20);
    }
    app.clock.advance(Duration::minutes(20));
    assert_redirect_to_login(&b.get("/caseload").await, "12 hours after signing in");
}

// ---------------------------------------------------------------------------------------------
// Throttling

#[tokio::test]
async fn an_account_is_throttled_after_five_failures() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    // Writing the address differently does not give an attacker more guesses.
    let spellings = [
        "adviser@demo.test",
        "Adviser@Demo.Test",
        " adviser@demo.test ",
        "ADVISER@DEMO.TEST",
        "adviser@demo.test",
    ];
    for (i, email) in spellings.iter().enumerate() {
        let res = b.login(email, "wrong password here").await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "failure {i} ({email:?})"
        );
    }
    // From another address, and with the right password: still refused.
    let mut other = app.browser();
    other.ip = "192.0.2.99".into();
    let res = other.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("Too many attempts"), "{}", res.body);
    assert!(session_set_cookie(&res).is_none());
    assert!(other.session_cookie().is_none());

    // The lock is temporary: once the 15-minute window has passed, the right password works.
    app.clock.advance(Duration::minutes(16));
    let res = other.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn an_address_is_throttled_after_twenty_failures() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    for i in 0..20 {
        let email = format!("guess{i}@demo.test");
        let res = b.login(&email, "wrong password here").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let res = b.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("Too many attempts"), "{}", res.body);
    assert!(b.session_cookie().is_none());

    let mut elsewhere = app.browser();
    elsewhere.ip = "192.0.2.55".into();
    let res = elsewhere.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(elsewhere.session_cookie().is_some());
}

// ---------------------------------------------------------------------------------------------
// API tokens

#[tokio::test]
async fn api_token_is_issued_for_correct_credentials() {
    let app = TestApp::new().await;
    app.seed().await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "adviser@demo.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    let expires_in = body["expires_in"].as_i64().expect("expires_in is a number");
    assert!(expires_in > 0 && expires_in <= 24 * 3600, "{expires_in}");
    let token = body["access_token"].as_str().expect("access_token");
    let me = app.api(Method::GET, "/api/v1/me", Some(token), None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["email"], "adviser@demo.test");
}

#[tokio::test]
async fn api_token_refused_without_saying_which_field_was_wrong() {
    let app = TestApp::new().await;
    app.seed().await;
    let wrong_pw = app
        .api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "adviser@demo.test", "password": "not the password"})),
        )
        .await;
    let unknown = app
        .api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "nobody@demo.test", "password": "not the password"})),
        )
        .await;
    assert_eq!(
        wrong_pw.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        wrong_pw.body
    );
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", unknown.body);
    assert_eq!(
        wrong_pw.json(),
        unknown.json(),
        "one answer for every failure"
    );
    let body = wrong_pw.json();
    assert!(body.get("access_token").is_none());
    assert!(body.get("errors").is_none(), "{body}");
    let text = wrong_pw.body.to_lowercase();
    assert!(!text.contains("password"), "{text}");
    assert!(!text.contains("email"), "{text}");
}

fn b64json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json")
}

fn sign(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.api(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .status
}

#[tokio::test]
async fn forged_and_altered_tokens_are_refused() {
    let app = TestApp::new().await;
    app.seed().await;
    let real = app.token("adviser@demo.test").await;
    let claims = claims_of(&real);

    // Control: the same claims signed the same way are accepted, so every refusal below is for
    // the one thing that was changed.
    let resigned = sign(Algorithm::HS256, SECRET, &claims);
    assert_eq!(me_status(&app, &resigned).await, StatusCode::OK);

    // A character of the signature flipped.
    let (head, sig) = real.rsplit_once('.').unwrap();
    let mut sig: Vec<char> = sig.chars().collect();
    sig[10] = if sig[10] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{head}.{}", sig.into_iter().collect::<String>());
    assert_eq!(
        me_status(&app, &tampered).await,
        StatusCode::UNAUTHORIZED,
        "tampered signature"
    );

    // Signed with another secret.
    let other = sign(
        Algorithm::HS256,
        "another-secret-that-is-also-long-enough-0123456789",
        &claims,
    );
    assert_eq!(
        me_status(&app, &other).await,
        StatusCode::UNAUTHORIZED,
        "another secret"
    );

    // Expired an hour ago.
    let now = pathway::clock::Clock::now(&app.clock).timestamp();
    let mut expired_claims = claims.clone();
    expired_claims["iat"] = json!(now - 7200);
    expired_claims["exp"] = json!(now - 3600);
    let expired = sign(Algorithm::HS256, SECRET, &expired_claims);
    assert_eq!(
        me_status(&app, &expired).await,
        StatusCode::UNAUTHORIZED,
        "expired"
    );

    // Another algorithm with the right key.
    let hs384 = sign(Algorithm::HS384, SECRET, &claims);
    assert_eq!(
        me_status(&app, &hs384).await,
        StatusCode::UNAUTHORIZED,
        "HS384"
    );

    // alg: none, no signature.
    let none = format!(
        "{}.{}.",
        b64json(&json!({"alg": "none", "typ": "JWT"})),
        b64json(&claims)
    );
    assert_eq!(
        me_status(&app, &none).await,
        StatusCode::UNAUTHORIZED,
        "alg none"
    );
    let none_no_dot = none.trim_end_matches('.').to_string();
    assert_eq!(
        me_status(&app, &none_no_dot).await,
        StatusCode::UNAUTHORIZED,
        "alg none (2 parts)"
    );

    // The real token still works.
    assert_eq!(me_status(&app, &real).await, StatusCode::OK);
}

#[tokio::test]
async fn a_browser_session_token_is_not_an_api_token() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    assert_eq!(b.get("/caseload").await.status, StatusCode::OK);
    let cookie = b.session_cookie().expect("session");
    let res = app
        .api(Method::GET, "/api/v1/me", Some(&cookie), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(res.json()["error"], "unauthenticated");

    // Nor is an API token a browser session.
    let token = app.token("adviser@demo.test").await;
    let mut with_api_token = browser_with_session(&app, &token);
    assert_redirect_to_login(
        &with_api_token.get("/caseload").await,
        "API token as the session cookie",
    );
}

#[tokio::test]
async fn the_api_ignores_cookies() {
    let app = TestApp::new().await;
    app.seed().await;
    let b = app.signed_in("adviser@demo.test").await;
    let cookie = b.session_cookie().expect("session");
    let req = Request::builder()
        .uri("/api/v1/me")
        .header(header::COOKIE, format!("{SESSION_COOKIE}={cookie}"))
        .body(Body::empty())
        .unwrap();
    let res = app.send(req, "203.0.113.10").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(res.json()["error"], "unauthenticated");
}

#[tokio::test]
async fn the_api_ignores_tokens_in_the_query_string() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let res = get_with_auth(&app, &format!("/api/v1/me?access_token={token}"), None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let res = get_with_auth(&app, "/api/v1/me", Some(&format!("Bearer {token}"))).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "the token itself is good: {}",
        res.body
    );
}

// ---------------------------------------------------------------------------------------------
// The audit trail

#[tokio::test]
async fn login_and_failed_login_are_audited_with_the_actor() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.user_id("adviser@demo.test").await;
    let mut b = app.browser();
    assert_eq!(
        b.login("adviser@demo.test", "wrong password here")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.login("adviser@demo.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let rows = app.audit_actions().await;
    let failed: Vec<_> = rows.iter().filter(|r| r.action == "login_failed").collect();
    assert_eq!(failed.len(), 1, "{rows:?}");
    assert_eq!(failed[0].actor_id.as_deref(), Some(id.as_str()));
    assert_ne!(failed[0].outcome, "success");
    assert_eq!(failed[0].ip.as_deref(), Some("203.0.113.10"));

    let ok: Vec<_> = rows.iter().filter(|r| r.action == "login").collect();
    assert_eq!(ok.len(), 1, "{rows:?}");
    assert_eq!(ok[0].actor_id.as_deref(), Some(id.as_str()));
    assert_eq!(ok[0].outcome, "success");
    assert!(ok[0].id > failed[0].id, "recorded in order");
}

#[tokio::test]
async fn logout_is_audited() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.user_id("adviser@demo.test").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    assert!(
        app.audit_actions()
            .await
            .iter()
            .all(|r| r.action != "logout")
    );
    let res = b.submit("/caseload", "/logout", &[]).await;
    assert!(res.status.is_redirection());
    let rows = app.audit_actions().await;
    let out: Vec<_> = rows.iter().filter(|r| r.action == "logout").collect();
    assert_eq!(out.len(), 1, "{rows:?}");
    assert_eq!(out[0].actor_id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn viewing_a_young_person_is_audited_without_their_name() {
    use sea_orm::EntityTrait;
    let app = TestApp::new().await;
    app.seed().await;
    let adviser = app.user_id("adviser@demo.test").await;
    let yp_id = app.young_person_id("BAR-1001").await;
    let yp = pathway::entities::young_person::Entity::find_by_id(yp_id.clone())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut b = app.signed_in("adviser@demo.test").await;
    let page = b.get(&format!("/young-people/{yp_id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&yp.family_name),
        "the page shows the record"
    );

    let rows = app.audit_actions().await;
    let views: Vec<_> = rows
        .iter()
        .filter(|r| r.action == "view_young_person")
        .collect();
    assert_eq!(views.len(), 1, "{rows:?}");
    let v = views[0];
    assert_eq!(v.actor_id.as_deref(), Some(adviser.as_str()));
    assert_eq!(v.record_type.as_deref(), Some("young_person"));
    assert_eq!(v.record_id.as_deref(), Some(yp_id.as_str()));
    assert_eq!(v.outcome, "success");

    let mut names = vec![yp.given_name.clone(), yp.family_name.clone()];
    if let Some(p) = yp.preferred_name.clone().filter(|p| !p.is_empty()) {
        names.push(p);
    }
    for r in &rows {
        let text = format!("{r:?}").to_lowercase();
        for n in &names {
            assert!(
                !text.contains(&n.to_lowercase()),
                "audit row holds the name {n}: {r:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted() {
    let app = TestApp::new().await;
    app.seed().await;
    let _b = app.signed_in("adviser@demo.test").await;
    let before = app.audit_actions().await;
    assert!(!before.is_empty());

    let update = app
        .state
        .db
        .execute_unprepared("UPDATE audit_events SET action = 'tampered'")
        .await;
    assert!(update.is_err(), "UPDATE on audit_events must fail");
    let delete = app
        .state
        .db
        .execute_unprepared("DELETE FROM audit_events")
        .await;
    assert!(delete.is_err(), "DELETE on audit_events must fail");

    let after = app.audit_actions().await;
    assert_eq!(before, after, "the log is unchanged");
}

// ---------------------------------------------------------------------------------------------
// Cross-site request forgery

#[tokio::test]
async fn a_cross_origin_logout_is_refused() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let token = b.get("/caseload").await.csrf_token();
    let res = b
        .post_raw(
            "/logout",
            &[("csrf_token", &token)],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "still signed in"
    );

    let res = b
        .post_raw(
            "/logout",
            &[("csrf_token", &token)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "still signed in"
    );

    // Control: the same request from our own origin works.
    let res = b
        .post_raw(
            "/logout",
            &[("csrf_token", &token)],
            &[("origin", "https://pathway.test")],
        )
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);
    assert_redirect_to_login(&b.get("/caseload").await, "after logout");
}

#[tokio::test]
async fn a_cross_origin_login_is_refused() {
    let app = TestApp::new().await;
    app.seed().await;
    for extra in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let mut b = app.browser();
        let token = b.get("/login").await.csrf_token();
        let res = b
            .post_raw(
                "/login",
                &[
                    ("email", "adviser@demo.test"),
                    ("password", PASSWORD),
                    ("csrf_token", &token),
                ],
                &[extra],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{extra:?}: {}", res.body);
        assert!(session_set_cookie(&res).is_none(), "{extra:?}");
        assert!(b.session_cookie().is_none());
    }
}

#[tokio::test]
async fn logout_without_the_right_form_token_is_refused() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let same = [("sec-fetch-site", "same-origin")];
    let res = b.post_raw("/logout", &[], &same).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no token: {}", res.body);
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "still signed in"
    );

    let res = b
        .post_raw("/logout", &[("csrf_token", "not-the-token")], &same)
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "wrong token: {}",
        res.body
    );
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "still signed in"
    );

    // Another user's token does not work either.
    let mut other = app.signed_in("adviser2@demo.test").await;
    let theirs = other.get("/caseload").await.csrf_token();
    let res = b
        .post_raw("/logout", &[("csrf_token", &theirs)], &same)
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "someone else's token: {}",
        res.body
    );
    assert_eq!(
        b.get("/caseload").await.status,
        StatusCode::OK,
        "still signed in"
    );

    let rows = app.audit_actions().await;
    assert!(rows.iter().all(|r| r.action != "logout"), "{rows:?}");
}

#[tokio::test]
async fn login_form_needs_the_token_bound_to_its_own_cookie() {
    let app = TestApp::new().await;
    app.seed().await;
    let same = [("sec-fetch-site", "same-origin")];

    // A token from someone else's sign-in page, no pre-login cookie.
    let mut attacker = app.browser();
    let token = attacker.get("/login").await.csrf_token();
    let mut victim = app.browser();
    let res = victim
        .post_raw(
            "/login",
            &[
                ("email", "adviser@demo.test"),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ],
            &same,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no cookie: {}", res.body);
    assert!(victim.session_cookie().is_none());

    // Its own cookie but no token.
    let mut b = app.browser();
    assert_eq!(b.get("/login").await.status, StatusCode::OK);
    let res = b
        .post_raw(
            "/login",
            &[("email", "adviser@demo.test"), ("password", PASSWORD)],
            &same,
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no token: {}", res.body);
    assert!(b.session_cookie().is_none());

    // Its own cookie and someone else's token.
    let res = b
        .post_raw(
            "/login",
            &[
                ("email", "adviser@demo.test"),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ],
            &same,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "another page's token: {}",
        res.body
    );
    assert!(b.session_cookie().is_none());

    // Control: its own token works.
    let res = b.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn the_sign_in_form_escapes_what_was_typed() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    let evil = "\"><script>alert(1)</script>@x.test";
    let res = b.login(evil, "wrong password here").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(
        !res.body.contains("<script>alert(1)</script>"),
        "{}",
        res.body
    );
    assert!(!res.body.contains("\"><script"), "{}", res.body);
}

#[tokio::test]
async fn admin_can_end_one_users_sessions() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut adviser = app.signed_in("adviser@demo.test").await;
    let token = app.token("adviser@demo.test").await;
    let mut other = app.signed_in("adviser2@demo.test").await;
    let id = app.user_id("adviser@demo.test").await;

    let mut admin = app.signed_in("admin@demo.test").await;
    let res = admin
        .submit(
            "/admin/users",
            &format!("/admin/users/{id}/end-sessions"),
            &[],
        )
        .await;
    assert!(res.status.is_redirection(), "{} {}", res.status, res.body);

    assert_redirect_to_login(&adviser.get("/caseload").await, "ended session");
    let res = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(
        other.get("/caseload").await.status,
        StatusCode::OK,
        "others are unaffected"
    );

    // They can sign in again afterwards.
    app.clock.advance(Duration::seconds(1));
    let mut again = app.browser();
    let res = again.login("adviser@demo.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(again.get("/caseload").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_api_shares_the_account_throttle() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.browser();
    for i in 1..=5 {
        let res = b.login("adviser@demo.test", "wrong password here").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let res = app
        .api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"email": "adviser@demo.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.json().get("access_token").is_none());
}

#[tokio::test]
async fn api_tokens_expire_after_an_hour() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    app.clock.advance(Duration::minutes(59));
    assert_eq!(me_status(&app, &token).await, StatusCode::OK);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(me_status(&app, &token).await, StatusCode::UNAUTHORIZED);
}
