//! The landing pages: "My caseload" for advisers, "My team" for managers.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::render;
use crate::auth::extract::MaybeWebUser;
use crate::auth::{Role, WebUser};
use crate::error::AppError;
use crate::services::young_people::CaseloadRow;
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

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    layout: Layout,
    heading: String,
    rows: Vec<CaseloadRow>,
    supervision: Option<crate::services::oversight::SupervisionStatus>,
    user_id: String,
    adviser_late_only: bool,
    how_many: String,
}

#[derive(serde::Deserialize, Default)]
pub struct CaseloadQuery {
    adviser: Option<String>,
    /// Only the young people whose personal adviser was allocated after the due date.
    adviser_late: Option<String>,
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
    let adviser_late_only = q.adviser_late.as_deref().is_some_and(|v| !v.is_empty());
    if adviser_late_only {
        rows.retain(|r| !r.adviser_late.is_empty());
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
        how_many: crate::views::count(rows.len() as i64, "young person", "young people"),
        rows,
        supervision,
        user_id: user.id().to_string(),
        adviser_late_only,
    })
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    notice: Option<String>,
    rows: Vec<team::AdviserSummary>,
    overdue_total: i64,
    approvals_total: usize,
    actions_total: usize,
    many_teams: bool,
    awaiting: Vec<AwaitingRow>,
    awaiting_total: u64,
    awaiting_page: u64,
    awaiting_pages: u64,
}

/// One young person waiting for a personal adviser, as the team page shows them.
struct AwaitingRow {
    id: String,
    name: String,
    local_id: String,
    age: u32,
    team: String,
    waiting: String,
    added_on: String,
    due: String,
    state: String,
    choices: Vec<(String, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct TeamQuery {
    waiting_page: Option<u64>,
    allocated: Option<String>,
}

pub async fn team(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    axum::extract::Query(q): axum::extract::Query<TeamQuery>,
) -> Result<Html<String>, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let team::TeamOverview {
        rows,
        teams,
        awaiting_approval,
        overdue,
    } = team::overview(&state, &user).await?;
    let waiting = team::awaiting_allocation(&state, &user, q.waiting_page.unwrap_or(1)).await?;
    let team_ids: Vec<String> = waiting
        .items
        .iter()
        .filter_map(|a| a.team_id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let choices = team::allocation_choices(&state, &teams, &team_ids).await?;
    let many_teams = teams.len() > 1;
    // After an allocation from this list: who went to whom (read in the caller's scope).
    let notice = match q.allocated.as_deref() {
        Some(id) => match young_people::in_scope(&state, &user, id).await {
            Ok(p) => Some(match &p.adviser_id {
                Some(a) => format!(
                    "{} is allocated to {}.",
                    young_people::display_name(&p),
                    crate::services::users::name_of(&state, a)
                        .await?
                        .unwrap_or_default()
                ),
                None => format!("{} is still waiting.", young_people::display_name(&p)),
            }),
            Err(_) => None,
        },
        None => None,
    };
    let awaiting = waiting
        .items
        .iter()
        .map(|a| AwaitingRow {
            id: a.young_person_id.clone(),
            name: a.young_person.clone(),
            local_id: a.local_id.clone(),
            age: a.age,
            team: a.team.clone().unwrap_or_default(),
            waiting: crate::views::count(a.days_waiting, "day", "days"),
            added_on: crate::views::date(a.added_on),
            due: a.adviser_due.map(crate::views::date).unwrap_or_default(),
            state: a.adviser_due_state.clone().unwrap_or_default(),
            choices: a
                .team_id
                .as_ref()
                .and_then(|t| choices.get(t).cloned())
                .unwrap_or_default(),
        })
        .collect();
    render(&TeamPage {
        layout: Layout::for_user("My team", &user, "/team"),
        notice,
        overdue_total: overdue,
        approvals_total: awaiting_approval,
        actions_total: rows.iter().map(|r| r.audit_actions_open).sum(),
        rows,
        many_teams,
        awaiting,
        awaiting_total: waiting.total,
        awaiting_page: waiting.page,
        awaiting_pages: waiting.total.div_ceil(waiting.per_page).max(1),
    })
}
