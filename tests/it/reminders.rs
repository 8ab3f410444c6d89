//! Reminder emails: who gets what and when (the clock is driven, never slept on), the digest,
//! escalation, preferences, and the outbox's promises: nothing lost when SMTP is down, nothing
//! sent twice by two workers or after a crashed worker, valid `.eml` files without SMTP.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use pathway::clock::Clock;
use pathway::entities::email_outbox;
use pathway::jobs::outbox::{self, Mailer, Worker};
use pathway::jobs::reminders;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::TestApp;
use crate::support::mail::{MailServer, Received, free_port};

fn worker(app: &TestApp, name: &str) -> Worker {
    let mailer = Mailer::from_config(&app.state.config.mail).expect("mailer");
    Worker::new(app.state.clone(), Arc::new(mailer), name)
}

async fn rows(app: &TestApp) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .all(&app.state.db)
        .await
        .expect("outbox")
}

pub(crate) fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

/// Runs one scheduler tick and sends everything due.
pub(crate) async fn tick_and_send(app: &TestApp) {
    reminders::tick(&app.state).await.expect("tick");
    worker(app, "t").run_until_idle().await.expect("send");
}

/// The part of a digest's text under `heading`, up to the next heading.
fn section(text: &str, heading: &str) -> String {
    let Some(start) = text.find(heading) else {
        return String::new();
    };
    let rest = &text[start + heading.len()..];
    let end = [
        "WAITING FOR A PERSONAL ADVISER (",
        "OVERDUE (",
        "ESCALATED FROM YOUR TEAM",
        "COMING UP (",
        "Each link opens",
    ]
    .iter()
    .filter_map(|h| rest.find(h))
    .min()
    .unwrap_or(rest.len());
    rest[..end].to_string()
}

async fn create_person(
    app: &TestApp,
    token: &str,
    local: &str,
    given: &str,
    dob: NaiveDate,
) -> String {
    app.add_in_care_from_14(
        token,
        json!({
            "local_id": local, "given_name": given, "family_name": "Quinn", "date_of_birth": dob
        }),
        "s20 accommodated",
    )
    .await
}

async fn due_of(app: &TestApp, token: &str, id: &str, code: &str) -> NaiveDate {
    app.milestone(token, id, code).await["due"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn new_since(mail: &MailServer, mark: usize) -> Vec<Received> {
    mail.all().into_iter().skip(mark).collect()
}

#[tokio::test]
async fn reminders_follow_the_clock_the_digest_groups_and_escalation_reaches_the_manager() {
    let mail = MailServer::start(free_port()).await;
    let app = smtp_app(&mail, &[("DIGEST_HOUR", "7")]).await;
    app.seed().await;

    // Sam (adviser2) chooses the digest on the account page; Priya (adviser) keeps the default.
    let mut sam = app.signed_in("adviser2@demo.test").await;
    let saved = sam
        .submit("/account", "/account/reminders", &[("delivery", "digest")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        sam.get("/account")
            .await
            .body
            .contains(r#"value="digest" checked"#)
    );

    // Two young people turning 16 in a month, in care since 14: a needs assessment falls due
    // for each (CPPCR 2010 reg 42(1)).
    let today = app.clock.today();
    let sixteenth = today + Duration::days(30);
    let dob = NaiveDate::from_ymd_opt(
        sixteenth.year() - 16,
        sixteenth.month(),
        sixteenth.day().min(28),
    )
    .unwrap();
    let priya = app.token("adviser@demo.test").await;
    let sam_token = app.token("adviser2@demo.test").await;
    let zed = create_person(&app, &priya, "R-1", "Zed", dob).await;
    let yara = create_person(&app, &sam_token, "R-2", "Yara", dob).await;
    let due = due_of(&app, &priya, &zed, "NEEDS_ASSESSMENT").await;
    assert_eq!(
        due,
        due_of(&app, &sam_token, &yara, "NEEDS_ASSESSMENT").await
    );
    assert!(due > today + Duration::days(15), "due {due}");

    // Whatever the demo already had due goes first.
    tick_and_send(&app).await;
    let about = |m: &Received, who: &str| {
        m.text
            .contains(&format!("Complete the needs assessment for {who}"))
    };

    // 15 days before: nothing about it yet.
    let mark = mail.all().len();
    app.clock.set(at(due - Duration::days(15), 9));
    tick_and_send(&app).await;
    assert!(
        new_since(&mail, mark)
            .iter()
            .all(|m| !about(m, "Zed Q.") && !about(m, "Yara Q."))
    );

    // 14 days before, 06:00: Priya's 14-day reminder goes at once; no digest before 07:00.
    let mark = mail.all().len();
    app.clock.set(at(due - Duration::days(14), 6));
    tick_and_send(&app).await;
    let got = new_since(&mail, mark);
    let priya_14: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["adviser@demo.test".to_string()] && about(m, "Zed Q."))
        .collect();
    assert_eq!(priya_14.len(), 1, "{got:#?}");
    assert_eq!(
        priya_14[0].subject,
        "Due in 14 days: Complete the needs assessment"
    );
    assert!(
        priya_14[0]
            .text
            .contains(&format!("https://pathway.test/young-people/{zed}#timeline"))
    );
    assert!(
        priya_14[0]
            .html
            .contains("Complete the needs assessment for Zed Q.")
    );
    // Sam chose the digest: nothing on its own, and no digest before the digest hour.
    assert!(
        got.iter()
            .all(|m| !m.to.contains(&"adviser2@demo.test".to_string())),
        "{got:#?}"
    );

    // 09:00 the same day: Sam's digest lists it under "coming up"; Priya gets no second copy.
    let mark = mail.all().len();
    app.clock.set(at(due - Duration::days(14), 9));
    tick_and_send(&app).await;
    let got = new_since(&mail, mark);
    let sam_digest: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["adviser2@demo.test".to_string()])
        .collect();
    assert_eq!(sam_digest.len(), 1, "one digest a day: {got:#?}");
    assert!(sam_digest[0].subject.starts_with("Pathway reminders for"));
    assert!(
        section(&sam_digest[0].text, "COMING UP (")
            .contains("Complete the needs assessment for Yara Q."),
        "{}",
        sam_digest[0].text
    );
    assert!(
        got.iter()
            .all(|m| !(m.subject.starts_with("Due in 14 days") && about(m, "Zed Q.")))
    );

    // 3 days before: the 3-day reminder, once.
    app.clock.set(at(due - Duration::days(3), 9));
    tick_and_send(&app).await;
    reminders::tick(&app.state).await.unwrap();
    tick_and_send(&app).await;
    let threes: Vec<_> = mail
        .to("adviser@demo.test")
        .into_iter()
        .filter(|m| {
            m.subject == "Due in 3 days: Complete the needs assessment" && about(m, "Zed Q.")
        })
        .collect();
    assert_eq!(threes.len(), 1);

    // The day after: overdue, in Priya's one digest, not an email of its own.
    let mark = mail.all().len();
    app.clock.set(at(due + Duration::days(1), 9));
    tick_and_send(&app).await;
    tick_and_send(&app).await;
    let got = new_since(&mail, mark);
    // The demo's own young people may have something due that day too (they are dated from the
    // clock's start): what matters is that Zed's overdue assessment reaches Priya once, in her
    // one digest, and not in an email of its own.
    let priya_mail: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["adviser@demo.test".to_string()])
        .collect();
    let digests: Vec<_> = priya_mail
        .iter()
        .filter(|m| m.subject.starts_with("Pathway reminders for"))
        .collect();
    assert_eq!(digests.len(), 1, "one digest a day: {priya_mail:#?}");
    let about_zed: Vec<_> = priya_mail.iter().filter(|m| about(m, "Zed Q.")).collect();
    assert_eq!(
        about_zed.len(),
        1,
        "Zed's overdue assessment in exactly one email, the digest: {priya_mail:#?}"
    );
    assert!(about_zed[0].subject.starts_with("Pathway reminders for"));
    assert!(
        section(&about_zed[0].text, "OVERDUE (")
            .contains("Complete the needs assessment for Zed Q.")
    );
    let manager_mail: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["manager@demo.test".to_string()])
        .collect();
    assert!(manager_mail.iter().all(|m| {
        !section(&m.text, "ESCALATED FROM YOUR TEAM")
            .contains("Complete the needs assessment for Zed Q.")
    }));

    // Escalation: overdue for more than 5 working days reaches the team manager's digest.
    let escalates = app.state.holidays.add_working_days(due, 5) + Duration::days(1);
    let mark = mail.all().len();
    app.clock.set(at(escalates - Duration::days(1), 9));
    tick_and_send(&app).await;
    assert!(
        new_since(&mail, mark)
            .iter()
            .filter(|m| m.to == vec!["manager@demo.test".to_string()])
            .all(|m| !section(&m.text, "ESCALATED FROM YOUR TEAM")
                .contains("Complete the needs assessment for Zed Q."))
    );
    let mark = mail.all().len();
    app.clock.set(at(escalates, 9));
    tick_and_send(&app).await;
    let got = new_since(&mail, mark);
    let manager_digest: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["manager@demo.test".to_string()])
        .collect();
    assert_eq!(manager_digest.len(), 1);
    let escalated = section(&manager_digest[0].text, "ESCALATED FROM YOUR TEAM");
    assert!(
        escalated.contains("Complete the needs assessment for Zed Q."),
        "{}",
        manager_digest[0].text
    );
    assert!(escalated.contains("with Priya Shah"));
    assert!(
        escalated.contains("Complete the needs assessment for Yara Q.")
            && escalated.contains("with Sam Reid")
    );

    // Least data: no family name anywhere, no first name in any subject.
    for m in mail.all() {
        assert!(
            !m.text.contains("Quinn") && !m.html.contains("Quinn"),
            "{}",
            m.text
        );
        assert!(
            !m.subject.contains("Zed") && !m.subject.contains("Yara"),
            "{}",
            m.subject
        );
    }
}

#[tokio::test]
async fn a_recorded_return_sends_the_interview_reminder_at_once_and_once_only() {
    let mail = MailServer::start(free_port()).await;
    let app = smtp_app(&mail, &[]).await;
    app.seed().await;
    tick_and_send(&app).await;
    let mark = mail.all().len();

    let token = app.token("adviser@demo.test").await;
    let id = app.young_person_id("BAR-1003").await;
    let today = app.clock.today();
    let back = today - Duration::days(2);
    let res = app
        .api(Method::POST, &format!("/api/v1/young-people/{id}/history"), Some(&token), Some(json!({
            "type": "event", "kind": "missing_episode", "date": today - Duration::days(4), "end_date": back
        })))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // Enqueued with the change itself, before any tick.
    let queued: Vec<_> = rows(&app)
        .await
        .into_iter()
        .filter(|r| r.kind == reminders::RETURN_INTERVIEW)
        .collect();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].status, "pending");
    assert_eq!(queued[0].due, back + Duration::days(3));

    worker(&app, "w").run_until_idle().await.unwrap();
    tick_and_send(&app).await;
    let got: Vec<_> = new_since(&mail, mark)
        .into_iter()
        .filter(|m| m.text.contains("Offer a return home interview for Leah M."))
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].to, vec!["adviser@demo.test".to_string()]);
    assert_eq!(
        got[0].subject,
        "Return home interview to offer: due tomorrow"
    );
    assert!(got[0].text.contains("for Leah M."));
    assert!(!got[0].text.contains("Murphy"));

    // Past the 72 hours with no offer recorded: an overdue reminder, at once, not in a digest.
    let mark = mail.all().len();
    app.clock.set(at(back + Duration::days(4), 5));
    tick_and_send(&app).await;
    tick_and_send(&app).await;
    let got: Vec<_> = new_since(&mail, mark)
        .into_iter()
        .filter(|m| m.text.contains("Offer a return home interview for Leah M."))
        .collect();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        got[0].subject,
        "Overdue: return home interview not yet offered"
    );
    assert_eq!(got[0].to, vec!["adviser@demo.test".to_string()]);
}

fn plain_row(
    recipient: &str,
    to: &str,
    item: &str,
    now: chrono::DateTime<Utc>,
) -> email_outbox::ActiveModel {
    outbox::NewEmail {
        recipient_id: recipient,
        to,
        kind: "due_in_14",
        item,
        due: now.date_naive() + Duration::days(14),
        payload: "{}".into(),
        subject: format!("Due in 14 days: {item}"),
        text: format!("Reminder {item}"),
        html: format!("<p>Reminder {item}</p>"),
        status: "pending",
        max_attempts: 3,
    }
    .row(now)
}

/// A test app that sends to `mail`, with any other settings.
async fn smtp_app(mail: &MailServer, extra: &[(&str, &str)]) -> TestApp {
    let url = mail.url();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    TestApp::with_env(move |e| {
        e.insert("SMTP_URL".into(), url);
        e.extend(extra);
    })
    .await
}

async fn one_user(app: &TestApp) -> String {
    pathway::services::users::create(
        &app.state,
        pathway::services::users::NewUser {
            email: "pa@example.test".into(),
            name: "Pat Adviser".into(),
            password: crate::support::PASSWORD.into(),
            role: pathway::auth::Role::Adviser,
            is_admin: false,
            team_id: None,
        },
    )
    .await
    .expect("user")
    .id
}

#[tokio::test]
async fn enqueuing_the_same_reminder_twice_is_impossible() {
    let app = TestApp::new().await;
    let uid = one_user(&app).await;
    let now = app.clock.now();
    outbox::enqueue(
        &app.state.db,
        vec![plain_row(&uid, "pa@example.test", "x", now)],
    )
    .await
    .unwrap();
    outbox::enqueue(
        &app.state.db,
        vec![
            plain_row(&uid, "pa@example.test", "x", now),
            plain_row(&uid, "pa@example.test", "y", now),
        ],
    )
    .await
    .unwrap();
    assert_eq!(rows(&app).await.len(), 2);

    // Ticks on a whole authority add nothing the second time.
    app.seed().await;
    reminders::tick(&app.state).await.unwrap();
    let first = rows(&app).await.len();
    reminders::tick(&app.state).await.unwrap();
    pathway::services::young_people::refresh_all(&app.state)
        .await
        .unwrap();
    reminders::tick(&app.state).await.unwrap();
    assert_eq!(rows(&app).await.len(), first);
}

#[tokio::test]
async fn smtp_down_loses_nothing_retries_back_off_and_the_email_arrives_when_it_returns() {
    let port = free_port();
    let app = TestApp::with_env(|e| {
        e.insert("SMTP_URL".into(), format!("smtp://127.0.0.1:{port}"));
        e.insert("OUTBOX_RETRY_BASE_SECONDS".into(), "60".into());
        e.insert("SMTP_TIMEOUT_SECONDS".into(), "5".into());
    })
    .await;
    let uid = one_user(&app).await;
    let start = app.clock.now();
    outbox::enqueue(
        &app.state.db,
        vec![plain_row(&uid, "pa@example.test", "r", start)],
    )
    .await
    .unwrap();
    let w = worker(&app, "w");

    // First failure: back in about a minute (60 s ± 20%).
    assert_eq!(w.run_until_idle().await.unwrap(), 1);
    let r = rows(&app).await.remove(0);
    assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
    let wait = (r.run_at - start).num_seconds();
    assert!((48..=72).contains(&wait), "first retry after {wait}s");
    assert_eq!(
        r.last_error.as_deref(),
        Some("the mail server could not be reached")
    );
    // Not due yet: nothing is claimed.
    assert_eq!(w.run_until_idle().await.unwrap(), 0);

    // Second failure: about two minutes.
    app.clock.set(r.run_at);
    assert_eq!(w.run_until_idle().await.unwrap(), 1);
    let r2 = rows(&app).await.remove(0);
    assert_eq!(r2.attempts, 2);
    let wait = (r2.run_at - r.run_at).num_seconds();
    assert!((96..=144).contains(&wait), "second retry after {wait}s");

    // The server comes back; the next try delivers, once.
    let mail = MailServer::start(port).await;
    app.clock.set(r2.run_at);
    assert_eq!(w.run_until_idle().await.unwrap(), 1);
    let got = mail.expect_at_least(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].message_id, format!("<outbox-{}@localhost>", r.id));
    let r3 = rows(&app).await.remove(0);
    assert_eq!(r3.status, "sent");
    assert!(r3.last_error.is_none());
}

#[tokio::test]
async fn after_the_last_attempt_an_email_is_shown_failed_and_an_administrator_can_send_it_again() {
    let port = free_port();
    let app = TestApp::with_env(|e| {
        e.insert("SMTP_URL".into(), format!("smtp://127.0.0.1:{port}"));
        e.insert("OUTBOX_MAX_ATTEMPTS".into(), "2".into());
    })
    .await;
    app.seed().await;
    let uid = app.user_id("adviser@demo.test").await;
    let mut row = plain_row(&uid, "adviser@demo.test", "z", app.clock.now());
    row.max_attempts = Set(2);
    outbox::enqueue(&app.state.db, vec![row]).await.unwrap();
    email_outbox::Entity::delete_many()
        .filter(email_outbox::Column::Item.ne("z"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let w = worker(&app, "w");
    for _ in 0..2 {
        w.run_until_idle().await.unwrap();
        app.clock.advance(Duration::hours(1));
    }
    let dead = rows(&app).await.remove(0);
    assert_eq!((dead.status.as_str(), dead.attempts), ("dead", 2));

    // Not for advisers.
    let mut adviser = app.signed_in("adviser@demo.test").await;
    assert_eq!(
        adviser.get("/admin/emails").await.status,
        StatusCode::NOT_FOUND
    );
    let mut admin = app.signed_in("admin@demo.test").await;
    let page = admin.get("/admin/emails?status=dead").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Failed (1)"));
    assert!(page.body.contains("the mail server could not be reached"));
    let retried = admin
        .submit(
            "/admin/emails?status=dead",
            &format!("/admin/emails/{}/retry", dead.id),
            &[],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.action == "retry_email")
    );

    let mail = MailServer::start(port).await;
    w.run_until_idle().await.unwrap();
    assert_eq!(mail.expect_at_least(1).await.len(), 1);
    assert_eq!(rows(&app).await.remove(0).status, "sent");
}

#[tokio::test]
async fn a_worker_killed_after_claiming_loses_its_lease_and_the_email_goes_once() {
    let mail = MailServer::start(free_port()).await;
    let app = smtp_app(&mail, &[("OUTBOX_LEASE_SECONDS", "300")]).await;
    let uid = one_user(&app).await;
    outbox::enqueue(
        &app.state.db,
        vec![plain_row(&uid, "pa@example.test", "k", app.clock.now())],
    )
    .await
    .unwrap();

    // A worker claims the row and dies before sending.
    let claimed = outbox::claim(&app.state, "killed-worker", 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);

    // While its lease holds, no one else takes it.
    let survivor = worker(&app, "survivor");
    assert_eq!(survivor.run_until_idle().await.unwrap(), 0);
    app.clock.advance(Duration::seconds(299));
    assert_eq!(survivor.run_until_idle().await.unwrap(), 0);

    // The lease expires; the survivor sends it, once.
    app.clock.advance(Duration::seconds(2));
    assert_eq!(survivor.run_until_idle().await.unwrap(), 1);
    let got = mail.expect_at_least(1).await;
    assert_eq!(got.len(), 1);
    let r = rows(&app).await.remove(0);
    assert_eq!((r.status.as_str(), r.attempts), ("sent", 2));
    assert_eq!(got[0].message_id, format!("<outbox-{}@localhost>", r.id));
    assert_eq!(survivor.run_until_idle().await.unwrap(), 0);
}

#[tokio::test]
async fn a_worker_told_to_stop_releases_what_it_has_not_sent() {
    let mail = MailServer::start(free_port()).await;
    let app = smtp_app(&mail, &[]).await;
    let uid = one_user(&app).await;
    let now = app.clock.now();
    let batch = (0..5)
        .map(|i| plain_row(&uid, "pa@example.test", &format!("s{i}"), now))
        .collect();
    outbox::enqueue(&app.state.db, batch).await.unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(true);
    let w = worker(&app, "stopping");
    assert_eq!(w.run_batch(10, Some(&stop)).await.unwrap(), 5);
    for r in rows(&app).await {
        assert_eq!(
            (r.status.as_str(), r.attempts, r.locked_by),
            ("pending", 0, None)
        );
    }
    // Another worker picks them straight up.
    assert_eq!(worker(&app, "next").run_until_idle().await.unwrap(), 5);
    assert_eq!(mail.expect_at_least(5).await.len(), 5);
}

#[tokio::test]
async fn two_workers_send_a_thousand_due_reminders_exactly_once() {
    let mail = MailServer::start(free_port()).await;
    let app = smtp_app(&mail, &[]).await;
    let uid = one_user(&app).await;
    let now = app.clock.now();
    let batch: Vec<_> = (0..1000)
        .map(|i| plain_row(&uid, "pa@example.test", &format!("item-{i}"), now))
        .collect();
    outbox::enqueue(&app.state.db, batch).await.unwrap();

    // A second node: its own connection pool to the same database.
    let second_conn = pathway::db::connect(&app.state.config).await.unwrap();
    let second = pathway::state::AppState::new(
        second_conn,
        (*app.state.config).clone(),
        Arc::new(app.clock.clone()),
        pathway::domain::working_days::BankHolidays::england_and_wales(),
    );
    let mailer = || Arc::new(Mailer::from_config(&app.state.config.mail).unwrap());
    let a = Worker::new(app.state.clone(), mailer(), "node-a");
    let b = Worker::new(second, mailer(), "node-b");
    let (na, nb) = tokio::join!(a.run_until_idle(), b.run_until_idle());
    assert_eq!(na.unwrap() + nb.unwrap(), 1000);

    let got = mail.expect_at_least(1000).await;
    assert_eq!(got.len(), 1000, "every email sent, none twice");
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for m in &got {
        *per_id.entry(m.message_id.clone()).or_default() += 1;
    }
    assert_eq!(per_id.len(), 1000);
    assert!(per_id.values().all(|n| *n == 1));
    let expected: HashSet<String> = rows(&app)
        .await
        .iter()
        .map(|r| format!("<outbox-{}@localhost>", r.id))
        .collect();
    assert_eq!(expected, per_id.keys().cloned().collect::<HashSet<_>>());
    let sent = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq("sent"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sent, 1000);
}

#[tokio::test]
async fn without_smtp_the_demo_morning_is_written_as_valid_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let app = TestApp::with_env(|e| {
        e.insert("OUTBOX_DIR".into(), path.display().to_string());
        e.insert("DIGEST_HOUR".into(), "7".into());
    })
    .await;
    app.seed().await;
    app.clock.set(at(app.clock.today(), 8));
    tick_and_send(&app).await;
    let sent = rows(&app)
        .await
        .into_iter()
        .filter(|r| r.status == "sent")
        .collect::<Vec<_>>();
    assert!(
        sent.iter().any(|r| r.kind == reminders::DIGEST),
        "a first morning has digests"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), sent.len());
    for r in &sent {
        let bytes =
            std::fs::read(dir.path().join(format!("{}.eml", r.id))).expect("one file per email");
        let msg = mail_parser::MessageParser::default()
            .parse(&bytes)
            .expect("parses as a message");
        assert_eq!(
            msg.message_id(),
            Some(format!("outbox-{}@localhost", r.id).as_str())
        );
        assert_eq!(msg.subject(), Some(r.subject.as_str()));
        assert_eq!(
            msg.to().and_then(|a| a.first()).and_then(|a| a.address()),
            Some(r.to_addr.as_str())
        );
        assert_eq!(
            msg.from().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("pathway@localhost")
        );
        assert!(msg.date().is_some());
        assert_eq!(msg.text_body_count(), 1);
        assert_eq!(msg.html_body_count(), 1);
        assert!(msg.body_text(0).unwrap().contains("Hello"));
        assert!(msg.body_html(0).unwrap().contains("<p>Hello"));
        assert_eq!(
            msg.header_raw("Auto-Submitted").map(str::trim),
            Some("auto-generated")
        );
    }
}

#[tokio::test]
async fn the_account_page_explains_a_missing_choice_and_records_a_change() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let page = b.get("/account").await;
    assert!(page.body.contains("Priya Shah") && page.body.contains("adviser@demo.test"));
    assert!(page.body.contains(r#"value="immediate" checked"#));
    let refused = b
        .submit("/account", "/account/reminders", &[("delivery", "weekly")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("There is a problem"));
    assert!(refused.body.contains(r##"href="#delivery""##));
    assert!(refused.body.contains(r#"value="immediate" checked"#));
    let ok = b
        .submit("/account", "/account/reminders", &[("delivery", "digest")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let user = pathway::services::users::find_by_email(&app.state, "adviser@demo.test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.reminder_delivery, "digest");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.action == "change_reminder_preference")
    );
}
