//! The journeys people take through the service, in a real browser.

use fantoccini::key::Key;
use serde_json::json;

use crate::accessibility::plans_of;
use crate::harness::{self, Server};
use crate::support::PASSWORD;

fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The service's today (its clock starts where `CLOCK_START` says, as in every test).
fn today(server: &Server) -> chrono::NaiveDate {
    server.today()
}

/// Sign in, the caseload, a young person with an overdue review, a plan review written in the
/// young person's words with a goal, an action and a risk with its Plan B, a refused submission
/// whose error summary moves focus to what is missing, the fix, and the submission: every step
/// by keyboard (Tab, Enter and typing), with focus visible and uncovered at every stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adviser_writes_and_submits_a_plan_with_the_keyboard_alone() {
    if !harness::available("adviser plan journey") {
        return;
    }
    let server = Server::start().await;
    let danny = server.app.young_person_id("BAR-1009").await;
    let mut b = harness::browser("1-adviser-plan-by-keyboard", &server)
        .await
        .expect("browser");

    b.goto("/login").await;
    b.expect_heading("Sign in").await;
    // The first stop is the skip link, shown when it has focus.
    let skip = b.tab_to("the skip link", |f| f.tag == "a").await;
    assert_eq!(skip.text, "Skip to main content");
    b.fill_by_keyboard("email", "adviser2@demo.test").await;
    b.fill_by_keyboard("password", PASSWORD).await;
    b.press(Key::Enter).await;
    b.expect_heading("My caseload").await;
    b.screenshot("caseload").await;

    b.activate("Danny (Daniel) Mensah").await;
    b.expect_heading("Mensah").await;
    b.expect_text("Transition timeline").await;
    let overdue = b
        .js(
            "return Array.from(document.querySelectorAll('tr[id^=\"milestone-\"]')).filter(r => r.querySelector('[data-state=\"overdue\"]')).map(r => r.cells[0].innerText.split('\\n')[0])",
            vec![],
        )
        .await;
    let overdue: Vec<String> = serde_json::from_value(overdue).expect("overdue rows");
    assert!(
        !overdue.is_empty(),
        "Danny's timeline shows nothing overdue:\n{}",
        b.text().await
    );
    b.expect_text(&format!("{} overdue on", overdue.len()))
        .await;
    b.screenshot("young-person-timeline-overdue").await;

    b.activate("Pathway plans").await;
    b.expect_heading("Pathway plans").await;
    b.activate("Start a review").await;
    b.expect_heading("Pathway plan, version 2").await;
    b.expect_text("Draft").await;
    b.screenshot("review-started").await;

    // A section in the young person's own words, with a goal and an action.
    b.activate("Change Work").await;
    b.expect_heading("Work").await;
    let words = "I want a Saturday job at the bike shop so I can save for driving lessons.";
    b.fill_by_keyboard("in_my_words", words).await;
    b.fill_by_keyboard("goal_0_text", "Danny has a Saturday job by the summer")
        .await;
    b.fill_by_keyboard("act_0_0_what", "Write a CV with the careers adviser")
        .await;
    b.fill_by_keyboard("act_0_0_who", "Danny with Sam").await;
    b.fill_by_keyboard("act_0_0_by", "end of next month").await;
    b.activate("Save as draft").await;

    // A date that is not a date: the summary takes focus and its link moves focus to the field.
    b.expect_text("There is a problem").await;
    let f = b.focus().await;
    assert!(
        f.text.starts_with("There is a problem"),
        "the error summary should have focus on load, not {}",
        f.describe()
    );
    b.assert_focus_visible(&f);
    b.screenshot("section-error-summary").await;
    b.assert_accessible("plan section with an error").await;
    b.tab_to("the error's link", |f| f.href == "#act_0_0_by")
        .await;
    b.press(Key::Enter).await;
    b.wait_until(
        "focus on the date field",
        "document.activeElement && document.activeElement.id === 'act_0_0_by'",
    )
    .await;
    let f = b.focus().await;
    b.assert_focus_visible(&f);
    // The field's label and its error message are in view above it, not scrolled away.
    let above = b
        .js(
            "return ['label[for=\"act_0_0_by\"]', '#act_0_0_by-error'].map(s => { const r = document.querySelector(s).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })",
            vec![],
        )
        .await;
    assert_eq!(
        above,
        json!([true, true]),
        "label and message visible with the field"
    );
    b.screenshot("error-link-focused-the-field").await;
    let what_typed = b
        .js("return document.getElementById('act_0_0_by').value", vec![])
        .await;
    assert_eq!(
        what_typed,
        json!("end of next month"),
        "what was typed is kept"
    );
    b.replace_text(&ymd(today(&server) + chrono::Duration::days(30)))
        .await;
    b.activate("Save as draft").await;
    b.expect_text("Your changes were saved as a draft.").await;

    // A risk with its Plan B.
    b.activate("Change Risks, Plan B and contingency").await;
    b.expect_heading("Risks, Plan B and contingency").await;
    b.fill_by_keyboard(
        "risk_1_description",
        "Losing his place on the course if his attendance drops",
    )
    .await;
    b.tab_to_field("risk_1_likelihood").await;
    b.type_text("M").await;
    b.tab_to_field("risk_1_impact").await;
    b.type_text("H").await;
    let chosen = b
        .js(
            "return [document.getElementById('risk_1_likelihood').value, document.getElementById('risk_1_impact').value]",
            vec![],
        )
        .await;
    assert_eq!(chosen, json!(["medium", "high"]), "choices made by typing");
    b.fill_by_keyboard(
        "risk_1_plan_b_trigger",
        "Two missed days in a week, or a warning letter from college",
    )
    .await;
    b.fill_by_keyboard(
        "risk_1_plan_b_response",
        "Meeting with the college's pastoral lead within a week; travel pass renewed",
    )
    .await;
    b.fill_by_keyboard("risk_1_plan_b_owner", "Sam Reid").await;
    b.activate("Save as draft").await;
    b.expect_text("Your changes were saved as a draft.").await;
    b.expect_text("2 risks").await;

    // Submission refused: the review has no agreement or review date yet.
    b.activate("Submit for approval").await;
    b.expect_text("There is a problem").await;
    b.expect_text("AGREEMENT: Whether the young person agrees with the plan")
        .await;
    let f = b.focus().await;
    assert!(
        f.text.starts_with("There is a problem"),
        "the error summary should have focus, not {}",
        f.describe()
    );
    b.screenshot("submit-refused-error-summary").await;
    b.assert_accessible("plan with submission errors").await;
    b.tab_to("the AGREEMENT error's link", |f| {
        f.href == "#check-AGREEMENT"
    })
    .await;
    b.press(Key::Enter).await;
    b.wait_until(
        "focus on the AGREEMENT check",
        "document.activeElement && document.activeElement.id === 'check-AGREEMENT'",
    )
    .await;
    let f = b.focus().await;
    b.assert_focus_visible(&f);
    b.screenshot("error-link-focused-the-check").await;
    // The next stop is the check's own link to the part that fixes it.
    let next = b.tab_to("the check's link", |f| f.tag == "a").await;
    assert!(
        next.href.ends_with("/edit/agreement"),
        "after the check comes its link, not {}",
        next.describe()
    );
    b.press(Key::Enter).await;
    b.expect_heading("Agreement and next review").await;
    b.tab_to_field("agrees").await;
    b.type_text("Y").await;
    b.fill_by_keyboard(
        "in_their_words",
        "Yes. It is my plan and the job is my idea.",
    )
    .await;
    b.fill_by_keyboard("copy_given_on", &ymd(today(&server)))
        .await;
    b.fill_by_keyboard(
        "next_review",
        &ymd(today(&server) + chrono::Duration::days(90)),
    )
    .await;
    b.activate("Save as draft").await;
    b.expect_text("Your changes were saved as a draft.").await;
    b.expect_text("Quality checks: 9 of 9 met").await;

    b.activate("Submit for approval").await;
    b.expect_text("The plan was submitted for approval.").await;
    b.expect_text("Waiting for approval").await;
    b.screenshot("submitted").await;
    b.close().await;

    let latest = plans_of(&server.app, &danny).await.pop().expect("plan");
    assert_eq!(latest.version_no, 2);
    assert_eq!(latest.status, "submitted");
    assert!(
        latest.content.contains(words),
        "the young person's words were saved"
    );
}

/// A manager returns a plan with a comment, the adviser changes it and submits it again, the
/// manager approves it, and the young person's copy renders and prints without staff content.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_returns_a_plan_then_approves_it_and_the_young_persons_copy_prints() {
    if !harness::available("manager approval journey") {
        return;
    }
    let server = Server::start().await;
    let mut b = harness::browser("2-manager-return-and-approve", &server)
        .await
        .expect("browser");
    let comment = "Yusuf's new flat is not in the accommodation assessment yet.";
    let rationale = "The move is assessed and Yusuf agrees with the plan.";
    let new_home = "His own flat in Tottenham, a council tenancy since last month.";

    b.sign_in("manager@demo.test").await;
    b.expect_heading("My team").await;
    b.expect_text("Plans waiting for approval (1)").await;
    b.screenshot("team").await;
    b.click_link("Plans waiting for approval").await;
    b.expect_heading("Plans waiting for approval").await;
    b.click_link("Yusuf").await;
    b.expect_text("Management decision").await;
    b.fill("comments", comment).await;
    b.click_button("Return for changes").await;
    b.expect_text("The plan was returned for changes.").await;
    b.expect_text("Returned for changes").await;
    b.screenshot("returned").await;
    b.sign_out().await;

    b.sign_in("adviser2@demo.test").await;
    b.expect_heading("My caseload").await;
    b.click_link("Yusuf").await;
    b.click_link("Pathway plans").await;
    b.click_button("Continue the open plan").await;
    b.expect_text("What needs to change").await;
    b.expect_text(comment).await;
    b.screenshot("adviser-sees-the-comment").await;
    b.click_link("Change Accommodation suitability").await;
    b.expect_heading("Accommodation suitability").await;
    b.fill("description", new_home).await;
    b.click_button("Save as draft").await;
    b.expect_text("Your changes were saved as a draft.").await;
    b.click_button("Submit for approval").await;
    b.expect_text("The plan was submitted for approval.").await;
    b.sign_out().await;

    b.sign_in("manager@demo.test").await;
    b.click_link("Plans waiting for approval").await;
    b.click_link("Yusuf").await;
    b.expect_text("Management decision").await;
    b.fill("rationale", rationale).await;
    b.click_button("Approve the plan").await;
    b.expect_text("The plan was approved and the timeline updated.")
        .await;
    b.expect_text("Approved").await;
    b.screenshot("approved").await;

    b.click_link("The young person's copy").await;
    b.expect_heading("My pathway plan").await;
    b.expect_text(new_home).await;
    b.expect_text("In my words").await;
    let copy = b.text().await;
    for staff_only in [comment, rationale, "Management decision", "Sign out"] {
        assert!(
            !copy.contains(staff_only),
            "the young person's copy shows staff-only text {staff_only:?}"
        );
    }
    b.screenshot("young-persons-copy").await;
    b.assert_accessible("the young person's copy").await;
    let pdf =
        b.c.print(
            fantoccini::wd::PrintConfiguration::builder()
                .build()
                .expect("print settings"),
        )
        .await
        .expect("print to PDF");
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 2_000,
        "the copy prints"
    );
    b.save_file("young-persons-copy.pdf", &pdf).await;
    b.close().await;
}

/// A manager records supervision discussing a young person, informal guidance on their file and
/// a case audit with an action point; each shows on that young person's chronology.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervision_guidance_and_an_audit_reach_the_young_persons_chronology() {
    if !harness::available("oversight journey") {
        return;
    }
    let server = Server::start().await;
    let yusuf = server.app.young_person_id("BAR-1005").await;
    let sam = server.app.user_id("adviser2@demo.test").await;
    let mut b = harness::browser("3-manager-oversight", &server)
        .await
        .expect("browser");
    let on = ymd(today(&server));
    let soon = ymd(today(&server) + chrono::Duration::days(14));
    let discussed = "Agreed to bring Yusuf's review forward after his move.";
    let guidance = "Check the tenancy paperwork with Yusuf before the review.";
    let action_point = "Add the tenancy start date to the accommodation history";

    b.sign_in("manager@demo.test").await;
    b.click_link("Record supervision").await;
    b.expect_heading("Record supervision").await;
    b.choose("adviser_id", &sam).await;
    b.fill("session_date", &on).await;
    b.fill(
        "reflection",
        "Sam reflected on Yusuf's move and his own caseload.",
    )
    .await;
    b.fill(
        "challenge",
        "Are the review dates realistic after the move?",
    )
    .await;
    b.choose("case_0_young_person_id", &yusuf).await;
    b.fill("case_0_decision", discussed).await;
    b.fill("case_0_action_0_what", "Book the review").await;
    b.fill("case_0_action_0_who", "Sam Reid").await;
    b.fill("case_0_action_0_by", &soon).await;
    b.screenshot("supervision-form").await;
    b.click_button("Save supervision").await;
    b.expect_text("Sam reflected on Yusuf's move").await;
    b.screenshot("supervision-record").await;

    b.goto(&format!("/young-people/{yusuf}")).await;
    b.click_link("Record informal guidance").await;
    b.expect_heading("Record informal guidance").await;
    b.fill("decision", guidance).await;
    b.fill("action_0_what", "Tenancy paperwork checked").await;
    b.fill("action_0_who", "Sam Reid").await;
    b.fill("action_0_by", &soon).await;
    b.click_button("Save").await;
    b.expect_text("Chronology").await;

    b.click_link("Audit this case").await;
    b.expect_text("Date of the audit").await;
    b.fill("audit_date", &on).await;
    for area in [
        "voice",
        "assessment",
        "planning",
        "risk",
        "accommodation",
        "oversight",
        "overall",
    ] {
        if b.js(
            "return !!document.getElementById(arguments[0])",
            vec![json!(format!("grade_{area}"))],
        )
        .await
            == json!(true)
        {
            b.choose(&format!("grade_{area}"), "good").await;
            b.fill(&format!("findings_{area}"), "Clear and up to date.")
                .await;
        }
    }
    b.fill("summary", "A good plan; the move needs recording.")
        .await;
    b.fill("action_0_text", action_point).await;
    b.choose("action_0_owner", &sam).await;
    b.fill("action_0_due", &soon).await;
    b.screenshot("audit-form").await;
    b.click_button("Save audit").await;
    b.expect_text(action_point).await;
    b.screenshot("audit").await;

    b.goto(&format!("/young-people/{yusuf}#chronology")).await;
    b.expect_text("Chronology").await;
    let rows = b
        .js(
            "let e = document.getElementById('chronology').nextElementSibling; while (e && e.tagName !== 'H2' && !(e.tagName === 'TABLE' || e.querySelector('table'))) e = e.nextElementSibling; const t = e && (e.tagName === 'TABLE' ? e : e.querySelector('table')); return t ? Array.from(t.tBodies[0].rows).map(r => r.innerText) : [];",
            vec![],
        )
        .await;
    let rows: Vec<String> = serde_json::from_value(rows).expect("chronology rows");
    let has = |what: &str, text: &str| rows.iter().any(|r| r.contains(what) && r.contains(text));
    assert!(
        has("Discussed in supervision", discussed),
        "supervision is not on the chronology: {rows:#?}"
    );
    assert!(
        has("Informal guidance", guidance),
        "informal guidance is not on the chronology: {rows:#?}"
    );
    assert!(
        has("Case audit", action_point),
        "the audit and its action point are not on the chronology: {rows:#?}"
    );
    b.screenshot("chronology").await;
    b.close().await;
}

/// After signing out, the back button shows the sign-in page, not the case the adviser had
/// open (pages are `Cache-Control: no-store`); after 30 idle minutes the session has ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sign_out_or_an_idle_timeout_the_back_button_shows_no_case_data() {
    if !harness::available("session journey") {
        return;
    }
    let server = Server::start().await;
    let sofia = server.app.young_person_id("BAR-1008").await;
    let mut b = harness::browser("4-sign-out-and-expiry", &server)
        .await
        .expect("browser");
    let case_data = ["Sofia", "Rossi", "Transition timeline", "BAR-1008"];
    let shows_case_data = |text: &str| case_data.iter().any(|c| text.contains(c));

    b.sign_in("adviser@demo.test").await;
    b.goto(&format!("/young-people/{sofia}")).await;
    b.expect_heading("Sofia Rossi").await;
    b.screenshot("case-open").await;
    b.sign_out().await;
    b.screenshot("signed-out").await;
    back(&b).await;
    b.expect_heading("Sign in").await;
    let text = b.text().await;
    assert!(
        !shows_case_data(&text),
        "after sign-out the back button shows the case:\n{text}"
    );
    assert_eq!(b.path().await, "/login");
    b.screenshot("back-after-sign-out").await;

    // An idle session ends: the next page is the sign-in page, and back shows nothing either.
    b.sign_in("adviser@demo.test").await;
    b.goto(&format!("/young-people/{sofia}")).await;
    b.expect_heading("Sofia Rossi").await;
    server.advance(chrono::Duration::minutes(31));
    b.click_link("Pathway plans").await;
    b.expect_heading("Sign in").await;
    assert!(!shows_case_data(&b.text().await));
    b.screenshot("idle-session-ended").await;
    back(&b).await;
    b.expect_heading("Sign in").await;
    let text = b.text().await;
    assert!(
        !shows_case_data(&text),
        "after the session ended the back button shows the case:\n{text}"
    );
    b.screenshot("back-after-expiry").await;
    b.close().await;
}

/// Presses the browser's Back button, and makes sure a different document is then shown (the
/// page before is marked, and the mark must be gone).
async fn back(b: &harness::Browser) {
    b.js(
        "document.documentElement.dataset.beforeBack = 'yes'",
        vec![],
    )
    .await;
    b.c.back().await.expect("back");
    b.wait_until(
        "the page Back leads to",
        "document.documentElement.dataset.beforeBack !== 'yes'",
    )
    .await;
}
