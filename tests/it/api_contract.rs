//! The OpenAPI document says what the server checks: every length limit and pattern it publishes
//! for a request body is the one the server enforces, probed at the limit and one past it. A
//! client generated from the document cannot send what the server will refuse for a reason the
//! document does not give.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::TestApp;

/// The schema of `name` in the document, with references followed.
fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "the document describes {name}");
    s
}

fn fields_on(error: &Value, field: &str) -> Vec<String> {
    error["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["field"] == field)
                .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A value of exactly `len` characters that is otherwise acceptable for the field.
fn of_length(field: &str, len: usize) -> String {
    match field {
        "email" => {
            // A user part of 64 (the most an address may have) and a domain of labels of up
            // to 61 characters.
            let mut left = len - 65 - ".org".len();
            let mut labels = vec![];
            while left > 0 {
                let mut take = left.min(60);
                if left - take == 1 {
                    take += 1;
                }
                labels.push("b".repeat(take));
                left -= take;
                left = left.saturating_sub(1);
            }
            format!("{}@{}.org", "a".repeat(64), labels.join("."))
        }
        // Letters and digits only keep a local identifier inside its pattern.
        _ => "a".repeat(len),
    }
}

#[tokio::test]
async fn every_published_length_limit_on_a_young_persons_details_is_the_one_enforced() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let details = schema(&doc, "PersonDetails");
    let limits: Vec<(String, usize)> = details["properties"]
        .as_object()
        .expect("PersonDetails has properties")
        .iter()
        .filter_map(|(f, p)| Some((f.clone(), p["maxLength"].as_u64()? as usize)))
        .collect();
    assert!(
        limits.len() >= 10,
        "the document publishes the limits of the text fields: {limits:?}"
    );
    for (n, (field, max)) in limits.iter().enumerate() {
        let mut body = json!({
            "local_id": format!("LIMIT-{n}"),
            "given_name": "Ama",
            "family_name": "Mensah",
            "date_of_birth": "2010-03-01",
        });
        body[field.as_str()] = Value::String(of_length(field, max + 1));
        let res = app
            .api(
                Method::POST,
                "/api/v1/young-people",
                Some(&token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} at {}",
            max + 1
        );
        assert_eq!(
            fields_on(&res.json(), field).len(),
            1,
            "{field} one past its published limit is refused at the field: {}",
            res.body
        );
        body[field.as_str()] = Value::String(of_length(field, *max));
        if field == "local_id" {
            // At its limit the identifier must still be unique.
            body["local_id"] =
                Value::String(format!("L{n}{}", "a".repeat(max - 1 - n.to_string().len())));
        }
        let res = app
            .api(
                Method::POST,
                "/api/v1/young-people",
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{field} at its published limit of {max} is accepted: {}",
            res.body
        );
    }
}

#[tokio::test]
async fn the_published_local_identifier_pattern_is_the_one_enforced() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let pattern = schema(&doc, "PersonDetails")["properties"]["local_id"]["pattern"]
        .as_str()
        .expect("the local identifier's pattern is published")
        .to_string();
    assert_eq!(pattern, pathway::domain::text::LOCAL_ID_PATTERN);
    // Each side of the pattern: what it allows is accepted, what it does not is refused.
    for (id, allowed) in [
        ("BAR-2001", true),
        ("12/3456", true),
        ("a.b_c", true),
        ("-2001", false),
        ("BAR 2001", false),
        ("BAR–2001", false),
    ] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/young-people",
                Some(&token),
                Some(json!({
                    "local_id": id, "given_name": "Ama", "family_name": "Mensah",
                    "date_of_birth": "2010-03-01"
                })),
            )
            .await;
        if allowed {
            assert_eq!(res.status, StatusCode::CREATED, "{id}: {}", res.body);
        } else {
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
            assert_eq!(fields_on(&res.json(), "local_id").len(), 1, "{id}");
        }
    }
}

#[tokio::test]
async fn the_published_limits_on_signing_in_and_on_a_history_change_are_the_ones_enforced() {
    let app = TestApp::new().await;
    app.seed().await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();

    // Signing in: too long is refused at the field, before any password is hashed.
    let creds = &schema(&doc, "Credentials")["properties"];
    for field in ["email", "password"] {
        let max = creds[field]["maxLength"]
            .as_u64()
            .expect("a published limit") as usize;
        let mut body = json!({"email": "adviser@demo.test", "password": "x"});
        body[field] = Value::String(of_length(field, max + 1));
        let res = app
            .api(Method::POST, "/api/v1/auth/token", None, Some(body))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(
            fields_on(&res.json(), field).len(),
            1,
            "{field}: {}",
            res.body
        );
    }

    // A care episode's legal basis.
    let token = app.token("adviser@demo.test").await;
    let people = app
        .api(Method::GET, "/api/v1/young-people", Some(&token), None)
        .await
        .json();
    let id = people["items"][0]["id"]
        .as_str()
        .or_else(|| people[0]["id"].as_str())
        .expect("the adviser has a caseload")
        .to_string();
    let max = schema(&doc, "Episode")["properties"]["legal_basis"]["maxLength"]
        .as_u64()
        .expect("a published limit") as usize;
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{id}/history"),
            Some(&token),
            Some(json!({
                "type": "episode", "start_date": "2024-01-01", "end_date": "2024-02-01",
                "legal_basis": "s".repeat(max + 1)
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        fields_on(&res.json(), "legal_basis").len(),
        1,
        "{}",
        res.body
    );
}

#[tokio::test]
async fn the_published_limits_on_a_plans_words_are_the_ones_enforced() {
    let app = TestApp::new().await;
    app.seed().await;
    let token = app.token("adviser@demo.test").await;
    let doc = app
        .api(Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let section = &schema(&doc, "Section")["properties"];
    let max = section["in_my_words"]["maxLength"]
        .as_u64()
        .expect("a published limit on the young person's words") as usize;
    let most_goals = section["goals"]["maxItems"]
        .as_u64()
        .expect("a published limit on goals") as usize;
    let person = app.young_person_id("BAR-1001").await;
    let plan = app
        .api(
            Method::POST,
            &format!("/api/v1/young-people/{person}/plans"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.body);
    let plan = plan.json();
    let put = |content: Value, lock: Value| {
        let app = &app;
        let token = token.clone();
        let id = plan["id"].as_str().unwrap_or_default().to_string();
        async move {
            app.api(
                Method::PUT,
                &format!("/api/v1/plans/{id}"),
                Some(&token),
                Some(json!({ "lock_version": lock, "content": content })),
            )
            .await
        }
    };
    let words = |n: usize, goals: usize| {
        json!({ "sections": [{
            "code": "about_me",
            "in_my_words": "a".repeat(n),
            "goals": vec![json!({"text": "A goal"}); goals],
        }] })
    };
    let res = put(words(max + 1, 0), plan["lock_version"].clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        fields_on(&res.json(), "in_my_words").len(),
        1,
        "{}",
        res.body
    );
    let res = put(words(1, most_goals + 1), plan["lock_version"].clone()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(fields_on(&res.json(), "goals").len(), 1, "{}", res.body);
    let res = put(words(max, most_goals), plan["lock_version"].clone()).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "at the published limits: {}",
        res.body
    );
}
