//! Pathway plans: the quality checks refuse and pass, the lifecycle, concurrency and the copy.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

const SECTIONS: [&str; 13] = [
    "about_me",
    "support",
    "where_i_live",
    "education",
    "work",
    "health",
    "relationships",
    "life_skills",
    "money",
    "identity",
    "staying_safe",
    "rights",
    "review",
];

fn today(app: &TestApp) -> chrono::NaiveDate {
    use pathway::clock::Clock;
    app.clock.today()
}

/// A plan that meets every quality check, dated relative to `today`.
fn complete_plan(today: chrono::NaiveDate) -> Value {
    let d = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let sections: Vec<Value> = SECTIONS
        .iter()
        .map(|c| {
            let goals = if *c == "education" {
                json!([{ "text": "Start a plumbing course in September", "actions": [
                    { "what": "Visit the college open day", "who": "Jay with Priya (PA)", "by_when": d(30), "status": "not_started" }
                ]}])
            } else {
                json!([])
            };
            json!({ "code": c, "in_my_words": format!("What I say about {c}"), "goals": goals })
        })
        .collect();
    let factors: serde_json::Map<String, Value> = [
        "facilities",
        "state_of_repair",
        "safety",
        "location",
        "support",
        "tenancy",
        "financial_commitments",
        "views",
        "rights_understood",
        "funding_understood",
    ]
    .iter()
    .map(|f| (f.to_string(), json!("met")))
    .collect();
    let told: Vec<Value> = [
        "local_offer",
        "pledge",
        "entitlements",
        "money_tools",
        "advocacy",
    ]
    .iter()
    .map(|t| json!({ "topic": t, "date": d(-5), "by": "Priya Shah" }))
    .collect();
    json!({
        "sections": sections,
        "assessment": { "history": "In care since 14", "family_views": "Aunt supports the plan", "risk_analysis": "Risk of exploitation is medium", "completed_on": d(-10) },
        "risks": [{ "description": "Being drawn into county lines", "likelihood": "medium", "impact": "high",
                    "protective_factors": "Close to aunt", "mitigation": "Weekly contact",
                    "plan_b_trigger": "Missing for more than 24 hours", "plan_b_response": "Strategy meeting", "plan_b_owner": "Team manager" }],
        "contingency": "If the placement breaks down, supported lodgings the same week",
        "accommodation": { "description": "Foster placement", "factors": factors },
        "told_about": told,
        "meetings": [],
        "agreement": { "agrees": true, "in_their_words": "It's my plan and I'm happy with it", "copy_given_on": d(0) },
        "next_review": d(120),
    })
}

/// Changes a complete plan so that one check fails.
type Breaker = Box<dyn Fn(&mut Value)>;

async fn start_plan(app: &TestApp, token: &str, person: &str) -> Value {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{person}/plans"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

async fn put_plan(
    app: &TestApp,
    token: &str,
    plan: &Value,
    content: Value,
) -> crate::support::TestResponse {
    app.api(
        Method::PUT,
        &format!("/api/v1/plans/{}", plan["id"].as_str().unwrap()),
        Some(token),
        Some(json!({ "lock_version": plan["lock_version"], "content": content })),
    )
    .await
}

fn failing(doc: &Value) -> Vec<String> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["check"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_quality_check_refuses_submission_until_it_is_met() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let person = app.young_person_id("BAR-1001").await;
    let plan = start_plan(&app, &token, &person).await;
    let today = today(&app);

    // An empty plan fails every check except MEETINGS, and submission says why.
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{}", plan["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        failing(&doc),
        [
            "VOICE",
            "SMART",
            "CONTINGENCY",
            "ASSESSMENT",
            "ACCOMMODATION",
            "RIGHTS",
            "AGREEMENT",
            "NEXT_REVIEW"
        ]
    );
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{}/submit", plan["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = refused.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect();
    assert!(fields.contains(&"VOICE".to_string()) && fields.contains(&"NEXT_REVIEW".to_string()));

    // Break one check at a time in an otherwise complete plan.
    let breakers: Vec<(&str, Breaker)> = vec![
        (
            "VOICE",
            Box::new(|p: &mut Value| p["sections"][5]["in_my_words"] = json!("")),
        ),
        (
            "SMART",
            Box::new(|p: &mut Value| p["sections"][3]["goals"][0]["actions"][0]["who"] = json!("")),
        ),
        (
            "CONTINGENCY",
            Box::new(|p: &mut Value| p["risks"][0]["plan_b_owner"] = json!("")),
        ),
        (
            "ASSESSMENT",
            Box::new(|p: &mut Value| p["assessment"]["risk_analysis"] = json!("")),
        ),
        (
            "ACCOMMODATION",
            Box::new(|p: &mut Value| {
                p["accommodation"]["factors"]
                    .as_object_mut()
                    .unwrap()
                    .remove("safety");
            }),
        ),
        (
            "MEETINGS",
            Box::new(
                |p: &mut Value| p["meetings"] = json!([{ "kind": "varp", "date": "2026-10-01", "outcomes": "o", "actions": [{ "text": "Refer to youth service", "decision": "declined" }] }]),
            ),
        ),
        (
            "RIGHTS",
            Box::new(|p: &mut Value| p["told_about"][4]["by"] = json!("")),
        ),
        (
            "AGREEMENT",
            Box::new(|p: &mut Value| p["agreement"]["copy_given_on"] = Value::Null),
        ),
        (
            "NEXT_REVIEW",
            Box::new(|p: &mut Value| {
                p["next_review"] =
                    json!((chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()).to_string())
            }),
        ),
    ];
    let mut current = plan.clone();
    for (check, brk) in &breakers {
        let mut content = complete_plan(today);
        brk(&mut content);
        let res = put_plan(&app, &token, &current, content).await;
        assert_eq!(res.status, StatusCode::OK, "{check}: {}", res.body);
        let doc = res.json();
        assert_eq!(failing(&doc), [check.to_string()], "only {check} fails");
        let missing = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == *check)
            .unwrap()["missing"]
            .clone();
        assert!(
            !missing.as_array().unwrap().is_empty(),
            "{check} says what is missing"
        );
        let refused = app
            .api(
                Method::POST,
                &format!("/api/v1/plans/{}/submit", plan["id"].as_str().unwrap()),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{check}");
        current = json!({ "id": doc["id"], "lock_version": doc["lock_version"] });
    }
    let res = put_plan(&app, &token, &current, complete_plan(today)).await;
    assert!(failing(&res.json()).is_empty());
    let ok = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{}/submit", plan["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["status"], "submitted");
}

#[tokio::test]
async fn approval_is_a_managers_decision_updates_the_timeline_and_freezes_the_version() {
    let app = TestApp::new().await;
    app.seed().await;
    let adviser = app.token("adviser@demo.test").await;
    let manager = app.token("manager@demo.test").await;
    let person = app.young_person_id("BAR-1003").await; // Leah: no plan yet, assessment overdue
    let plan = start_plan(&app, &adviser, &person).await;
    let pid = plan["id"].as_str().unwrap().to_string();
    assert_eq!(
        put_plan(&app, &adviser, &plan, complete_plan(today(&app)))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/submit"),
            Some(&adviser),
            None
        )
        .await
        .status,
        StatusCode::OK
    );

    let by_adviser = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/approve"),
            Some(&adviser),
            Some(json!({"rationale": "fine"})),
        )
        .await;
    assert_eq!(by_adviser.status, StatusCode::FORBIDDEN);
    let no_reason = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/approve"),
            Some(&manager),
            Some(json!({"rationale": " "})),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);

    let before = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{person}/timeline"),
            Some(&adviser),
            None,
        )
        .await
        .json();
    let find = |t: &Value, code: &str| {
        t["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(find(&before, "PATHWAY_PLAN")["state"], "overdue");
    assert_ne!(find(&before, "NEEDS_ASSESSMENT")["state"], "done");

    let ok = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/approve"),
            Some(&manager),
            Some(json!({"rationale": "Clear voice, good Plan B"})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["status"], "approved");
    assert_eq!(ok.json()["decision"], "Clear voice, good Plan B");

    let after = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{person}/timeline"),
            Some(&adviser),
            None,
        )
        .await
        .json();
    assert_eq!(find(&after, "PATHWAY_PLAN")["state"], "done");
    assert_eq!(find(&after, "NEEDS_ASSESSMENT")["state"], "done");
    assert!(
        after["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["code"] == "PLAN_REVIEW")
    );

    // An approved version never changes.
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{pid}"),
            Some(&adviser),
            None,
        )
        .await
        .json();
    let frozen = put_plan(&app, &adviser, &doc, complete_plan(today(&app))).await;
    assert_eq!(frozen.status, StatusCode::BAD_REQUEST);
    assert!(
        frozen.json()["message"]
            .as_str()
            .unwrap()
            .contains("Start a review")
    );

    // A review starts a new draft from it; approving the review supersedes the first version.
    let review = start_plan(&app, &adviser, &person).await;
    assert_eq!(review["version_no"], 2);
    assert_eq!(review["previous_plan_id"], pid.as_str());
    let review_doc = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{}", review["id"].as_str().unwrap()),
            Some(&adviser),
            None,
        )
        .await
        .json();
    assert_eq!(
        review_doc["content"]["sections"][0]["in_my_words"], "What I say about about_me",
        "carried over"
    );
    assert!(
        failing(&review_doc).contains(&"AGREEMENT".to_string()),
        "agreement is asked for again"
    );
    let mut content = complete_plan(today(&app));
    content["sections"][0]["in_my_words"] = json!("Things have changed since my last plan");
    assert_eq!(
        put_plan(&app, &adviser, &review_doc, content).await.status,
        StatusCode::OK
    );
    let rid = review["id"].as_str().unwrap();
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{rid}/submit"),
            Some(&adviser),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{rid}/approve"),
            Some(&manager),
            Some(json!({"rationale": "Reviewed"}))
        )
        .await
        .status,
        StatusCode::OK
    );
    let list = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{person}/plans"),
            Some(&adviser),
            None,
        )
        .await
        .json();
    let statuses: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["approved", "superseded"]);

    // The two versions compare side by side, the change marked.
    let mut b = app.signed_in("adviser@demo.test").await;
    let cmp = b
        .get(&format!(
            "/young-people/{person}/plans/compare?a={pid}&b={rid}"
        ))
        .await;
    assert_eq!(cmp.status, StatusCode::OK);
    assert!(cmp.body.contains("Things have changed since my last plan"));
    assert!(cmp.body.contains("app-table__row--changed"));
}

#[tokio::test]
async fn a_returned_plan_carries_the_comments_and_can_be_changed_again() {
    let app = TestApp::new().await;
    app.seed().await;
    let adviser = app.token("adviser@demo.test").await;
    let manager = app.token("manager@demo.test").await;
    let person = app.young_person_id("BAR-1002").await;
    let plan = start_plan(&app, &adviser, &person).await;
    let pid = plan["id"].as_str().unwrap();
    put_plan(&app, &adviser, &plan, complete_plan(today(&app))).await;
    app.api(
        Method::POST,
        &format!("/api/v1/plans/{pid}/submit"),
        Some(&adviser),
        None,
    )
    .await;
    let returned = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/return"),
            Some(&manager),
            Some(json!({"comments": "Say more about college"})),
        )
        .await;
    assert_eq!(returned.status, StatusCode::OK);
    assert_eq!(returned.json()["status"], "returned");
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{pid}"),
            Some(&adviser),
            None,
        )
        .await
        .json();
    assert_eq!(doc["decision"], "Say more about college");
    assert_eq!(
        put_plan(&app, &adviser, &doc, complete_plan(today(&app)))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_second_save_from_an_old_version_is_refused_and_shown_side_by_side() {
    let app = TestApp::new().await;
    app.seed().await;
    let person = app.young_person_id("BAR-1001").await;
    let mut first = app.signed_in("adviser@demo.test").await;
    let mut second = app.signed_in("manager@demo.test").await;
    let start = first
        .submit(
            &format!("/young-people/{person}/plans"),
            &format!("/young-people/{person}/plans"),
            &[],
        )
        .await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let plan_path = start.location().unwrap().to_string();
    let edit = format!("{plan_path}/edit/about_me");
    // Both open the same page; the first saves, then the second.
    let page_a = first.get(&edit).await;
    let page_b = second.get(&edit).await;
    let lock = |body: &str| {
        let m = "name=\"lock_version\" value=\"";
        let s = body.find(m).unwrap() + m.len();
        body[s..s + body[s..].find('"').unwrap()].to_string()
    };
    let (la, lb) = (lock(&page_a.body), lock(&page_b.body));
    let ta = page_a.csrf_token();
    let tb = page_b.csrf_token();
    let ok = first
        .post_raw(
            &edit,
            &[
                ("csrf_token", &ta),
                ("lock_version", &la),
                ("in_my_words", "I love football"),
            ],
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let clash = second
        .post_raw(
            &edit,
            &[
                ("csrf_token", &tb),
                ("lock_version", &lb),
                ("in_my_words", "I want to be a chef"),
            ],
            &[],
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    assert!(
        clash.body.contains("I love football"),
        "shows what the other person saved"
    );
    assert!(
        clash.body.contains("I want to be a chef"),
        "keeps what this person typed"
    );
    // Nothing was overwritten.
    let token = app.token("adviser@demo.test").await;
    let id = plan_path.trim_start_matches("/plans/");
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{id}"),
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(
        doc["content"]["sections"][0]["in_my_words"],
        "I love football"
    );
    // Saving again from the conflict page (which carries the new version) is a deliberate merge.
    let again = second
        .post_raw(
            &edit,
            &[
                ("csrf_token", &tb),
                ("lock_version", &lock(&clash.body)),
                ("in_my_words", "I love football and I want to be a chef"),
            ],
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_section_form_keeps_typing_checks_dates_and_shows_html_as_text() {
    let app = TestApp::new().await;
    app.seed().await;
    let person = app.young_person_id("BAR-1001").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let start = b
        .submit(
            &format!("/young-people/{person}/plans"),
            &format!("/young-people/{person}/plans"),
            &[],
        )
        .await;
    let plan_path = start.location().unwrap().to_string();
    let edit = format!("{plan_path}/edit/education");
    let res = b
        .submit(
            &edit,
            &edit,
            &[
                ("lock_version", "1"),
                ("in_my_words", "<script>alert(1)</script> I like maths"),
                ("goal_0_text", "Get my GCSEs"),
                ("act_0_0_what", "Book a tutor"),
                ("act_0_0_who", "Priya"),
                ("act_0_0_by", "2001-01-01"),
                ("act_0_0_status", "not_started"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("There is a problem"));
    assert!(res.body.contains("href=\"#act_0_0_by\""));
    assert!(res.body.contains("when this plan was started"));
    assert!(res.body.contains("value=\"Book a tutor\""), "typing kept");
    assert!(!res.body.contains("<script>alert(1)</script>"));
    assert!(
        res.body.contains("alert(1)"),
        "the text is still shown, escaped"
    );
    // With a sensible date it saves, and the checklist on the plan page shows SMART met for it.
    let ok = b
        .submit(
            &edit,
            &edit,
            &[
                ("lock_version", "1"),
                ("in_my_words", "I like maths"),
                ("goal_0_text", "Get my GCSEs"),
                ("act_0_0_what", "Book a tutor"),
                ("act_0_0_who", "Priya"),
                (
                    "act_0_0_by",
                    &(today(&app) + chrono::Duration::days(14)).to_string(),
                ),
                ("act_0_0_status", "not_started"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = b.get(&plan_path).await;
    let smart = &page.body[page.body.find("id=\"check-SMART\"").unwrap()..];
    assert!(smart[..200].contains("Met"), "{}", &smart[..200]);
    // Oversized requests are refused cleanly.
    let huge = "x".repeat(300 * 1024);
    let too_big = b.post_raw(&edit, &[("in_my_words", &huge)], &[]).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_young_persons_copy_leaves_out_staff_only_content() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let person = app.young_person_id("BAR-1002").await;
    let plan = start_plan(&app, &token, &person).await;
    let mut content = complete_plan(today(&app));
    content["meetings"] = json!([{ "kind": "marac", "date": "2026-10-01", "outcomes": "MARAC-SECRET-OUTCOME", "actions": [{ "text": "Safety plan", "decision": "incorporated" }] }]);
    content["assessment"]["risk_analysis"] = json!("STAFF-RISK-ANALYSIS");
    assert_eq!(
        put_plan(&app, &token, &plan, content).await.status,
        StatusCode::OK
    );
    let mut b = app.signed_in("adviser@demo.test").await;
    let copy = b
        .get(&format!("/plans/{}/copy", plan["id"].as_str().unwrap()))
        .await;
    assert_eq!(copy.status, StatusCode::OK);
    assert!(copy.body.contains("What I say about education"));
    assert!(copy.body.contains("Visit the college open day"));
    assert!(
        copy.body.contains("Missing for more than 24 hours"),
        "Plan B is theirs to know"
    );
    assert!(!copy.body.contains("MARAC-SECRET-OUTCOME"));
    assert!(!copy.body.contains("STAFF-RISK-ANALYSIS"));
    // The other adviser cannot reach the plan at all.
    let other = app.token("adviser2@demo.test").await;
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/plans/{}", plan["id"].as_str().unwrap()),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_review_opens_each_part_with_what_was_saved_chosen_and_saves_a_part_alone() {
    let app = TestApp::new().await;
    app.seed().await;
    // Sofia's approved plan: every accommodation factor met, a medium/high risk, and actions
    // due before today that the review carries over.
    let person = app.young_person_id("BAR-1008").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let start = b
        .submit(
            &format!("/young-people/{person}/plans"),
            &format!("/young-people/{person}/plans"),
            &[],
        )
        .await;
    let plan_path = start.location().unwrap().to_string();
    let accommodation = b.get(&format!("{plan_path}/edit/accommodation")).await;
    assert_eq!(
        accommodation
            .body
            .matches("<option value=\"met\" selected>")
            .count(),
        pathway::domain::plan::ACCOMMODATION_FACTORS.len(),
        "each factor shows the saved answer, so saving the page keeps it"
    );
    let risks = b.get(&format!("{plan_path}/edit/risks")).await;
    assert!(risks.body.contains("<option value=\"medium\" selected>"));
    assert!(risks.body.contains("<option value=\"high\" selected>"));
    // Saving one section is not refused for the carried-over actions of another.
    let edit = format!("{plan_path}/edit/work");
    let res = b
        .submit(
            &edit,
            &edit,
            &[
                ("lock_version", "1"),
                ("in_my_words", "A Saturday job would help me save."),
                ("goal_0_text", "A Saturday job"),
                ("act_0_0_what", "Write a CV"),
                ("act_0_0_who", "Sofia"),
                (
                    "act_0_0_by",
                    &(today(&app) + chrono::Duration::days(30)).to_string(),
                ),
                ("act_0_0_status", "not_started"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn a_manager_reads_the_whole_plan_above_the_decision_form() {
    let app = TestApp::new().await;
    app.seed().await;
    let adviser = app.token("adviser@demo.test").await;
    let person = app.young_person_id("BAR-1003").await;
    let plan = start_plan(&app, &adviser, &person).await;
    let pid = plan["id"].as_str().unwrap().to_string();
    let mut content = complete_plan(today(&app));
    content["meetings"] = json!([{ "kind": "marac", "date": today(&app) - chrono::Duration::days(3),
        "outcomes": "Safety plan agreed", "actions": [
            { "text": "Refer to the exploitation team", "decision": "incorporated" }]}]);
    assert_eq!(
        put_plan(&app, &adviser, &plan, content).await.status,
        StatusCode::OK
    );
    let submitted = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{pid}/submit"),
            Some(&adviser),
            None,
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);

    let mut b = app.signed_in("manager@demo.test").await;
    let page = b.get(&format!("/plans/{pid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let form = body.find("Management decision").expect("the decision form");
    let whole = body.find("The plan in full").expect("the whole plan");
    assert!(whole < form, "the plan comes before the decision");
    let plan_part = &body[whole..form];
    for expected in [
        "1 goal, 1 action, 1 risk",
        "In Leah&#39;s words:</strong> What I say about about_me",
        "What I say about staying_safe",
        "Start a plumbing course in September",
        "Visit the college open day: Jay with Priya (PA), by",
        "In care since 14",
        "Aunt supports the plan",
        "Risk of exploitation is medium",
        "Being drawn into county lines",
        "likelihood medium, impact high",
        "Plan B: if Missing for more than 24 hours, then Strategy meeting (Team manager).",
        "If the placement breaks down, supported lodgings the same week",
        "Foster placement",
        "Facilities and services</td><td>Met",
        "The Pledge:",
        "MARAC (multi-agency risk assessment conference)",
        "Refer to the exploitation team: Taken into the plan",
        "Leah agrees with the plan.",
        "Next review:",
    ] {
        assert!(
            plan_part.contains(expected),
            "{expected} in the plan shown to the manager: {plan_part}"
        );
    }
    // The adviser who submitted it sees no decision form, and so no copy of it for deciding.
    let mut a = app.signed_in("adviser@demo.test").await;
    let theirs = a.get(&format!("/plans/{pid}")).await;
    assert!(!theirs.body.contains("Management decision"));
}
