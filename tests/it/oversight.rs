//! Management oversight, supervision and case audits: validation and who may see and change what.

use axum::http::StatusCode;

use crate::support::TestApp;

fn today(app: &TestApp) -> chrono::NaiveDate {
    use pathway::clock::Clock;
    app.clock.today()
}

#[tokio::test]
async fn informal_guidance_and_decisions_are_recorded_on_the_file_by_managers_only() {
    let app = TestApp::new().await;
    app.seed().await;
    let id = app.young_person_id("BAR-1003").await;
    let form = format!("/young-people/{id}/oversight/informal_guidance");
    let mut adviser = app.signed_in("adviser@demo.test").await;
    assert_eq!(
        adviser.get(&form).await.status,
        StatusCode::NOT_FOUND,
        "advisers cannot record oversight"
    );

    let mut manager = app.signed_in("manager@demo.test").await;
    let empty = manager.submit(&form, &form, &[("decision", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Enter the guidance you gave"));
    let by = (today(&app) + chrono::Duration::days(7)).to_string();
    let ok = manager
        .submit(
            &form,
            &form,
            &[
                ("decision", "Book the needs assessment this week"),
                ("action_0_what", "Complete the assessment"),
                ("action_0_who", "Priya"),
                ("action_0_by", &by),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let decision_form = format!("/young-people/{id}/oversight/decision");
    let no_rationale = manager
        .submit(
            &decision_form,
            &decision_form,
            &[("decision", "Move to supported lodgings")],
        )
        .await;
    assert!(
        no_rationale
            .body
            .contains("Enter the reasons for the decision")
    );

    // The adviser sees it in the young person's chronology.
    let page = adviser.get(&format!("/young-people/{id}")).await;
    assert!(
        page.body
            .contains("Informal guidance: Book the needs assessment this week")
    );
    assert!(page.body.contains("Complete the assessment"));
}

#[tokio::test]
async fn supervision_is_recorded_cases_reach_the_files_and_stay_within_the_team() {
    let app = TestApp::new().await;
    app.seed().await;
    let adviser_id = app.user_id("adviser@demo.test").await;
    let adviser2_id = app.user_id("adviser2@demo.test").await;
    let yp = app.young_person_id("BAR-1004").await;
    let mut manager = app.signed_in("manager@demo.test").await;
    let date = today(&app).to_string();
    let next = (today(&app) + chrono::Duration::days(28)).to_string();
    let missing = manager
        .submit(
            "/supervision/new",
            "/supervision/new",
            &[
                ("adviser_id", &adviser_id),
                ("session_date", &date),
                ("format", "one_to_one"),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Record the reflective discussion"));
    let ok = manager
        .submit(
            "/supervision/new",
            "/supervision/new",
            &[
                ("adviser_id", &adviser_id),
                ("session_date", &date),
                ("format", "one_to_one"),
                ("reflection", "Talked through Tom's late assessment"),
                ("challenge", "Why was housing not started at 17?"),
                ("next_date", &next),
                ("case_0_young_person_id", &yp),
                ("case_0_decision", "Housing referral this week"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let mut adviser = app.signed_in("adviser@demo.test").await;
    let own = adviser
        .get(&format!("/advisers/{adviser_id}/supervision"))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Why was housing not started at 17?"));
    // An adviser cannot see a colleague's supervision.
    assert_eq!(
        adviser
            .get(&format!("/advisers/{adviser2_id}/supervision"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The case discussed is on the young person's file.
    let file = adviser.get(&format!("/young-people/{yp}")).await;
    assert!(
        file.body
            .contains("Discussed in supervision: Housing referral this week")
    );
    // The team page shows supervision up to date for this adviser.
    let team = manager.get("/team").await;
    let next_text = pathway::views::date(today(&app) + chrono::Duration::days(28));
    assert!(team.body.contains(&next_text), "{next_text}");
}

#[test]
fn three_supervisors_in_a_year_is_flagged_and_overdue_follows_the_interval() {
    use pathway::entities::{supervision, user};
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let now = d("2026-11-23").and_hms_opt(10, 0, 0).unwrap().and_utc();
    let adviser = user::Model {
        id: "a".into(),
        email: "a@x".into(),
        name: "A".into(),
        password_hash: String::new(),
        role: "adviser".into(),
        is_admin: false,
        team_id: None,
        disabled: false,
        sessions_valid_after: None,
        reminder_delivery: "immediate".into(),
        created_at: now,
        updated_at: now,
    };
    let session = |by: &str, on: &str| supervision::Model {
        id: on.into(),
        adviser_id: "a".into(),
        supervisor_id: by.into(),
        session_date: d(on),
        format: "one_to_one".into(),
        reflection: "r".into(),
        challenge: "c".into(),
        wellbeing: None,
        workload: None,
        next_date: None,
        created_at: now,
    };
    let two = [
        session("m1", "2026-03-01"),
        session("m2", "2026-06-01"),
        session("m2", "2026-10-01"),
    ];
    let s =
        pathway::services::oversight::supervision_status(&adviser, &two, 1, 14, d("2026-11-23"));
    assert_eq!(s.supervisors_last_12_months, 2);
    assert!(!s.continuity_flag);
    assert_eq!(s.due, d("2026-11-01"));
    assert_eq!(s.state, "overdue");
    let three = [
        session("m1", "2026-03-01"),
        session("m2", "2026-06-01"),
        session("m3", "2026-11-10"),
    ];
    let s =
        pathway::services::oversight::supervision_status(&adviser, &three, 1, 14, d("2026-11-23"));
    assert!(s.continuity_flag);
    assert_eq!(s.due, d("2026-12-10"));
    assert_eq!(s.state, "upcoming");
    // A supervisor from more than a year ago no longer counts.
    let s =
        pathway::services::oversight::supervision_status(&adviser, &three, 1, 14, d("2027-03-05"));
    assert_eq!(s.supervisors_last_12_months, 2);
}

fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn an_audit_is_graded_moderated_by_someone_else_and_its_actions_tracked() {
    let app = TestApp::new().await;
    app.seed().await;
    let yp = app.young_person_id("BAR-1009").await;
    let adviser_id = app.user_id("adviser2@demo.test").await;
    let form = format!("/young-people/{yp}/audits/new");
    let mut adviser = app.signed_in("adviser2@demo.test").await;
    assert_eq!(
        adviser.get(&form).await.status,
        StatusCode::NOT_FOUND,
        "an adviser cannot audit"
    );

    let mut manager = app.signed_in("manager@demo.test").await;
    let date = today(&app).to_string();
    let due = (today(&app) + chrono::Duration::days(14)).to_string();
    let areas = [
        "voice",
        "assessment",
        "planning",
        "risk",
        "accommodation",
        "oversight",
        "overall",
    ];
    let mut fields: Vec<(String, String)> = vec![("audit_date".into(), date.clone())];
    for a in areas {
        fields.push((format!("grade_{a}"), "good".into()));
        fields.push((format!("findings_{a}"), format!("Findings for {a}")));
    }
    fields.retain(|(k, _)| k != "findings_risk");
    let refused = manager.submit(&form, &form, &as_refs(&fields)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("record the findings behind the grade")
    );
    fields.push(("findings_risk".into(), "Plan B is vague".into()));
    fields.push((
        "action_0_text".into(),
        "Review overdue: hold it this month".into(),
    ));
    fields.push(("action_0_owner".into(), adviser_id.clone()));
    fields.push(("action_0_due".into(), due));
    let ok = manager.submit(&form, &form, &as_refs(&fields)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let audit_path = ok.location().unwrap().to_string();

    // The auditor cannot moderate their own audit; another manager can, with a reason.
    assert_eq!(
        manager.get(&format!("{audit_path}/moderate")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut senior = app.signed_in("senior@demo.test").await;
    let mform = format!("{audit_path}/moderate");
    let no_reason = senior
        .submit(
            &mform,
            &mform,
            &[("agrees", "no"), ("grade_risk", "requires_improvement")],
        )
        .await;
    assert!(
        no_reason
            .body
            .contains("Give the reason for the different grade")
    );
    let moderated = senior
        .submit(
            &mform,
            &mform,
            &[
                ("agrees", "no"),
                ("grade_risk", "requires_improvement"),
                ("reason", "The risk was seen too positively"),
            ],
        )
        .await;
    assert_eq!(moderated.status, StatusCode::SEE_OTHER);
    let page = senior.get(&audit_path).await;
    assert!(page.body.contains("Where the moderator graded differently"));
    assert!(page.body.contains("Requires improvement"));

    // The adviser sees the audit but cannot edit it; they can close their own action.
    let view = adviser.get(&audit_path).await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(!view.body.contains("Moderate this audit"));
    assert_eq!(
        adviser.get(&format!("{audit_path}/moderate")).await.status,
        StatusCode::NOT_FOUND
    );
    let team = manager.get("/team/audit-actions").await;
    assert!(team.body.contains("Review overdue: hold it this month"));
    let token = view.csrf_token();
    let start = view.body.find("/audit-actions/").unwrap();
    let action = &view.body[start..start + view.body[start..].find('"').unwrap()];
    let done = adviser
        .post_raw(action, &[("csrf_token", &token)], &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(adviser.get(&audit_path).await.body.contains("Done"));
    assert!(
        !manager
            .get("/team/audit-actions")
            .await
            .body
            .contains("Review overdue: hold it this month")
    );
}

#[tokio::test]
async fn plan_decisions_and_due_date_overrides_are_oversight_records() {
    let app = TestApp::new().await;
    app.seed().await;
    let yp = app.young_person_id("BAR-1006").await;
    let manager = app.token("manager@demo.test").await;
    let res = app
        .api(axum::http::Method::POST, &format!("/api/v1/young-people/{yp}/history"), Some(&manager),
            Some(serde_json::json!({"type": "override", "code": "MONEY_READY", "due": today(&app).to_string(), "reason": "Bank appointment booked"})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mut b = app.signed_in("manager@demo.test").await;
    let page = b.get(&format!("/young-people/{yp}")).await;
    assert!(
        page.body
            .contains("Policy due date changed: MONEY_READY due date set to")
    );
    assert!(page.body.contains("Bank appointment booked"));
    // Approving the demo plan waiting for approval (Yusuf) writes a plan-approval record.
    let yusuf = app.young_person_id("BAR-1005").await;
    let approvals = b.get("/team/approvals").await;
    assert!(approvals.body.contains("Yusuf Ahmadi"));
    let start = approvals.body.find("/plans/").unwrap();
    let plan = &approvals.body[start..start + approvals.body[start..].find('"').unwrap()];
    let ok = b
        .submit(
            plan,
            &format!("{plan}/approve"),
            &[("rationale", "Triple planning is clear")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let file = b.get(&format!("/young-people/{yusuf}")).await;
    assert!(
        file.body
            .contains("Plan approved: Pathway plan version 2 approved")
    );
    assert!(file.body.contains("Triple planning is clear"));
}

#[tokio::test]
async fn the_team_view_is_in_the_api_for_managers_only() {
    use axum::http::Method;
    let app = TestApp::new().await;
    app.seed().await;
    let adviser = app.token("adviser@demo.test").await;
    let manager = app.token("manager@demo.test").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/team", Some(&adviser), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let team = app
        .api(Method::GET, "/api/v1/team", Some(&manager), None)
        .await
        .json();
    let rows = team.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let caseloads: i64 = rows.iter().map(|r| r["caseload"].as_i64().unwrap()).sum();
    assert_eq!(caseloads, 12);
    assert_eq!(
        rows.iter()
            .map(|r| r["plans_awaiting_approval"].as_i64().unwrap())
            .sum::<i64>(),
        1
    );
    let overdue = app
        .api(Method::GET, "/api/v1/team/overdue", Some(&manager), None)
        .await
        .json();
    let total: i64 = rows.iter().map(|r| r["overdue"].as_i64().unwrap()).sum();
    assert_eq!(
        overdue.as_array().unwrap().len() as i64,
        total,
        "the drill-down lists every overdue milestone counted"
    );
    // An adviser cannot record supervision or read a colleague's.
    let a2 = app.user_id("adviser2@demo.test").await;
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/advisers/{a2}/supervisions"),
            Some(&adviser),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let res = app.api(Method::POST, "/api/v1/supervisions", Some(&adviser), Some(serde_json::json!({
        "adviser_id": a2, "session_date": "2026-11-01", "format": "one_to_one", "reflection": "r", "challenge": "c"
    }))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    for p in [
        "/api/v1/team",
        "/api/v1/supervisions",
        "/api/v1/audits/{id}/moderations",
        "/api/v1/plans/{id}/approve",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} in the OpenAPI document");
    }
}
