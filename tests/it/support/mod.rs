//! The test harness: the production router on a fresh database per test (a temp-file SQLite by
//! default, a new PostgreSQL database when `TEST_DATABASE_URL` is set), real migrations, a clock
//! the test controls, and a small browser that keeps cookies and reads form tokens.

#![allow(dead_code)]

pub mod mail;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use pathway::clock::ManualClock;
use pathway::config::Config;
use pathway::domain::working_days::BankHolidays;
use pathway::state::AppState;
use sea_orm::{ConnectionTrait, Database};
use tower::ServiceExt;

pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256-0123456789";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(base) => {
                let name = format!("pathway_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(base.clone())
                    .await
                    .expect("TEST_DATABASE_URL must point at a running PostgreSQL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let (prefix, _) = base
                    .rsplit_once('/')
                    .expect("TEST_DATABASE_URL has a database name");
                TestDb {
                    url: format!("{prefix}/{name}"),
                    _dir: None,
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
                TestDb {
                    url,
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub clock: ManualClock,
    pub db: TestDb,
}

/// The test configuration: production-like (Secure, `__Host-` cookies) unless a test changes it.
pub fn test_env(db_url: &str) -> HashMap<String, String> {
    let mut env = HashMap::new();
    env.insert("APP_ENV".into(), "test".into());
    env.insert("JWT_SECRET".into(), SECRET.into());
    env.insert("DATABASE_URL".into(), db_url.into());
    env.insert("APP_BASE_URL".into(), "https://pathway.test".into());
    env.insert("DEMO_PASSWORD".into(), PASSWORD.into());
    env
}

/// Where every test's clock starts: `CLOCK_START` (a date, meaning 10:00 UTC, or an instant), else
/// a fixed ordinary Monday. Never the real date: `.ci/run` runs the date-sensitive suites again
/// with several awkward starts.
pub fn clock_start() -> chrono::DateTime<Utc> {
    match std::env::var("CLOCK_START") {
        Ok(s) if !s.trim().is_empty() => {
            pathway::clock::parse_start(&s).unwrap_or_else(|e| panic!("{e}"))
        }
        _ => Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_env(|_| {}).await
    }

    pub async fn with_env(change: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
        let db = TestDb::new().await;
        let mut env = test_env(&db.url);
        change(&mut env);
        let config = Config::from_lookup(|k| env.get(k).cloned()).expect("test config");
        let conn = pathway::db::connect(&config).await.expect("connect");
        pathway::db::migrate(&conn).await.expect("migrate");
        let clock = ManualClock::new(clock_start());
        let state = AppState::new(
            conn,
            config,
            Arc::new(clock.clone()),
            BankHolidays::england_and_wales(),
        );
        let router = pathway::routes::build_router(state.clone());
        TestApp {
            state,
            router,
            clock,
            db,
        }
    }

    /// Loads the demo authority (users, team, young people).
    pub async fn seed(&self) {
        pathway::seed::seed_demo(&self.state).await.expect("seed");
    }

    pub async fn send(&self, mut req: Request<Body>, ip: &str) -> TestResponse {
        let addr: SocketAddr = format!("{ip}:40000").parse().expect("ip");
        req.extensions_mut().insert(ConnectInfo(addr));
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
            ip: "203.0.113.10".into(),
        }
    }

    /// A browser signed in as `email` with the demo password.
    pub async fn signed_in(&self, email: &str) -> Browser<'_> {
        let mut b = self.browser();
        let res = b.login(email, PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login as {email}: {}",
            res.body
        );
        b
    }

    /// A bearer token for `email` with the demo password.
    pub async fn token(&self, email: &str) -> String {
        let res = self
            .api(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req, "198.51.100.7").await
    }

    /// One milestone (by code) of a young person's timeline today, as the API gives it.
    pub async fn milestone(&self, token: &str, id: &str, code: &str) -> serde_json::Value {
        let t = self
            .api(
                Method::GET,
                &format!("/api/v1/young-people/{id}/timeline"),
                Some(token),
                None,
            )
            .await
            .json();
        t["milestones"]
            .as_array()
            .expect("milestones")
            .iter()
            .find(|m| m["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {t}"))
            .clone()
    }

    /// Adds a young person (`body`, as the API takes it) and a care episode from their 14th
    /// birthday on `legal_basis`, so that they are eligible from 16 (CA 1989 Sch 2 para 19B).
    pub async fn add_in_care_from_14(
        &self,
        token: &str,
        body: serde_json::Value,
        legal_basis: &str,
    ) -> String {
        use chrono::Datelike;
        let dob: chrono::NaiveDate = body["date_of_birth"]
            .as_str()
            .expect("date_of_birth")
            .parse()
            .expect("an ISO date");
        let res = self
            .api(
                Method::POST,
                "/api/v1/young-people",
                Some(token),
                Some(body),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let id = res.json()["id"].as_str().expect("id").to_string();
        let fourteenth = dob.with_year(dob.year() + 14).expect("a 14th birthday");
        let res = self
            .api(
                Method::POST,
                &format!("/api/v1/young-people/{id}/history"),
                Some(token),
                Some(serde_json::json!({
                    "type": "episode", "start_date": fourteenth, "legal_basis": legal_basis
                })),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        id
    }

    /// The id of a demo young person by their local identifier.
    pub async fn young_person_id(&self, local_id: &str) -> String {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        pathway::entities::young_person::Entity::find()
            .filter(pathway::entities::young_person::Column::LocalId.eq(local_id))
            .one(&self.state.db)
            .await
            .expect("query")
            .expect("demo young person")
            .id
    }

    pub async fn user_id(&self, email: &str) -> String {
        pathway::services::users::find_by_email(&self.state, email)
            .await
            .expect("query")
            .expect("user")
            .id
    }

    pub async fn audit_actions(&self) -> Vec<pathway::entities::audit_event::Model> {
        pathway::services::audit::search(&self.state, &Default::default(), 10_000)
            .await
            .expect("audit")
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }
    /// The value of the first hidden `csrf_token` field on the page.
    pub fn csrf_token(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("page has a csrf_token field") + marker.len();
        let end = self.body[start..].find('"').expect("closing quote");
        self.body[start..start + end].to_string()
    }
}

/// A minimal browser: keeps cookies, sends forms with the page's token.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    pub ip: String,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, res: &TestResponse) {
        for c in res.set_cookies() {
            let first = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .expect("request");
        let res = self.app.send(req, &self.ip).await;
        self.keep_cookies(&res);
        res
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let req = req.body(Body::from(body)).expect("request");
        let res = self.app.send(req, &self.ip).await;
        self.keep_cookies(&res);
        res
    }

    /// Loads `form_page`, then posts `fields` plus its form token to `action`.
    pub async fn submit(
        &mut self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let page = self.get(form_page).await;
        assert_eq!(page.status, StatusCode::OK, "{form_page}: {}", page.body);
        let token = page.csrf_token();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(action, &all, &[("sec-fetch-site", "same-origin")])
            .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> TestResponse {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookies.get("__Host-pathway-session").cloned()
    }
}
