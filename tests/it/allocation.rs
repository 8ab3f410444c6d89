//! Every young person belongs to a team from the day they are added: a manager sees those waiting
//! for a personal adviser, allocates in one step, and hears when the adviser is overdue; lateness
//! stays visible after the work is done (Ofsted found advisers allocated at about 17½ in Barnet).

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, NaiveDate};
use pathway::clock::Clock;
use pathway::domain::timeline::MilestoneCode;
use serde_json::{Value, json};

use crate::reminders::{at, tick_and_send};
use crate::support::TestApp;
use crate::support::mail::{MailServer, free_port};

/// A date of birth for someone whose 16th birthday is `days` from today (negative: past).
fn sixteen_in(app: &TestApp, days: i64) -> NaiveDate {
    let sixteenth = app.clock.today() + Duration::days(days);
    NaiveDate::from_ymd_opt(
        sixteenth.year() - 16,
        sixteenth.month(),
        sixteenth.day().min(28),
    )
    .unwrap()
}

/// Adds a young person in care since 14 (eligible from 16: CA 1989 Sch 2 para 19B), with `extra`
/// fields (a team, an adviser) as the caller sends them.
async fn add(
    app: &TestApp,
    token: &str,
    local: &str,
    given: &str,
    dob: NaiveDate,
    extra: Value,
) -> String {
    let mut body = json!({
        "local_id": local, "given_name": given, "family_name": "Tanaka", "date_of_birth": dob
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    app.add_in_care_from_14(token, body, "s31 care order").await
}

async fn allocate(
    app: &TestApp,
    token: &str,
    id: &str,
    body: Value,
) -> crate::support::TestResponse {
    app.api(
        Method::POST,
        &format!("/api/v1/young-people/{id}/allocate"),
        Some(token),
        Some(body),
    )
    .await
}

async fn staff(
    app: &TestApp,
    email: &str,
    name: &str,
    role: pathway::auth::Role,
    team_id: Option<String>,
) -> pathway::entities::user::Model {
    pathway::services::users::create(
        &app.state,
        pathway::services::users::NewUser {
            email: email.into(),
            name: name.into(),
            password: crate::support::PASSWORD.into(),
            role,
            is_admin: false,
            team_id,
        },
    )
    .await
    .unwrap()
}

async fn waiting(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app
        .api(
            Method::GET,
            "/api/v1/team/awaiting-allocation",
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> StatusCode {
    app.api(
        Method::GET,
        &format!("/api/v1/young-people/{id}"),
        Some(token),
        None,
    )
    .await
    .status
}

#[tokio::test]
async fn a_manager_sees_who_waits_for_an_adviser_and_allocates_in_one_step() {
    let app = TestApp::new().await;
    app.seed().await;
    let manager = app.token("manager@demo.test").await;
    let priya = app.token("adviser@demo.test").await;
    let priya_id = app.user_id("adviser@demo.test").await;

    // A 15-year-old referred from the children in care team, added by the manager with no adviser:
    // in the manager's own team by default.
    let ava = add(
        &app,
        &manager,
        "R-1",
        "Ava",
        sixteen_in(&app, 20),
        json!({}),
    )
    .await;
    assert_eq!(
        status_of(&app, &manager, &ava).await,
        StatusCode::OK,
        "readable by the manager"
    );
    assert_eq!(
        status_of(&app, &priya, &ava).await,
        StatusCode::NOT_FOUND,
        "not yet an adviser's"
    );
    let record = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{ava}"),
            Some(&manager),
            None,
        )
        .await
        .json();
    assert!(record["adviser_id"].is_null());
    assert!(record["team_id"].is_string(), "{record}");

    // On the list, most urgent first: Ava's adviser is due in 20 days, before the demo's Noah (49).
    let list = waiting(&app, &manager).await;
    let names: Vec<&str> = list
        .iter()
        .map(|w| w["young_person"].as_str().unwrap())
        .collect();
    let ava_at = names
        .iter()
        .position(|n| n.starts_with("Ava"))
        .expect("Ava waits");
    let noah_at = names
        .iter()
        .position(|n| n.starts_with("Noah"))
        .expect("the demo's Noah waits");
    assert!(ava_at < noah_at, "{names:?}");
    let row = &list[ava_at];
    assert_eq!(row["age"], 15);
    assert_eq!(row["days_waiting"], 0);
    let due = app.milestone(&manager, &ava, "PA_ALLOCATED").await;
    assert_eq!(row["adviser_due"], due["due"], "the PA_ALLOCATED due date");
    assert!(
        matches!(
            row["adviser_due_state"].as_str(),
            Some("upcoming" | "due_soon")
        ),
        "{row}"
    );
    let dues: Vec<&str> = list
        .iter()
        .filter_map(|w| w["adviser_due"].as_str())
        .collect();
    assert!(
        dues.windows(2).all(|w| w[0] <= w[1]),
        "most urgent first: {dues:?}"
    );

    // A week on, the wait is counted.
    app.clock.advance(Duration::days(7));
    // API tokens last an hour on the service's clock: new ones for the new day.
    let manager = app.token("manager@demo.test").await;
    let priya = app.token("adviser@demo.test").await;
    let senior = app.token("senior@demo.test").await;
    let list = waiting(&app, &manager).await;
    let row = list
        .iter()
        .find(|w| w["young_person_id"] == ava.as_str())
        .unwrap();
    assert_eq!(row["days_waiting"], 7);

    // The team page shows the list; one form allocates, with the reason kept in the history.
    let mut b = app.signed_in("manager@demo.test").await;
    let page = b.get("/team").await;
    assert!(
        page.body.contains("Waiting for a personal adviser (3)"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("action=\"/young-people/{ava}/allocate\""))
    );
    // Nobody chosen: the form again, saying what to do, and nothing changed.
    let none = b
        .submit(
            "/team",
            &format!("/young-people/{ava}/allocate"),
            &[("adviser_id", ""), ("reason", "Referred")],
        )
        .await;
    assert_eq!(
        none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        none.body
    );
    assert!(
        none.body
            .contains("Choose a personal adviser in the young person")
    );
    assert!(
        none.body.contains("value=\"Referred\""),
        "what was typed is kept"
    );
    assert!(
        waiting(&app, &manager)
            .await
            .iter()
            .any(|w| w["young_person_id"] == ava.as_str())
    );
    let res = b
        .submit(
            "/team",
            &format!("/young-people/{ava}/allocate"),
            &[
                ("adviser_id", &priya_id),
                ("reason", "Referred by the children in care team"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = b.get(res.location().unwrap()).await;
    assert!(
        after
            .body
            .contains("Ava Tanaka is allocated to Priya Shah."),
        "{}",
        after.body
    );
    assert!(after.body.contains("Waiting for a personal adviser (2)"));
    assert!(
        waiting(&app, &manager)
            .await
            .iter()
            .all(|w| w["young_person_id"] != ava.as_str())
    );
    assert_eq!(
        status_of(&app, &priya, &ava).await,
        StatusCode::OK,
        "now Priya's"
    );
    let record = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{ava}"),
            Some(&priya),
            None,
        )
        .await
        .json();
    let alloc = &record["allocations"][0];
    assert_eq!(alloc["user_id"], priya_id.as_str());
    assert_eq!(alloc["reason"], "Referred by the children in care team");
    assert_eq!(
        app.milestone(&priya, &ava, "PA_ALLOCATED").await["days_late"],
        0,
        "allocated before the due date"
    );

    // Another team: its manager and adviser see none of this team's young people, and this
    // team's manager cannot allocate to their adviser.
    let other_manager = staff(
        &app,
        "south@demo.test",
        "Sol South",
        pathway::auth::Role::Manager,
        None,
    )
    .await;
    let south =
        pathway::services::users::create_team(&app.state, "South", Some(other_manager.id.clone()))
            .await
            .unwrap();
    let south_adviser = staff(
        &app,
        "south-pa@demo.test",
        "Kit South",
        pathway::auth::Role::Adviser,
        Some(south.id.clone()),
    )
    .await;
    let south_token = app.token("south@demo.test").await;
    let ben = add(
        &app,
        &manager,
        "R-2",
        "Ben",
        sixteen_in(&app, 60),
        json!({}),
    )
    .await;
    assert_eq!(
        status_of(&app, &south_token, &ben).await,
        StatusCode::NOT_FOUND
    );
    assert!(
        waiting(&app, &south_token).await.is_empty(),
        "South's list is South's"
    );
    let refused = allocate(
        &app,
        &manager,
        &ben,
        json!({"adviser_id": south_adviser.id}),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("in the young person's team"),
        "{}",
        refused.body
    );
    let refused = allocate(
        &app,
        &south_token,
        &ben,
        json!({"adviser_id": south_adviser.id}),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "another team's young person"
    );
    let adviser_try = allocate(&app, &priya, &ben, json!({"adviser_id": priya_id})).await;
    assert_eq!(
        adviser_try.status,
        StatusCode::NOT_FOUND,
        "allocation is a manager's"
    );

    // A manager adding to a team they do not manage is refused; a senior manager places anyone.
    let refused = app
        .api(
            Method::POST,
            "/api/v1/young-people",
            Some(&manager),
            Some(
                json!({"local_id": "R-3", "given_name": "Cy", "family_name": "Tanaka",
                        "date_of_birth": sixteen_in(&app, 90), "team_id": south.id}),
            ),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let dee = add(
        &app,
        &senior,
        "R-4",
        "Dee",
        sixteen_in(&app, 90),
        json!({"team_id": south.id}),
    )
    .await;
    assert!(
        waiting(&app, &south_token)
            .await
            .iter()
            .any(|w| w["young_person_id"] == dee.as_str())
    );
    assert!(
        waiting(&app, &manager)
            .await
            .iter()
            .all(|w| w["young_person_id"] != dee.as_str())
    );
    // The senior manager's list is every team's.
    let all = waiting(&app, &senior).await;
    assert!(all.iter().any(|w| w["young_person_id"] == dee.as_str()));
    assert!(all.iter().any(|w| w["young_person_id"] == ben.as_str()));
    let allocated = allocate(
        &app,
        &south_token,
        &dee,
        json!({"adviser_id": south_adviser.id, "reason": "First allocation"}),
    )
    .await;
    assert_eq!(allocated.status, StatusCode::OK, "{}", allocated.body);
    assert_eq!(
        status_of(&app, &app.token("south-pa@demo.test").await, &dee).await,
        StatusCode::OK
    );

    // Every allocation is on the audit trail.
    let actions = app.audit_actions().await;
    assert!(
        actions
            .iter()
            .filter(|a| a.action == "change_allocation")
            .count()
            >= 2,
        "{:?}",
        actions.iter().map(|a| &a.action).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_unallocated_young_persons_reminders_reach_the_team_manager_and_the_digest_says_so() {
    let mail = MailServer::start(free_port()).await;
    let url = mail.url();
    let app = TestApp::with_env(move |e| {
        e.insert("SMTP_URL".into(), url);
        e.insert("DIGEST_HOUR".into(), "7".into());
    })
    .await;
    app.seed().await;
    let manager = app.token("manager@demo.test").await;
    let senior = app.token("senior@demo.test").await;
    let eve = add(
        &app,
        &manager,
        "R-1",
        "Eve",
        sixteen_in(&app, 10),
        json!({}),
    )
    .await;
    let due: NaiveDate = app.milestone(&manager, &eve, "PA_ALLOCATED").await["due"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // A team with no manager: its waiting young people are the senior managers'.
    let east = pathway::services::users::create_team(&app.state, "East", None)
        .await
        .unwrap();
    let fin = add(
        &app,
        &senior,
        "R-2",
        "Fin",
        sixteen_in(&app, 10),
        json!({"team_id": east.id}),
    )
    .await;
    assert!(!fin.is_empty());
    let allocate = MilestoneCode::PaAllocated.title();
    let about = |text: &str, who: &str| text.contains(&format!("{allocate} for {who}"));
    tick_and_send(&app).await;

    // 3 days before: the manager's reminder about Eve, the senior managers' about Fin; no adviser
    // is told, since none is allocated.
    let mark = mail.all().len();
    app.clock.set(at(due - Duration::days(3), 6));
    tick_and_send(&app).await;
    let got: Vec<_> = mail.all().into_iter().skip(mark).collect();
    let eve_mail: Vec<_> = got.iter().filter(|m| about(&m.text, "Eve T.")).collect();
    assert_eq!(eve_mail.len(), 1, "{got:#?}");
    assert_eq!(eve_mail[0].to, vec!["manager@demo.test".to_string()]);
    assert_eq!(eve_mail[0].subject, format!("Due in 3 days: {allocate}"));
    let fin_mail: Vec<_> = got.iter().filter(|m| about(&m.text, "Fin T.")).collect();
    assert_eq!(fin_mail.len(), 1, "{got:#?}");
    assert_eq!(fin_mail[0].to, vec!["senior@demo.test".to_string()]);

    // The day after it fell due: the manager's one digest names Eve under its own heading.
    let mark = mail.all().len();
    app.clock.set(at(due + Duration::days(1), 9));
    tick_and_send(&app).await;
    let got: Vec<_> = mail.all().into_iter().skip(mark).collect();
    let digest: Vec<_> = got
        .iter()
        .filter(|m| {
            m.to == vec!["manager@demo.test".to_string()]
                && m.subject.starts_with("Pathway reminders for")
        })
        .collect();
    assert_eq!(digest.len(), 1, "{got:#?}");
    let text = &digest[0].text;
    let start = text.find("WAITING FOR A PERSONAL ADVISER (").expect(text);
    let end = text[start..].find("\n\n").map_or(text.len(), |e| start + e);
    let waiting_part = &text[start..end];
    assert!(about(waiting_part, "Eve T."), "{text}");
    assert!(waiting_part.contains("was due"), "{waiting_part}");
    assert!(
        digest[0].subject.contains("waiting for an adviser"),
        "{}",
        digest[0].subject
    );
    assert!(digest[0].html.contains("Waiting for a personal adviser ("));
    assert!(!text.contains("Tanaka"), "first name and initial only");
    // The page agrees: overdue on the manager's list.
    let manager = app.token("manager@demo.test").await;
    let list = waiting(&app, &manager).await;
    let row = list
        .iter()
        .find(|w| w["young_person_id"] == eve.as_str())
        .unwrap();
    assert_eq!(row["adviser_due_state"], "overdue");
    let senior_digest: Vec<_> = got
        .iter()
        .filter(|m| m.to == vec!["senior@demo.test".to_string()])
        .collect();
    assert!(
        senior_digest.iter().any(|m| about(&m.text, "Fin T.")),
        "{senior_digest:#?}"
    );
}

#[tokio::test]
async fn a_late_allocation_shows_how_late_on_the_record_the_list_and_the_api() {
    let app = TestApp::new().await;
    app.seed().await;
    let manager = app.token("manager@demo.test").await;
    let priya_id = app.user_id("adviser@demo.test").await;
    // Sixteen four months ago, in care since 14, and no adviser yet: overdue.
    let gus = add(
        &app,
        &manager,
        "R-1",
        "Gus",
        sixteen_in(&app, -122),
        json!({}),
    )
    .await;
    let pa = app.milestone(&manager, &gus, "PA_ALLOCATED").await;
    assert_eq!(pa["state"], "overdue", "{pa}");
    assert!(pa["days_late"].is_null(), "not done: no lateness yet");
    let due: NaiveDate = pa["due"].as_str().unwrap().parse().unwrap();
    let res = allocate(&app, &manager, &gus, json!({"adviser_id": priya_id})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let pa = app.milestone(&manager, &gus, "PA_ALLOCATED").await;
    assert_eq!(pa["state"], "done");
    assert_eq!(
        pa["days_late"],
        (app.clock.today() - due).num_days(),
        "{pa}"
    );
    // Every done milestone carries days_late; the ones not done carry none.
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{gus}/timeline"),
            Some(&manager),
            None,
        )
        .await
        .json();
    for m in t["milestones"].as_array().unwrap() {
        assert_eq!(m["days_late"].is_null(), m["done_on"].is_null(), "{m}");
    }

    let mut b = app.signed_in("manager@demo.test").await;
    let page = b.get(&format!("/young-people/{gus}")).await;
    let late = pathway::views::lateness(due, app.clock.today());
    assert!(late.ends_with("months late"), "{late}");
    assert!(page.body.contains(&format!("Done {late}")), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "Done {late}: {}",
            MilestoneCode::PaAllocated.title()
        )),
        "the chronology says how late"
    );
    // The caseload can show just the young people whose adviser came late.
    let late_list = b.get("/caseload?adviser_late=1").await;
    assert!(late_list.body.contains("Gus Tanaka"), "{}", late_list.body);
    assert!(late_list.body.contains(&format!("Allocated {late}")));
    assert!(
        !late_list.body.contains("Noah Bennett"),
        "still waiting: not late-allocated"
    );
    assert!(
        b.get("/team")
            .await
            .body
            .contains("/caseload?adviser_late=1")
    );
}

#[tokio::test]
async fn a_teams_figures_count_the_young_people_waiting_for_an_adviser() {
    let app = TestApp::new().await;
    app.seed().await;
    let manager = app.token("manager@demo.test").await;
    let today = app.clock.today();
    let noah = app.young_person_id("BAR-1013").await;
    let team = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{noah}"),
            Some(&manager),
            None,
        )
        .await
        .json()["team_id"]
        .as_str()
        .unwrap()
        .to_string();
    let pa_on_time = |csv: &str| {
        crate::performance::figure(
            csv,
            today,
            "Personal adviser allocated by the policy age",
            "",
        )
    };
    pathway::services::indicators::refresh(&app.state)
        .await
        .unwrap();
    let mut b = app.signed_in("manager@demo.test").await;
    let before = pa_on_time(
        &b.get(&format!("/performance.csv?scope=team:{team}"))
            .await
            .body,
    );

    // Sixteen four months ago and still waiting: due, not done, and the team's to answer for.
    add(
        &app,
        &manager,
        "R-1",
        "Gus",
        sixteen_in(&app, -122),
        json!({}),
    )
    .await;
    pathway::services::indicators::refresh(&app.state)
        .await
        .unwrap();
    let after = pa_on_time(
        &b.get(&format!("/performance.csv?scope=team:{team}"))
            .await
            .body,
    );
    assert_eq!(after, (before.0, before.1 + 1), "before {before:?}");

    // The team page's count of overdue milestones is the list behind it, Gus's included.
    let manager = app.token("manager@demo.test").await;
    let overdue = app
        .api(Method::GET, "/api/v1/team/overdue", Some(&manager), None)
        .await
        .json();
    let overdue = overdue.as_array().unwrap();
    assert!(
        overdue
            .iter()
            .any(|m| m["young_person"].as_str().unwrap().starts_with("Gus"))
    );
    let page = b.get("/team").await;
    assert!(
        page.body
            .contains(&format!("Overdue milestones ({})", overdue.len())),
        "{} on the list: {}",
        overdue.len(),
        page.body
    );
}
