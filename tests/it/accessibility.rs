//! The accessibility statement: open to everyone, in the GOV.UK model, linked from every page.

use axum::http::StatusCode;

use crate::support::TestApp;

const LINK: &str = "href=\"/accessibility\"";

#[tokio::test]
async fn the_accessibility_statement_is_open_to_everyone_in_the_govuk_model() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut visitor = app.browser();
    let page = visitor.get("/accessibility").await;
    assert_eq!(page.status, StatusCode::OK, "no sign-in needed");
    // The sections the model statement has, in its words.
    for part in [
        "<h1 class=\"app-heading-l\">Accessibility statement for Pathway</h1>",
        "zoom in up to 400%",
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Advisory and Support Service",
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018",
        "Compliance status",
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard",
        "Non-accessible content",
        "What we are doing to improve accessibility",
        "Preparation of this accessibility statement",
    ] {
        assert!(page.body.contains(part), "the statement lacks {part:?}");
    }
    assert!(
        !page.body.contains("Sign out"),
        "a visitor sees no account links"
    );

    let mut adviser = app.signed_in("adviser@demo.test").await;
    let signed_in = adviser.get("/accessibility").await;
    assert_eq!(signed_in.status, StatusCode::OK);
    assert!(
        signed_in.body.contains("Sign out") && signed_in.body.contains("My caseload"),
        "signed in, the statement keeps the service's navigation"
    );
}

#[tokio::test]
async fn every_page_links_to_the_accessibility_statement_in_its_footer() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut visitor = app.browser();
    for path in ["/login", "/no-such-page", "/accessibility"] {
        let page = visitor.get(path).await;
        let footer = &page.body[page.body.find("<footer").expect("a footer")..];
        assert!(
            footer.contains(LINK),
            "{path}: no statement link in the footer"
        );
    }
    let sofia = app.young_person_id("BAR-1008").await;
    let mut adviser = app.signed_in("adviser@demo.test").await;
    let plans = adviser.get(&format!("/young-people/{sofia}/plans")).await;
    let approved = plans.body[plans.body.find("/plans/").expect("a plan link")..]
        .split('"')
        .next()
        .expect("plan path")
        .to_string();
    for path in [
        "/caseload".to_string(),
        format!("/young-people/{sofia}"),
        approved.clone(),
        format!("{approved}/copy"),
        "/account".into(),
        "/performance".into(),
    ] {
        let page = adviser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let footer = &page.body[page.body.find("<footer").expect("a footer")..];
        assert!(
            footer.contains(LINK),
            "{path}: no statement link in the footer"
        );
    }
}
