//! The landing pages: "My caseload" for advisers, "My team" for managers.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::render;
use crate::auth::extract::MaybeWebUser;
use crate::auth::{Role, WebUser};
use crate::error::AppError;
use crate::services::{team, young_people};
use crate::state::AppState;
use crate::views::Layout;

pub async fn index(MaybeWebUser(user): MaybeWebUser) -> Response {
    let to = match user {
        None => "/login",
        Some(u) if u.role.is_manager() => "/team",
        Some(u) if u.role == Role::Adviser => "/caseload",
        Some(u) if u.user.is_admin => "/admin/users",
        Some(_) => "/caseload",
    };
    Redirect::to(to).into_response()
}

pub struct CaseloadRow {
    pub id: String,
    pub adviser_id: Option<String>,
    pub name: String,
    pub age: u32,
    pub status: String,
    pub adviser: String,
    pub overdue: i32,
    pub next_due: String,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    layout: Layout,
    heading: String,
    rows: Vec<CaseloadRow>,
    supervision: Option<crate::services::oversight::SupervisionStatus>,
    user_id: String,
}

#[derive(serde::Deserialize, Default)]
pub struct CaseloadQuery {
    adviser: Option<String>,
}

pub async fn caseload(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    axum::extract::Query(q): axum::extract::Query<CaseloadQuery>,
) -> Result<Html<String>, AppError> {
    let mut rows = young_people::caseload(&state, &user).await?;
    if let Some(a) = q.adviser.as_deref().filter(|a| !a.is_empty()) {
        rows.retain(|r| r.adviser_id.as_deref() == Some(a));
    }
    let supervision = if user.role == Role::Adviser {
        Some(crate::services::oversight::supervision_status_of(&state, &user.user).await?)
    } else {
        None
    };
    let heading = if user.role == Role::Adviser {
        "My caseload"
    } else {
        "Young people"
    };
    render(&CaseloadPage {
        layout: Layout::for_user(heading, &user, "/caseload"),
        heading: heading.into(),
        rows,
        supervision,
        user_id: user.id().to_string(),
    })
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    rows: Vec<team::AdviserSummary>,
    overdue_total: i64,
    approvals_total: usize,
    actions_total: usize,
}

pub async fn team(
    State(state): State<AppState>,
    WebUser(user): WebUser,
) -> Result<Html<String>, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let team::TeamOverview {
        rows,
        awaiting_approval,
    } = team::overview(&state, &user).await?;
    render(&TeamPage {
        layout: Layout::for_user("My team", &user, "/team"),
        overdue_total: rows.iter().map(|r| r.overdue).sum(),
        approvals_total: awaiting_approval,
        actions_total: rows.iter().map(|r| r.audit_actions_open).sum(),
        rows,
    })
}
