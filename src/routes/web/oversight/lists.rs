//! The drill-down lists behind "My team": overdue milestones, plans waiting for approval and
//! open audit actions.

use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use super::{ListPage, cell, fmt, link};
use crate::auth::WebUser;
use crate::error::AppError;
use crate::routes::web::render;
use crate::services::{oversight, team, users};
use crate::state::AppState;
use crate::views::Layout;

#[derive(Deserialize, Default)]
pub struct AdviserFilter {
    adviser: Option<String>,
}

pub async fn team_overdue(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Query(q): Query<AdviserFilter>,
) -> Result<Html<String>, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let names = users::names(&state).await?;
    let items = team::overdue(&state, &user).await?;
    render(&ListPage {
        layout: Layout::for_user("Overdue milestones", &user, "/team"),
        heading: "Overdue milestones".into(),
        intro: None,
        back: "/team".into(),
        headers: vec![
            "Young person",
            "Personal adviser",
            "Milestone",
            "Was due",
            "Escalated",
        ],
        rows: items
            .into_iter()
            .filter(|i| {
                q.adviser
                    .as_ref()
                    .is_none_or(|a| i.adviser_id.as_ref() == Some(a))
            })
            .map(|i| {
                vec![
                    link(
                        i.young_person.clone(),
                        format!("/young-people/{}#milestone-{}", i.young_person_id, i.code),
                    ),
                    cell(
                        i.adviser_id
                            .as_ref()
                            .and_then(|a| names.get(a).cloned())
                            .unwrap_or_default(),
                    ),
                    cell(i.title.clone()),
                    cell(fmt(i.due)),
                    cell(if i.escalated { "Yes" } else { "No" }),
                ]
            })
            .collect(),
        empty: "Nothing is overdue.",
        links: vec![],
    })
}

pub async fn team_approvals(
    State(state): State<AppState>,
    WebUser(user): WebUser,
) -> Result<Html<String>, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let items = team::awaiting_approval(&state, &user).await?;
    render(&ListPage {
        layout: Layout::for_user("Plans waiting for approval", &user, "/team"),
        heading: "Plans waiting for approval".into(),
        intro: None,
        back: "/team".into(),
        headers: vec!["Young person", "Version", "Submitted"],
        rows: items
            .into_iter()
            .map(|i| {
                vec![
                    link(i.young_person.clone(), format!("/plans/{}", i.plan_id)),
                    cell(i.version_no.to_string()),
                    cell(i.submitted_on.map(fmt).unwrap_or_default()),
                ]
            })
            .collect(),
        empty: "No plans are waiting for approval.",
        links: vec![],
    })
}

pub async fn team_actions(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Query(q): Query<AdviserFilter>,
) -> Result<Html<String>, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let names = users::names(&state).await?;
    let mut owners: Vec<String> = team::members(&state, &user)
        .await?
        .into_iter()
        .map(|(u, _)| u.id)
        .collect();
    owners.push(user.id().to_string());
    if let Some(a) = &q.adviser {
        owners.retain(|o| o == a);
    }
    let today = state.clock.today();
    let actions = oversight::open_actions_for(&state, &owners).await?;
    render(&ListPage {
        layout: Layout::for_user("Audit actions open", &user, "/team"),
        heading: "Audit actions open".into(),
        intro: None,
        back: "/team".into(),
        headers: vec!["Action", "Owner", "Due", "Overdue"],
        rows: actions
            .into_iter()
            .map(|a| {
                vec![
                    link(a.text.clone(), format!("/audits/{}", a.audit_id)),
                    cell(names.get(&a.owner_id).cloned().unwrap_or_default()),
                    cell(fmt(a.due)),
                    cell(if a.due < today { "Yes" } else { "No" }),
                ]
            })
            .collect(),
        empty: "No audit actions are open.",
        links: vec![],
    })
}
