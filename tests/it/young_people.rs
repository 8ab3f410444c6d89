//! Young people, their care history and the transition timeline, through the API and the pages.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

async fn create_person(app: &TestApp, token: &str, local_id: &str, dob: &str) -> String {
    let res = app
        .api(Method::POST, "/api/v1/young-people", Some(token), Some(json!({
            "local_id": local_id, "given_name": "Test", "family_name": "Person", "date_of_birth": dob
        })))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().expect("id").to_string()
}

fn errors_for(v: &Value, field: &str) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["field"] == field)
                .map(|e| e["message"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn milestone<'a>(t: &'a Value, code: &str) -> Option<&'a Value> {
    t["milestones"]
        .as_array()?
        .iter()
        .find(|m| m["code"] == code)
}

#[tokio::test]
async fn timeline_names_rules_codes_and_answers_for_any_date() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    // Born 2010-03-01; in care from 14 without a break: eligible from the 16th birthday.
    let id = create_person(&app, &token, "T-1", "2010-03-01").await;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{id}/history"),
            Some(&token),
            Some(json!({
                "type": "episode", "start_date": "2024-03-01", "legal_basis": "s31 care order"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}/timeline?as_of=2026-07-01"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(t["legal_status"], "eligible");
    assert_eq!(t["as_of"], "2026-07-01");
    let na = milestone(&t, "NEEDS_ASSESSMENT").expect("needs assessment");
    assert_eq!(na["due"], "2026-06-01", "16 years 3 months");
    assert_eq!(na["state"], "overdue");
    assert_eq!(na["statutory"], true);
    assert!(na["source"].as_str().unwrap().contains("reg 42"), "{na}");
    let pa = milestone(&t, "PA_ALLOCATED").expect("PA");
    assert_eq!(pa["due"], "2026-03-01");
    assert!(milestone(&t, "HOUSING_PLAN").is_some_and(|m| m["due"] == "2027-03-01"));
    assert!(milestone(&t, "TURNING_18").is_some_and(|m| m["due"] == "2028-03-01"));

    // Before the 16th birthday the same child is not yet in scope, and nothing is overdue.
    let early = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}/timeline?as_of=2025-12-01"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(early["legal_status"], "not_in_scope");
    assert!(
        early["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["state"] != "overdue")
    );

    // Completing the assessment marks it done and dates the plan from it.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{id}/history"),
            Some(&token),
            Some(json!({
                "type": "event", "kind": "assessment_completed", "date": "2026-05-20"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let t = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}/timeline?as_of=2026-07-01"),
            Some(&token),
            None,
        )
        .await
        .json();
    let na = milestone(&t, "NEEDS_ASSESSMENT").unwrap();
    assert_eq!(na["state"], "done");
    assert_eq!(na["done_on"], "2026-05-20");
    assert_eq!(milestone(&t, "PATHWAY_PLAN").unwrap()["due"], "2026-06-17");

    let bad = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}/timeline?as_of=tomorrow"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD")
    );
}

#[tokio::test]
async fn bad_history_is_explained_and_nothing_is_saved() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let id = create_person(&app, &token, "T-2", "2009-06-15").await;
    let post = |body: Value| {
        let app = &app;
        let token = token.clone();
        let id = id.clone();
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/young-people/{id}/history"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let res = post(json!({"type": "episode", "start_date": "2024-05-01", "end_date": "2024-04-01", "legal_basis": "s20"})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors_for(&res.json(), "end_date"),
        vec!["The end date must be after the start date"]
    );

    let ok = post(json!({"type": "episode", "start_date": "2024-01-01", "end_date": "2024-12-01", "legal_basis": "s20"})).await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let overlap =
        post(json!({"type": "episode", "start_date": "2024-11-01", "legal_basis": "s20"})).await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors_for(&overlap.json(), "start_date")[0].contains("overlaps"));

    let record = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        record["episodes"].as_array().unwrap().len(),
        1,
        "only the valid episode was stored"
    );

    let future_dob = app
        .api(Method::POST, "/api/v1/young-people", Some(&token), Some(json!({
            "local_id": "T-3", "given_name": "A", "family_name": "B", "date_of_birth": "2099-01-01"
        })))
        .await;
    assert_eq!(future_dob.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors_for(&future_dob.json(), "date_of_birth"),
        vec!["Date of birth must be in the past"]
    );
    let list = app
        .api(Method::GET, "/api/v1/young-people", Some(&token), None)
        .await
        .json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|p| p["local_id"] != "T-3")
    );
}

#[tokio::test]
async fn relevant_child_cannot_move_into_authority_accommodation_without_the_seven_day_visit() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let today = {
        use pathway::clock::Clock;
        app.clock.today()
    };
    let dob = today - chrono::Months::new(17 * 12);
    let id = create_person(&app, &token, "T-4", &dob.to_string()).await;
    // Looked after from 14 until a month ago: a relevant child now.
    let start = dob + chrono::Months::new(14 * 12);
    let end = today - chrono::Duration::days(30);
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{id}/history"),
            Some(&token),
            Some(json!({
                "type": "episode", "start_date": start, "end_date": end, "legal_basis": "s20"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["legal_status"], "relevant");

    let move_in = today - chrono::Duration::days(2);
    let refused = app
        .api(Method::POST, &format!("/api/v1/young-people/{id}/history"), Some(&token), Some(json!({
            "type": "accommodation", "kind": "Supported flat", "start_date": move_in, "provided_by_authority": true
        })))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(errors_for(&refused.json(), "pa_visit_scheduled_for")[0].contains("within 7 days"));

    let too_late = app
        .api(Method::POST, &format!("/api/v1/young-people/{id}/history"), Some(&token), Some(json!({
            "type": "accommodation", "kind": "Supported flat", "start_date": move_in, "provided_by_authority": true,
            "pa_visit_scheduled_for": move_in + chrono::Duration::days(8)
        })))
        .await;
    assert_eq!(too_late.status, StatusCode::UNPROCESSABLE_ENTITY);

    let ok = app
        .api(Method::POST, &format!("/api/v1/young-people/{id}/history"), Some(&token), Some(json!({
            "type": "accommodation", "kind": "Supported flat", "start_date": move_in, "provided_by_authority": true,
            "pa_visit_scheduled_for": move_in + chrono::Duration::days(5), "unmet_factors": ["location"]
        })))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let visit = milestone(&ok.json(), "PA_VISIT")
        .cloned()
        .expect("PA_VISIT milestone");
    assert_eq!(
        visit["due"],
        (move_in + chrono::Duration::days(7)).to_string()
    );
    let record = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(record["accommodations"][0]["suitable"], false);
    assert_eq!(
        record["accommodations"][0]["suitability"]["location"],
        false
    );
}

#[tokio::test]
async fn statutory_dates_cannot_be_overridden_and_policy_overrides_need_a_manager() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1002").await;
    let adviser = app.token("adviser@demo.test").await;
    let manager = app.token("manager@demo.test").await;
    let path = format!("/api/v1/young-people/{id}/history");
    let by_adviser = app
        .api(Method::POST, &path, Some(&adviser), Some(json!({"type": "override", "code": "HOUSING_PLAN", "due": "2027-01-01", "reason": "Earlier"})))
        .await;
    assert_eq!(by_adviser.status, StatusCode::FORBIDDEN);
    let statutory = app
        .api(Method::POST, &path, Some(&manager), Some(json!({"type": "override", "code": "NEEDS_ASSESSMENT", "due": "2030-01-01", "reason": "Later"})))
        .await;
    assert_eq!(statutory.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        errors_for(&statutory.json(), "code")[0].contains("reg 42"),
        "{}",
        statutory.body
    );
    let policy = app
        .api(Method::POST, &path, Some(&manager), Some(json!({"type": "override", "code": "HOUSING_PLAN", "due": "2026-12-01", "reason": "Placement ends early"})))
        .await;
    assert_eq!(policy.status, StatusCode::CREATED, "{}", policy.body);
    let m = milestone(&policy.json(), "HOUSING_PLAN").cloned().unwrap();
    assert_eq!(m["due"], "2026-12-01");
    assert_eq!(m["overridden"], "Placement ends early");
    let audit = app.audit_actions().await;
    assert!(audit.iter().any(|e| e.action == "override_due_date" && e.record_id.as_deref() == Some(id.as_str())));
}

#[tokio::test]
async fn a_second_save_does_not_silently_overwrite_the_first() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let id = create_person(&app, &token, "T-5", "2009-02-01").await;
    let body = |name: &str, version: i64| {
        json!({
            "version": version, "local_id": "T-5", "given_name": name, "family_name": "Person", "date_of_birth": "2009-02-01"
        })
    };
    let first = app
        .api(
            Method::PUT,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            Some(body("First", 1)),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = app
        .api(
            Method::PUT,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            Some(body("Second", 1)),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let now = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(now["name"], "First Person");
    assert_eq!(now["version"], 2);
}

#[tokio::test]
async fn the_record_page_shows_status_overdue_milestones_and_their_rules() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1003").await; // Leah, 16y5m, in care since 15: assessment overdue
    let mut b = app.signed_in("adviser@demo.test").await;
    let page = b.get(&format!("/young-people/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Legal status: Eligible"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"milestone-NEEDS_ASSESSMENT\""));
    assert!(page.body.contains("data-state=\"overdue\""));
    assert!(page.body.contains("CPPCR 2010 reg 42(1)"));
    let caseload = b.get("/caseload").await;
    assert!(caseload.body.contains("Leah Murphy"));
    assert!(caseload.body.contains("overdue"));
}

#[tokio::test]
async fn the_episode_form_keeps_what_was_typed_and_explains_the_error() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1001").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let form = format!("/young-people/{id}/add/episode");
    let res = b
        .submit(
            &form,
            &form,
            &[
                ("start_date", "2025-05-01"),
                ("end_date", "2025-04-01"),
                ("legal_basis", "s20 accommodation"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("href=\"#end_date\""));
    assert!(
        res.body
            .contains("The end date must be after the start date")
    );
    assert!(
        res.body.contains("value=\"s20 accommodation\""),
        "typed text is kept"
    );
    assert!(res.body.contains("value=\"2025-04-01\""));
    let bad_date = b
        .submit(
            &form,
            &form,
            &[("start_date", "31/02/2025"), ("legal_basis", "s20")],
        )
        .await;
    assert!(bad_date.body.contains("The start date must be a real date"));
}

#[tokio::test]
async fn a_policy_that_relaxes_a_statutory_rule_is_refused_at_start_up() {
    let mut env = crate::support::test_env("sqlite://unused.db");
    env.insert("POLICY_ASSESSMENT_MONTHS_AFTER_16".into(), "4".into());
    let err = pathway::config::Config::from_lookup(|k| env.get(k).cloned()).unwrap_err();
    assert!(err.to_string().contains("reg 42"), "{err}");
    env.insert("POLICY_ASSESSMENT_MONTHS_AFTER_16".into(), "2".into());
    env.insert("POLICY_HOUSING_PLAN_AGE_MONTHS".into(), "198".into());
    let ok = pathway::config::Config::from_lookup(|k| env.get(k).cloned())
        .expect("stricter and policy settings are fine");
    assert_eq!(ok.policy.assessment_months_after_16, 2);
}

#[tokio::test]
async fn a_return_home_interview_records_who_offered_it_and_closes_the_milestone() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let id = app.young_person_id("BAR-1003").await;
    let today = {
        use pathway::clock::Clock;
        app.clock.today()
    };
    let path = format!("/api/v1/young-people/{id}/history");
    let went = today - chrono::Duration::days(4);
    let back = today - chrono::Duration::days(2);
    let res = app
        .api(
            Method::POST,
            &path,
            Some(&token),
            Some(
                json!({"type": "event", "kind": "missing_episode", "date": went, "end_date": back}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let rhi = milestone(&res.json(), "RETURN_INTERVIEW")
        .cloned()
        .expect("72-hour milestone");
    assert_eq!(rhi["due"], (back + chrono::Duration::days(3)).to_string());
    assert_eq!(rhi["state"], "due_soon");
    let refused = app
        .api(
            Method::POST,
            &path,
            Some(&token),
            Some(json!({"type": "event", "kind": "return_interview_offered", "date": today})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        errors_for(&refused.json(), "offered_by"),
        vec!["Say who offered it"]
    );
    let ok = app
        .api(Method::POST, &path, Some(&token), Some(json!({"type": "event", "kind": "return_interview_offered", "date": today,
            "offered_by": "Independent RHI worker", "accepted": true, "learned": "Went to a friend's; agreed a safety plan"})))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(
        milestone(&ok.json(), "RETURN_INTERVIEW").unwrap()["state"],
        "done"
    );
    let mut b = app.signed_in("adviser@demo.test").await;
    let page = b.get(&format!("/young-people/{id}")).await;
    assert!(
        page.body
            .contains("Offered by Independent RHI worker. Accepted. Went to a friend")
    );
}

#[tokio::test]
async fn stored_timelines_follow_the_calendar_when_refreshed() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1001").await; // Amara, 15y8m, no personal adviser yet
    let before = app
        .api(
            Method::GET,
            "/api/v1/team/overdue",
            Some(&app.token("manager@demo.test").await),
            None,
        )
        .await
        .json();
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["young_person_id"] != id.as_str())
    );
    app.clock.advance(chrono::Duration::days(200));
    let refreshed = pathway::services::young_people::refresh_all(&app.state)
        .await
        .unwrap();
    assert_eq!(
        refreshed, 14,
        "twelve allocated demo young people and two waiting"
    );
    let after = app
        .api(
            Method::GET,
            "/api/v1/team/overdue",
            Some(&app.token("manager@demo.test").await),
            None,
        )
        .await
        .json();
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["young_person_id"] == id.as_str() && m["code"] == "PA_ALLOCATED"),
        "a personal adviser due at 16 is overdue once she is past 16: {after}"
    );
}

#[tokio::test]
async fn an_interrupted_demo_load_is_completed_on_the_next_start_and_real_data_is_never_touched() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::new().await;
    // A start that was stopped after creating the first demo account.
    pathway::services::users::create(
        &app.state,
        pathway::services::users::NewUser {
            email: "admin@demo.test".into(),
            name: "Alex Admin".into(),
            password: crate::support::PASSWORD.into(),
            role: pathway::auth::Role::None,
            is_admin: true,
            team_id: None,
        },
    )
    .await
    .unwrap();
    assert!(
        pathway::seed::is_empty(&app.state).await.unwrap(),
        "a half-loaded demo is loaded again"
    );
    app.seed().await;
    assert_eq!(
        pathway::entities::young_person::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        14
    );
    assert!(
        !pathway::seed::is_empty(&app.state).await.unwrap(),
        "a complete demo is not loaded twice"
    );

    // A real authority's database (any account that is not a demo account) is never seeded.
    let other = TestApp::new().await;
    pathway::services::users::create(
        &other.state,
        pathway::services::users::NewUser {
            email: "admin@council.gov.uk".into(),
            name: "Real Admin".into(),
            password: crate::support::PASSWORD.into(),
            role: pathway::auth::Role::None,
            is_admin: true,
            team_id: None,
        },
    )
    .await
    .unwrap();
    assert!(!pathway::seed::is_empty(&other.state).await.unwrap());
}

#[tokio::test]
async fn a_name_with_a_control_character_is_refused_at_the_field_by_the_page_and_the_api() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    // What an API fuzzer once created as a young person.
    let fuzzed = "1\u{98}\u{80}ãh…\u{7}P+\"\u{10}\u{1a} Ô\u{9f}_";
    let res = app
        .api(
            Method::POST,
            "/api/v1/young-people",
            Some(&token),
            Some(json!({
                "local_id": "F-1", "given_name": fuzzed, "family_name": "Smith",
                "date_of_birth": "2010-03-01"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let v = res.json();
    assert_eq!(
        errors_for(&v, "given_name"),
        vec![
            "Given name must not contain control characters, such as a tab or an invisible character"
        ]
    );
    let res = app
        .api(
            Method::POST,
            "/api/v1/young-people",
            Some(&token),
            Some(json!({
                "local_id": "F 1<b>", "given_name": "Zoë", "family_name": "Ní Bhriain",
                "date_of_birth": "2010-03-01"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(errors_for(&res.json(), "local_id")[0].contains("letters, numbers, hyphens"));

    let mut b = app.signed_in("adviser@demo.test").await;
    let page = b
        .submit(
            "/young-people/new",
            "/young-people/new",
            &[
                ("given_name", "Ama\u{7}"),
                ("family_name", "Mensah"),
                ("local_id", "F-2"),
                ("date_of_birth", "2010-03-01"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("href=\"#given_name\""),
        "the summary links to the field"
    );
    assert!(
        page.body
            .contains("Given name must not contain control characters")
    );
    // Every script's names are kept.
    let ok = app
        .api(
            Method::POST,
            "/api/v1/young-people",
            Some(&token),
            Some(json!({
                "local_id": "F-3", "given_name": "محمد", "family_name": "Ní Bhriain",
                "date_of_birth": "2010-03-01"
            })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}
