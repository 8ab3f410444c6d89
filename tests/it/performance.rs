//! Performance indicators against a small caseload checked by hand, the page, its CSV, the
//! list behind a number and who may see which figures; the OC3 form's DfE checks.

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, NaiveDate};
use pathway::clock::Clock;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp};

fn years_ago(today: NaiveDate, years: i32, days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year() - years, today.month(), today.day().min(28)).unwrap()
        - Duration::days(days)
}

fn birthday(dob: NaiveDate, age: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(dob.year() + age, dob.month(), dob.day()).unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.api(Method::POST, path, Some(token), Some(body)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{path}: {}", res.body);
    res.json()
}

/// A care leaver: looked after from 14 to 18.
async fn care_leaver(app: &TestApp, token: &str, local: &str, dob: NaiveDate) -> String {
    let p = post(
        app,
        token,
        "/api/v1/young-people",
        json!({
            "local_id": local, "given_name": local, "family_name": "Test", "date_of_birth": dob
        }),
    )
    .await;
    let id = p["id"].as_str().unwrap().to_string();
    post(
        app,
        token,
        &format!("/api/v1/young-people/{id}/history"),
        json!({
            "type": "episode", "start_date": birthday(dob, 14),
        "end_date": birthday(dob, 18).min(app.clock.today() - Duration::days(30)),
            "legal_basis": "s20 accommodated"
        }),
    )
    .await;
    id
}

/// One CSV line's fields, quotes removed.
pub(crate) fn split_csv(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// The current figure of one indicator and band in the CSV: (numerator, denominator).
pub(crate) fn figure(csv: &str, today: NaiveDate, indicator: &str, band: &str) -> (u32, u32) {
    let today = today.to_string();
    for line in csv.lines().skip(1) {
        let cells = split_csv(line);
        if cells[1] == today && cells[3] == indicator && cells[4] == band {
            return (cells[5].parse().unwrap(), cells[6].parse().unwrap());
        }
    }
    panic!("no {indicator} {band} for {today} in\n{csv}");
}

#[tokio::test]
async fn indicators_match_a_caseload_counted_by_hand() {
    let app = TestApp::new().await;
    app.seed().await;
    // A new adviser in the demo team, so their caseload holds only the people below.
    let team = pathway::services::users::find_by_email(&app.state, "adviser@demo.test")
        .await
        .unwrap()
        .unwrap()
        .team_id;
    let pa = pathway::services::users::create(
        &app.state,
        pathway::services::users::NewUser {
            email: "pa3@demo.test".into(),
            name: "Jo Khan".into(),
            password: PASSWORD.into(),
            role: pathway::auth::Role::Adviser,
            is_admin: false,
            team_id: team,
        },
    )
    .await
    .unwrap();
    let token = app.token("pa3@demo.test").await;
    let today = app.clock.today();

    // Ana, 18: in touch, in education, suitable flat; four homes this year, one temporary.
    let ana_dob = years_ago(today, 18, 10);
    let ana = care_leaver(&app, &token, "ANA", ana_dob).await;
    let hist = |id: &str| format!("/api/v1/young-people/{id}/history");
    post(
        &app,
        &token,
        &hist(&ana),
        json!({"type": "oc3", "date": birthday(ana_dob, 18) + Duration::days(2),
        "in_touch": "YES", "activity": "F2", "accommodation": "U1"}),
    )
    .await;
    for (i, (start, temporary)) in [(300, false), (200, true), (100, false), (20, false)]
        .iter()
        .enumerate()
    {
        let end = [200, 100, 20].get(i).map(|d| today - Duration::days(*d));
        post(
            &app,
            &token,
            &hist(&ana),
            json!({"type": "accommodation", "kind": format!("Home {i}"),
            "start_date": today - Duration::days(*start), "end_date": end, "temporary": temporary,
            "move_reason": "Planned move"}),
        )
        .await;
    }
    // Ben, 19: not in touch, not in education, address unknown; a return 10 days ago with an
    // interview offered 2 days later.
    let ben_dob = years_ago(today, 19, 30);
    let ben = care_leaver(&app, &token, "BEN", ben_dob).await;
    post(
        &app,
        &token,
        &hist(&ben),
        json!({"type": "oc3", "date": birthday(ben_dob, 19) + Duration::days(1),
        "in_touch": "NO", "activity": "G5", "accommodation": "R2"}),
    )
    .await;
    post(
        &app,
        &token,
        &hist(&ben),
        json!({"type": "event", "kind": "missing_episode",
        "date": today - Duration::days(12), "end_date": today - Duration::days(10)}),
    )
    .await;
    post(
        &app,
        &token,
        &hist(&ben),
        json!({"type": "event", "kind": "return_interview_offered",
        "date": today - Duration::days(8), "offered_by": "RHI service", "accepted": true}),
    )
    .await;
    // Cal, 18: no care-leaver data yet; a return 20 days ago with no interview offered.
    let cal_dob = years_ago(today, 18, 40);
    let cal = care_leaver(&app, &token, "CAL", cal_dob).await;
    post(
        &app,
        &token,
        &hist(&cal),
        json!({"type": "event", "kind": "missing_episode",
        "date": today - Duration::days(21), "end_date": today - Duration::days(20)}),
    )
    .await;

    pathway::services::indicators::refresh(&app.state)
        .await
        .unwrap();
    let mut b = app.signed_in("pa3@demo.test").await;
    let scope = format!("adviser:{}", pa.id);
    let csv = b.get(&format!("/performance.csv?scope={scope}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let csv = csv.body;
    assert_eq!(figure(&csv, today, "In touch", "17-18"), (1, 2));
    assert_eq!(figure(&csv, today, "In touch", "19-21"), (0, 1));
    assert_eq!(
        figure(&csv, today, "In education, employment or training", "17-18"),
        (1, 2)
    );
    assert_eq!(
        figure(&csv, today, "In suitable accommodation", "17-18"),
        (1, 2)
    );
    assert_eq!(
        figure(&csv, today, "In suitable accommodation", "19-21"),
        (0, 1)
    );
    assert_eq!(
        figure(
            &csv,
            today,
            "Return home interviews offered within 72 hours",
            ""
        ),
        (1, 2)
    );
    assert_eq!(
        figure(&csv, today, "Three or more moves in 12 months", ""),
        (1, 1)
    );
    assert_eq!(
        figure(&csv, today, "Spent time in temporary accommodation", ""),
        (1, 1)
    );
    // Every one of them had their personal adviser from the start, before 16: on time.
    let (n, d) = figure(
        &csv,
        today,
        "Personal adviser allocated by the policy age",
        "",
    );
    assert_eq!(d, 3);
    assert!(n <= d);

    // The page shows the same numbers, each linking to the people behind it.
    let page = b.get(&format!("/performance?scope={scope}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "/performance/in_touch?scope={scope}&amp;band=17-18\">1 of 2"
        )),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<title id=\"trend-in_touch-17-18-title\">")
    );
    assert!(page.body.contains("Trend as a table"));
    let behind = b
        .get(&format!("/performance/in_touch?scope={scope}&band=17-18"))
        .await;
    assert_eq!(behind.status, StatusCode::OK);
    assert!(
        behind.body.contains(&format!("/young-people/{ana}"))
            && behind.body.contains(&format!("/young-people/{cal}"))
    );
    assert!(
        !behind.body.contains(&format!("/young-people/{ben}")),
        "Ben is 19"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.action == "view_performance_list")
    );

    // Who may see what: not the authority, not another adviser; their manager sees the team.
    assert_eq!(
        b.get("/performance?scope=authority").await.status,
        StatusCode::NOT_FOUND
    );
    let other = app.user_id("adviser@demo.test").await;
    assert_eq!(
        b.get(&format!("/performance?scope=adviser:{other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!(
            "/performance/in_touch?scope=adviser:{other}&band=17-18"
        ))
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let mut manager = app.signed_in("manager@demo.test").await;
    assert_eq!(
        manager
            .get(&format!("/performance?scope={scope}"))
            .await
            .status,
        StatusCode::OK
    );
    let team_page = manager.get("/performance").await;
    assert!(team_page.body.contains("Leaving Care Team North"));
    let mut admin = app.signed_in("admin@demo.test").await;
    assert_eq!(
        admin.get("/performance").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_oc3_form_applies_the_dfe_rules_and_closes_the_milestone() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let today = app.clock.today();
    let dob = years_ago(today, 17, 5);
    let id = care_leaver(&app, &token, "OC3-T", dob).await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let form = format!("/young-people/{id}/add/oc3");
    let date = (birthday(dob, 17) + Duration::days(1)).to_string();
    let refused = b
        .submit(
            &form,
            &form,
            &[
                ("date", &date),
                ("in_touch", "YES"),
                ("activity", "F2"),
                ("accommodation", "T"),
                ("suitable", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("A care leaver under 18 cannot be recorded as living in a foyer")
    );
    let refused = b
        .submit(
            &form,
            &form,
            &[
                ("date", &date),
                ("in_touch", "YES"),
                ("activity", "F2"),
                ("accommodation", "S"),
                ("suitable", "1"),
            ],
        )
        .await;
    assert!(
        refused
            .body
            .contains("No fixed abode and custody are always recorded as unsuitable")
    );
    let ok = b
        .submit(
            &form,
            &form,
            &[
                ("date", &date),
                ("in_touch", "YES"),
                ("activity", "F2"),
                ("accommodation", "E"),
                ("suitable", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}/timeline"),
            Some(&token),
            None,
        )
        .await
        .json();
    let oc3 = t["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "OC3_RECORD")
        .cloned()
        .expect("an OC3 milestone around the 17th birthday");
    assert_eq!(oc3["state"], "done", "{oc3}");
    // The generic event form no longer takes a bare "OC3 recorded".
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{id}/history"),
            Some(&token),
            Some(json!({"type": "event", "kind": "oc3_recorded", "date": date})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}
