//! Object-level access: who may see which young person, and who may see the administration pages.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::support::TestApp;

fn random_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn api_list(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app
        .api(Method::GET, "/api/v1/young-people", Some(token), None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json().as_array().expect("a list").clone()
}

fn local_ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|p| p["local_id"].as_str().expect("local_id").to_string())
        .collect()
}

#[tokio::test]
async fn an_adviser_cannot_see_another_advisers_young_person_in_the_browser() {
    let app = TestApp::new().await;
    app.seed().await;
    let theirs = app.young_person_id("BAR-1005").await;
    let mine = app.young_person_id("BAR-1001").await;
    let mut b = app.signed_in("adviser@demo.test").await;

    // Control: their own young person is visible.
    assert_eq!(
        b.get(&format!("/young-people/{mine}")).await.status,
        StatusCode::OK
    );

    let other = b.get(&format!("/young-people/{theirs}")).await;
    let missing = b.get(&format!("/young-people/{}", random_id())).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body, missing.body,
        "out of scope looks exactly like missing"
    );
    assert!(!other.body.contains("BAR-1005"));

    // The refused view is in the audit log, not as a success.
    let rows = app.audit_actions().await;
    let refused: Vec<_> = rows
        .iter()
        .filter(|r| {
            r.action == "view_young_person" && r.record_id.as_deref() == Some(theirs.as_str())
        })
        .collect();
    assert_eq!(refused.len(), 1, "{rows:?}");
    assert_ne!(refused[0].outcome, "success");
}

#[tokio::test]
async fn an_adviser_cannot_see_another_advisers_young_person_in_the_api() {
    let app = TestApp::new().await;
    app.seed().await;
    let theirs = app.young_person_id("BAR-1005").await;
    let mine = app.young_person_id("BAR-1001").await;
    let token = app.token("adviser@demo.test").await;

    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{mine}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["local_id"], "BAR-1001");

    let other = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{theirs}"),
            Some(&token),
            None,
        )
        .await;
    let missing = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{}", random_id()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.body, missing.body,
        "out of scope looks exactly like missing"
    );
    assert_eq!(other.json()["error"], "not_found");
}

#[tokio::test]
async fn an_adviser_lists_only_their_own_young_people() {
    let app = TestApp::new().await;
    app.seed().await;
    let me = app.user_id("adviser@demo.test").await;
    let token = app.token("adviser@demo.test").await;
    let list = api_list(&app, &token).await;
    assert!(!list.is_empty());
    for p in &list {
        assert_eq!(p["adviser_id"].as_str(), Some(me.as_str()), "{p}");
    }
    let ids = local_ids(&list);
    assert!(ids.contains(&"BAR-1001".to_string()), "{ids:?}");
    assert!(!ids.contains(&"BAR-1005".to_string()), "{ids:?}");
}

#[tokio::test]
async fn a_manager_sees_their_whole_team() {
    let app = TestApp::new().await;
    app.seed().await;
    let a1 = app.user_id("adviser@demo.test").await;
    let a2 = app.user_id("adviser2@demo.test").await;
    let token = app.token("manager@demo.test").await;
    let list = api_list(&app, &token).await;
    let advisers: Vec<&str> = list
        .iter()
        .filter_map(|p| p["adviser_id"].as_str())
        .collect();
    assert!(advisers.contains(&a1.as_str()), "{list:?}");
    assert!(advisers.contains(&a2.as_str()), "{list:?}");
    assert_eq!(
        list.len(),
        14,
        "every demo young person is in the manager's team, the two waiting for an adviser too"
    );
    assert_eq!(
        list.iter().filter(|p| p["adviser_id"].is_null()).count(),
        2,
        "{list:?}"
    );

    let theirs = app.young_person_id("BAR-1005").await;
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/young-people/{theirs}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    let mut b = app.signed_in("manager@demo.test").await;
    assert_eq!(
        b.get(&format!("/young-people/{theirs}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_administrator_without_casework_sees_no_young_person() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("admin@demo.test").await;
    assert!(api_list(&app, &token).await.is_empty());

    let mut b = app.signed_in("admin@demo.test").await;
    for local in ["BAR-1001", "BAR-1005", "BAR-1012"] {
        let id = app.young_person_id(local).await;
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/young-people/{id}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{local}: {}", res.body);
        let page = b.get(&format!("/young-people/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{local}");
        assert!(!page.body.contains(local));
    }
}

#[tokio::test]
async fn administration_pages_do_not_exist_for_non_administrators() {
    let app = TestApp::new().await;
    app.seed().await;
    for email in ["adviser@demo.test", "manager@demo.test"] {
        let mut b = app.signed_in(email).await;
        for path in ["/admin/users", "/admin/audit", "/admin/users/new"] {
            let res = b.get(path).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{email} {path}");
        }
    }
    // Control: an administrator sees them.
    let mut admin = app.signed_in("admin@demo.test").await;
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
    assert_eq!(admin.get("/admin/audit").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_non_administrator_cannot_disable_a_user() {
    let app = TestApp::new().await;
    app.seed().await;
    let victim = app.user_id("adviser2@demo.test").await;
    let mut victim_browser = app.signed_in("adviser2@demo.test").await;
    let mut b = app.signed_in("adviser@demo.test").await;
    let res = b
        .submit("/caseload", &format!("/admin/users/{victim}/disable"), &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = b.submit("/caseload", "/admin/sessions/end-all", &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);

    let u = pathway::services::users::find_by_email(&app.state, "adviser2@demo.test")
        .await
        .unwrap()
        .unwrap();
    assert!(!u.disabled);
    assert_eq!(victim_browser.get("/caseload").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_audit_log_can_be_filtered_by_action() {
    let app = TestApp::new().await;
    app.seed().await;
    let mut failed = app.browser();
    assert_eq!(
        failed
            .login("adviser@demo.test", "wrong password here")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let _adviser = app.signed_in("adviser@demo.test").await;
    let mut admin = app.signed_in("admin@demo.test").await;

    let all = admin.get("/admin/audit").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("<td>login_failed</td>"), "{}", all.body);
    assert!(all.body.contains("<td>login</td>"));

    let res = admin.get("/admin/audit?action=login").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.body.matches("<td>login</td>").count(),
        2,
        "{}",
        res.body
    );
    assert!(!res.body.contains("<td>login_failed</td>"), "{}", res.body);
    assert!(
        !res.body.contains("<td>view_audit_log</td>"),
        "{}",
        res.body
    );

    // Viewing the audit log is itself audited.
    let rows = app.audit_actions().await;
    let admin_id = app.user_id("admin@demo.test").await;
    assert!(
        rows.iter()
            .any(|r| r.action == "view_audit_log"
                && r.actor_id.as_deref() == Some(admin_id.as_str())),
        "{rows:?}"
    );
}

/// Views are audited through a group commit; under concurrency every view must still have
/// exactly its own entry, with the right person and record, before its page is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_concurrent_view_is_audited_once_with_its_own_viewer() {
    let app = TestApp::new().await;
    app.seed().await;
    let cases = [
        ("adviser@demo.test", "BAR-1001"),
        ("adviser2@demo.test", "BAR-1005"),
    ];
    let mut who = vec![];
    for (email, local) in cases {
        who.push((
            app.token(email).await,
            app.user_id(email).await,
            app.young_person_id(local).await,
        ));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for round in 0..40 {
        for (token, _, person) in &who {
            let router = app.router.clone();
            let req = axum::http::Request::builder()
                .uri(format!("/api/v1/young-people/{person}"))
                .header("authorization", format!("Bearer {token}"))
                .header("x-request-id", format!("view-{round}-{person}"))
                .body(axum::body::Body::empty())
                .expect("request");
            tasks.spawn(async move {
                use tower::ServiceExt;
                let mut req = req;
                req.extensions_mut().insert(axum::extract::ConnectInfo(
                    std::net::SocketAddr::from(([203, 0, 113, 10], 40000)),
                ));
                router.oneshot(req).await.expect("infallible").status()
            });
        }
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.expect("task"), StatusCode::OK);
    }
    let rows = app.audit_actions().await;
    for (_, user, person) in &who {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r.action == "view_young_person" && r.record_id.as_deref() == Some(person))
            .collect();
        assert_eq!(mine.len(), 40, "one entry per view of {person}");
        assert!(mine.iter().all(|r| r.actor_id.as_deref() == Some(user)));
        assert!(mine.iter().all(|r| r.outcome == "success"));
        let mut ids: Vec<_> = mine.iter().filter_map(|r| r.request_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 40, "each request's own entry");
    }
}
