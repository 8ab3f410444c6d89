//! How long the plan page takes for a full plan (13 sections, 40 actions, 10 risks): the whole
//! request through the production router on SQLite, from cookie to rendered HTML, including
//! the session check, the audit entry and the nine quality checks.
//!
//! Run with `cargo bench --bench plan_page`. Results are in docs/performance.md.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use pathway::auth::jwt::TokenKind;
use pathway::clock::{Clock, SystemClock};
use pathway::domain::working_days::BankHolidays;
use pathway::services::plans::Part;
use pathway::state::AppState;
use tower::ServiceExt;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (router, cookie, plan_path) = rt.block_on(async {
        let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
        let env = [
            ("APP_ENV", "test"),
            ("JWT_SECRET", "bench-secret-that-is-long-enough-0123456789"),
            ("DATABASE_URL", url.as_str()),
            ("DEMO_PASSWORD", "bench password 1234"),
        ];
        let config = pathway::config::Config::from_lookup(|k| {
            env.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
        .expect("config");
        let db = pathway::db::connect(&config).await.expect("db");
        pathway::db::migrate(&db).await.expect("migrate");
        let state = AppState::new(
            db,
            config,
            Arc::new(SystemClock),
            BankHolidays::england_and_wales(),
        );
        pathway::seed::seed_demo(&state).await.expect("seed");
        let user = pathway::services::users::find_by_email(&state, "adviser@demo.test")
            .await
            .expect("query")
            .expect("adviser");
        let session = pathway::auth::session::create(&state, &user.id, TokenKind::Browser)
            .await
            .expect("session");
        let current = pathway::auth::session::resolve(&state, &session.token, TokenKind::Browser)
            .await
            .expect("resolve")
            .expect("live session");
        let people = pathway::services::young_people::list(&state, &current)
            .await
            .expect("list");
        let person = people
            .iter()
            .find(|p| p.local_id == "BAR-1001")
            .expect("BAR-1001");
        let meta = Default::default();
        let plan = pathway::services::plans::start(&state, &current, &person.id, &meta)
            .await
            .expect("plan");
        pathway::services::plans::save(
            &state,
            &current,
            &plan.id,
            plan.lock_version,
            Part::Whole(pathway::synthetic::full_plan(SystemClock.today())),
            &meta,
        )
        .await
        .expect("save");
        (
            pathway::routes::build_router(state.clone()),
            format!("{}={}", state.config.session_cookie_name(), session.token),
            format!("/plans/{}", plan.id),
        )
    });
    let addr: SocketAddr = "127.0.0.1:40000".parse().expect("addr");
    c.bench_function("plan page, full plan (40 actions, 10 risks)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut req = Request::builder()
                    .uri(&plan_path)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request");
                req.extensions_mut().insert(ConnectInfo(addr));
                let res = router.clone().oneshot(req).await.expect("response");
                assert!(res.status().is_success(), "{}", res.status());
                res.into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes()
                    .len()
            })
        })
    });
    c.bench_function("plan edit page, the busiest section", |b| {
        let edit = format!("{plan_path}/edit/about_me");
        b.iter(|| {
            rt.block_on(async {
                let mut req = Request::builder()
                    .uri(&edit)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request");
                req.extensions_mut().insert(ConnectInfo(addr));
                let res = router.clone().oneshot(req).await.expect("response");
                assert!(res.status().is_success());
                res.into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes()
                    .len()
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
