//! The list of a young person's plan versions, starting a plan or a review, and comparing two
//! versions side by side.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;

use super::fmt;
use crate::auth::WebUser;
use crate::domain::plan::{self, PlanContent};
use crate::error::AppError;
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::plans;
use crate::services::young_people::display_name;
use crate::state::AppState;
use crate::views::Layout;

pub struct VersionRow {
    pub id: String,
    pub version_no: i32,
    pub status: &'static str,
    pub started: String,
    pub approved: String,
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListPage {
    layout: Layout,
    person_id: String,
    person_name: String,
    start_label: &'static str,
    rows: Vec<VersionRow>,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (person, versions) = plans::list(&state, &user, &id, &meta).await?;
    let start_label = if versions
        .iter()
        .any(|p| plans::OPEN.contains(&p.status.as_str()))
    {
        "Continue the open plan"
    } else if versions.iter().any(|p| p.status == "approved") {
        "Start a review"
    } else {
        "Start the first plan"
    };
    let name = display_name(&person);
    render(&ListPage {
        layout: Layout::for_user(&format!("Pathway plans for {name}"), &user, "/caseload"),
        person_id: person.id.clone(),
        person_name: name,
        start_label,
        rows: versions
            .into_iter()
            .map(|p| VersionRow {
                status: plans::status_label(&p.status),
                started: fmt(p.started_on),
                approved: p.approved_on.map(fmt).unwrap_or_default(),
                id: p.id,
                version_no: p.version_no,
            })
            .collect(),
    })
}

pub async fn start(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let p = plans::start(&state, &user, &id, &meta).await?;
    Ok(Redirect::to(&format!("/plans/{}", p.id)))
}

pub struct CompareRow {
    pub label: String,
    pub a: String,
    pub b: String,
    pub changed: bool,
}

#[derive(Template)]
#[template(path = "plans/compare.html")]
struct ComparePage {
    layout: Layout,
    person_id: String,
    person_name: String,
    a_no: i32,
    b_no: i32,
    changed: usize,
    rows: Vec<CompareRow>,
}

#[derive(Deserialize)]
pub struct CompareQuery {
    a: String,
    b: String,
}

/// Lines up two flattened versions by label.
pub fn compare_rows(a: &PlanContent, b: &PlanContent) -> Vec<CompareRow> {
    let fa = plan::flatten(a);
    let fb = plan::flatten(b);
    let mut labels: Vec<String> = vec![];
    let mut seen = BTreeSet::new();
    for (l, _) in fa.iter().chain(fb.iter()) {
        if seen.insert(l.clone()) {
            labels.push(l.clone());
        }
    }
    labels
        .into_iter()
        .map(|l| {
            let va = fa
                .iter()
                .find(|(k, _)| *k == l)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let vb = fb
                .iter()
                .find(|(k, _)| *k == l)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            CompareRow {
                changed: va != vb,
                label: l,
                a: va,
                b: vb,
            }
        })
        .collect()
}

pub async fn compare(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Result<Html<String>, AppError> {
    let (a, b) = plans::compare(&state, &user, &q.a, &q.b, &meta).await?;
    if a.person.id != id {
        return Err(AppError::NotFound);
    }
    let rows = compare_rows(&a.content, &b.content);
    let name = display_name(&a.person);
    render(&ComparePage {
        layout: Layout::for_user("Compare plan versions", &user, "/caseload"),
        person_id: a.person.id.clone(),
        person_name: name,
        a_no: a.plan.version_no,
        b_no: b.plan.version_no,
        changed: rows.iter().filter(|r| r.changed).count(),
        rows,
    })
}
