//! The reminder scheduler and the email outbox, measured on a synthetic authority.
//!
//! - How long one scheduler tick takes at 10,000 and 100,000 young people (13 stored milestones
//!   each, about 1 in 10 past ones overdue, one adviser per 25 young people, teams of 8): the
//!   first tick of a day, which also builds every digest, and a steady-state tick after it.
//! - How many emails a second one worker (and four) sends to an SMTP server on loopback.
//!
//! ```sh
//! cargo bench --bench reminders
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench reminders
//! REMINDER_BENCH_SIZES=10000,100000,1000000 cargo bench --bench reminders
//! ```
//! Results are in docs/performance.md. This prints measurements; it asserts nothing.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use pathway::clock::{Clock, ManualClock};
use pathway::config::Config;
use pathway::domain::timeline::MilestoneCode;
use pathway::domain::working_days::BankHolidays;
use pathway::entities::{email_outbox, milestone, team, user, young_person};
use pathway::jobs::outbox::{Mailer, Worker};
use pathway::state::AppState;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, EntityTrait, TransactionTrait,
};

struct Db {
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

async fn fresh_db(tag: &str) -> Db {
    match std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(base) => {
            let name = format!("pathway_bench_{tag}_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(base.clone()).await.expect("PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create database");
            let (prefix, _) = base.rsplit_once('/').expect("database name");
            Db {
                url: format!("{prefix}/{name}"),
                cleanup: Some((base, name)),
                _dir: None,
            }
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            Db {
                url: format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
                cleanup: None,
                _dir: Some(dir),
            }
        }
    }
}

async fn drop_db(db: Db) {
    if let Some((base, name)) = db.cleanup {
        let admin = Database::connect(base).await.expect("PostgreSQL");
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    }
}

async fn state_for(url: &str, clock: &ManualClock, extra: &[(&str, String)]) -> AppState {
    let mut env: std::collections::HashMap<String, String> = [
        ("APP_ENV", "test".to_string()),
        (
            "JWT_SECRET",
            "bench-secret-that-is-long-enough-0123456789abcdef".into(),
        ),
        ("DATABASE_URL", url.to_string()),
        ("APP_BASE_URL", "https://pathway.bench".into()),
        ("DIGEST_HOUR", "7".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        env.insert(k.to_string(), v.clone());
    }
    let config = Config::from_lookup(|k| env.get(k).cloned()).expect("config");
    let conn = pathway::db::connect(&config).await.expect("connect");
    pathway::db::migrate(&conn).await.expect("migrate");
    AppState::new(
        conn,
        config,
        Arc::new(clock.clone()),
        BankHolidays::england_and_wales(),
    )
}

fn months(n: i64) -> Duration {
    Duration::days(n * 365 / 12)
}

/// A synthetic authority of `n` young people with stored milestones.
async fn populate(state: &AppState, n: usize, today: NaiveDate) {
    let mut rng = StdRng::seed_from_u64(20261123);
    let now = state.clock.now();
    let advisers = (n / 25).max(1);
    let teams = advisers.div_ceil(8);
    let txn = state.db.begin().await.unwrap();
    let mk_user = |id: String, role: &str, team: Option<String>, digest: bool| user::ActiveModel {
        email: Set(format!("{id}@bench.test")),
        id: Set(id.clone()),
        name: Set(format!("Worker {id}")),
        password_hash: Set(String::new()),
        role: Set(role.to_string()),
        is_admin: Set(false),
        team_id: Set(team),
        disabled: Set(false),
        sessions_valid_after: Set(None),
        reminder_delivery: Set(if digest { "digest" } else { "immediate" }.into()),
        created_at: Set(now - Duration::days(400)),
        updated_at: Set(now),
    };
    let mut users = vec![mk_user("senior-0".into(), "senior_manager", None, false)];
    let mut team_rows = Vec::new();
    for t in 0..teams {
        let tid = format!("team-{t}");
        let mid = format!("manager-{t}");
        users.push(mk_user(mid.clone(), "manager", Some(tid.clone()), false));
        team_rows.push(team::ActiveModel {
            id: Set(tid),
            name: Set(format!("Team {t}")),
            // Set once the managers exist (each table refers to the other).
            manager_id: Set(None),
            created_at: Set(now),
        });
    }
    for a in 0..advisers {
        users.push(mk_user(
            format!("adviser-{a}"),
            "adviser",
            Some(format!("team-{}", a / 8)),
            a % 3 == 0,
        ));
    }
    for c in team_rows.chunks(500) {
        team::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    for c in users.chunks(500) {
        user::Entity::insert_many(c.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    for t in 0..teams {
        team::ActiveModel {
            id: Set(format!("team-{t}")),
            manager_id: Set(Some(format!("manager-{t}"))),
            ..Default::default()
        }
        .update(&txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();

    let chunk = 1000;
    let mut i = 0;
    while i < n {
        let txn = state.db.begin().await.unwrap();
        let mut people = Vec::with_capacity(chunk);
        let mut stones = Vec::with_capacity(chunk * 13);
        for k in i..(i + chunk).min(n) {
            let id = format!("yp-{k:08}");
            let age_days = rng.random_range(15 * 365..22 * 365);
            let dob = today - Duration::days(age_days);
            people.push(young_person::ActiveModel {
                id: Set(id.clone()),
                local_id: Set(format!("SYN-{k:08}")),
                given_name: Set("Alex".into()),
                family_name: Set("Morgan".into()),
                preferred_name: Set(None),
                date_of_birth: Set(dob),
                gender: Set(None),
                pronouns: Set(None),
                ethnicity: Set(None),
                first_language: Set(None),
                disability: Set(None),
                uasc: Set(false),
                trafficked: Set(false),
                phone: Set(None),
                email: Set(None),
                address: Set(None),
                adviser_id: Set(Some(format!("adviser-{}", k % advisers))),
                team_id: Set(Some(format!("team-{}", (k % advisers) / 8))),
                social_worker: Set(None),
                special_guardianship: Set(false),
                education_after21: Set(false),
                requested_pa_after21: Set(false),
                legal_status: Set("former_relevant".into()),
                next_due: Set(None),
                overdue_count: Set(0),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            for code in MilestoneCode::ALL {
                let due = match code {
                    MilestoneCode::PaAllocated => dob + months(192),
                    MilestoneCode::NeedsAssessment => dob + months(195),
                    MilestoneCode::PathwayPlan => dob + months(196),
                    MilestoneCode::HousingPlan => dob + months(204),
                    MilestoneCode::MoneyReady => dob + months(210),
                    MilestoneCode::Turning18 => dob + months(216),
                    MilestoneCode::DutiesEnd => dob + months(252),
                    MilestoneCode::Oc3Record => today + Duration::days(rng.random_range(-200..200)),
                    _ => today + Duration::days(rng.random_range(-60..180)),
                };
                if code == MilestoneCode::ReturnInterview && rng.random_range(0..100) > 2 {
                    continue;
                }
                let done = due < today && rng.random_range(0..10) != 0;
                stones.push(milestone::ActiveModel {
                    id: Set(uuid::Uuid::now_v7().to_string()),
                    young_person_id: Set(id.clone()),
                    code: Set(code.code().into()),
                    due: Set(due),
                    state: Set(if done {
                        "done"
                    } else if due < today {
                        "overdue"
                    } else {
                        "upcoming"
                    }
                    .into()),
                    done_on: Set(done.then_some(due)),
                    rule: Set("synthetic".into()),
                    source: Set(String::new()),
                    statutory: Set(true),
                    escalated: Set(false),
                    computed_at: Set(now),
                });
            }
        }
        young_person::Entity::insert_many(people)
            .exec(&txn)
            .await
            .unwrap();
        for c in stones.chunks(1000) {
            milestone::Entity::insert_many(c.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        i += chunk;
    }
}

async fn tick_at_scale(n: usize) {
    let db = fresh_db(&n.to_string()).await;
    // A fixed day: the benchmark measures the same work whatever the date.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let clock = ManualClock::new(Utc.from_utc_datetime(&today.and_hms_opt(9, 0, 0).unwrap()));
    let state = state_for(&db.url, &clock, &[]).await;
    let started = Instant::now();
    populate(&state, n, today).await;
    let load = started.elapsed();

    let t = Instant::now();
    let first = pathway::jobs::reminders::tick(&state).await.unwrap();
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut steady = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        pathway::jobs::reminders::tick(&state).await.unwrap();
        steady.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    steady.sort_by(f64::total_cmp);
    // The next morning: a day's new lead-time reminders and every digest.
    clock.set(Utc.from_utc_datetime(&(today + Duration::days(1)).and_hms_opt(9, 0, 0).unwrap()));
    let t = Instant::now();
    let next = pathway::jobs::reminders::tick(&state).await.unwrap();
    let next_ms = t.elapsed().as_secs_f64() * 1000.0;
    let rows: u64 = {
        use sea_orm::PaginatorTrait;
        email_outbox::Entity::find().count(&state.db).await.unwrap()
    };
    println!(
        "tick n={n:>8} backend={} | go-live tick {first_ms:.0} ms ({} reminders, {} digests) | steady tick median {:.0} ms (min {:.0}, max {:.0}; {} items coming) | next morning {next_ms:.0} ms ({} reminders, {} digests) | outbox rows {rows} | load {:.1} s",
        if db.cleanup.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        first.new_reminders,
        first.digests,
        steady[2],
        steady[0],
        steady[4],
        first.items,
        next.new_reminders,
        next.digests,
        load.as_secs_f64()
    );
    state.db.close().await.ok();
    drop_db(db).await;
}

/// Sends `emails` with `workers` workers to `smtp_url`, or to an in-process mailcrab server.
async fn send_rate(workers: usize, emails: usize, smtp_url: Option<String>) {
    let db = fresh_db("mail").await;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (url, server, label) = match smtp_url {
        Some(url) => {
            received.store(emails, std::sync::atomic::Ordering::Relaxed);
            (url.clone(), None, url)
        }
        None => {
            let port = {
                let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                l.local_addr().unwrap().port()
            };
            let server = mailcrab::development_mail_server([127, 0, 0, 1], port).await;
            let counter = received.clone();
            let mut rx = server.rx;
            tokio::spawn(async move {
                while rx.recv().await.is_ok() {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
            for _ in 0..200 {
                if tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
                {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            (
                format!("smtp://127.0.0.1:{port}"),
                Some(server.token),
                "in-process mailcrab".to_string(),
            )
        }
    };
    let state = state_for(&db.url, &clock, &[("SMTP_URL", url)]).await;
    populate(&state, 25, clock.today()).await;
    let now = clock.now();
    let text = "Hello Worker,\n\nThis is due in 14 days.\n".repeat(8);
    let html = "<p>Hello Worker,</p><p>This is due in 14 days.</p>".repeat(8);
    let rows: Vec<email_outbox::ActiveModel> = (0..emails)
        .map(|i| {
            pathway::jobs::outbox::NewEmail {
                recipient_id: "adviser-0",
                to: "adviser-0@bench.test",
                kind: "due_in_14",
                item: &format!("bench:{i}"),
                due: now.date_naive(),
                payload: "{}".into(),
                subject: "Due in 14 days: Pathway plan review".into(),
                text: text.clone(),
                html: html.clone(),
                status: "pending",
                max_attempts: 8,
            }
            .row(now)
        })
        .collect();
    pathway::jobs::outbox::enqueue(&state.db, rows)
        .await
        .unwrap();
    let mailer = Arc::new(Mailer::from_config(&state.config.mail).unwrap());
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for w in 0..workers {
        let worker = Worker::new(state.clone(), mailer.clone(), &format!("bench{w}"));
        set.spawn(async move { worker.run_until_idle().await.unwrap() });
    }
    let mut claimed = 0;
    while let Some(n) = set.join_next().await {
        claimed += n.unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    while received.load(std::sync::atomic::Ordering::Relaxed) < emails {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    println!(
        "send workers={workers} backend={} emails={claimed} in {secs:.2} s = {:.0} emails/s (SMTP on loopback: {label})",
        if db.cleanup.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        claimed as f64 / secs
    );
    if let Some(token) = server {
        token.cancel();
    }
    state.db.close().await.ok();
    drop_db(db).await;
}

fn main() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .try_init();
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing to run.
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let sizes: Vec<usize> = std::env::var("REMINDER_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|n| *n > 0)
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        for n in sizes {
            tick_at_scale(n).await;
        }
        // BENCH_SMTP_URL: an SMTP server of your own on loopback (e.g. aiosmtpd or postfix).
        let external = std::env::var("BENCH_SMTP_URL")
            .ok()
            .filter(|s| !s.is_empty());
        send_rate(1, 2000, external.clone()).await;
        send_rate(4, 2000, external).await;
    });
}
