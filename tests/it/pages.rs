//! What every page says, read as its users read it: one date style ("29 June 2026", the GOV.UK
//! style) and counts in English ("1 goal", not "1 goals"). ISO dates belong to machine outputs
//! (the API, CSV) and date inputs only.

use axum::http::StatusCode;

use crate::support::{Browser, TestApp};

/// The words a person reads: the page without its tags and attributes (input values, links).
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every "2026-06-29" in `text`, with a little context.
fn iso_dates(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found = vec![];
    for i in 0..b.len().saturating_sub(9) {
        if !text.is_char_boundary(i) {
            continue;
        }
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        // A date input's hint shows the format it takes: that is the input's, not a date shown.
        let hint = text[..i].ends_with("For example, ");
        if digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10) && !hint {
            let from = text.floor_char_boundary(i.saturating_sub(40));
            let to = text.ceil_char_boundary((i + 50).min(text.len()));
            found.push(text[from..to].replace('\n', " "));
        }
    }
    found
}

/// Dates with a shortened month, "29 Jun 2026": the service writes months in full.
fn short_months(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(3)
        .filter(|w| {
            w[0].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
                && matches!(
                    w[1],
                    "Jan"
                        | "Feb"
                        | "Mar"
                        | "Apr"
                        | "Jun"
                        | "Jul"
                        | "Aug"
                        | "Sep"
                        | "Sept"
                        | "Oct"
                        | "Nov"
                        | "Dec"
                )
                && w[2].len() >= 4
                && w[2][..4].parse::<u32>().is_ok()
        })
        .map(|w| w.join(" "))
        .collect()
}

/// Counts that forget the singular: "1 goals", "1 actions", "1 young people", "1 days".
fn bad_plurals(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| {
            w[0] == "1"
                && matches!(
                    w[1].trim_end_matches([',', '.', ')']),
                    "goals"
                        | "actions"
                        | "risks"
                        | "days"
                        | "weeks"
                        | "months"
                        | "people"
                        | "entries"
                )
        })
        .map(|w| w.join(" "))
        .collect()
}

/// Reads one page and notes what is wrong with it in `problems`.
async fn check(b: &mut Browser<'_>, path: &str, problems: &mut Vec<String>) {
    let page = b.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    let text = visible_text(&page.body);
    for iso in iso_dates(&text) {
        problems.push(format!("{path}: ISO date in {iso:?}"));
    }
    for d in short_months(&text) {
        problems.push(format!("{path}: a shortened month in {d:?}"));
    }
    for p in bad_plurals(&text) {
        problems.push(format!("{path}: {p:?}"));
    }
}

#[tokio::test]
async fn every_page_writes_dates_one_way_and_counts_in_english() {
    let app = TestApp::new().await;
    app.seed().await;
    let people: Vec<String> = {
        let mut v = vec![];
        for local in [
            "BAR-1001", "BAR-1003", "BAR-1007", "BAR-1009", "BAR-1010", "BAR-1013",
        ] {
            v.push(app.young_person_id(local).await);
        }
        v
    };
    let adviser_id = app.user_id("adviser@demo.test").await;
    let mut problems = vec![];
    let p = &mut problems;

    let mut manager = app.signed_in("manager@demo.test").await;
    for path in [
        "/caseload",
        "/team",
        "/team/overdue",
        "/team/approvals",
        "/team/audit-actions",
        "/performance",
        "/account",
        "/caseload?adviser_late=1",
    ] {
        check(&mut manager, path, p).await;
    }
    check(
        &mut manager,
        &format!("/advisers/{adviser_id}/supervision"),
        p,
    )
    .await;
    for id in &people {
        check(&mut manager, &format!("/young-people/{id}"), p).await;
        let plans = manager.get(&format!("/young-people/{id}/plans")).await;
        assert_eq!(plans.status, StatusCode::OK);
        check(&mut manager, &format!("/young-people/{id}/plans"), p).await;
        // Every plan of theirs, and its young person's copy.
        for part in plans.body.split("href=\"/plans/").skip(1) {
            let plan = &part[..part.find('"').unwrap_or(0)];
            if plan.contains('/') || plan.is_empty() {
                continue;
            }
            check(&mut manager, &format!("/plans/{plan}"), p).await;
            check(&mut manager, &format!("/plans/{plan}/copy"), p).await;
        }
    }
    let audits = manager.get("/team/audit-actions").await;
    for part in audits.body.split("href=\"/audits/").skip(1) {
        let audit = &part[..part.find('"').unwrap_or(0)];
        check(&mut manager, &format!("/audits/{audit}"), p).await;
    }

    let mut senior = app.signed_in("senior@demo.test").await;
    for path in ["/team", "/returns/ssda903", "/performance"] {
        check(&mut senior, path, p).await;
    }
    let mut admin = app.signed_in("admin@demo.test").await;
    for path in ["/admin/users", "/admin/audit", "/admin/emails"] {
        check(&mut admin, path, p).await;
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_checks_notice_what_they_look_for() {
    assert_eq!(iso_dates(&visible_text("<p>Due 2026-06-29.</p>")).len(), 1);
    assert!(
        iso_dates(&visible_text(
            "<input value=\"2026-06-29\"> Due 29 June 2026"
        ))
        .is_empty()
    );
    assert_eq!(bad_plurals("It has 1 goals, 2 actions"), vec!["1 goals,"]);
    assert!(bad_plurals("1 goal, 2 actions").is_empty());
    assert_eq!(short_months("Done on 29 Jun 2026."), vec!["29 Jun 2026."]);
    assert!(short_months("Done on 29 June 2026 and 3 May 2026").is_empty());
}
