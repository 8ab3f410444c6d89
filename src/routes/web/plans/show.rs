//! The plan page with its live checklist, and the decisions taken on it: submitting, and a
//! manager's approval or return.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::whole::{WholePlan, whole_plan};
use crate::auth::{CurrentUser, WebUser};
use crate::domain::plan::{self, CheckResult, PlanContent, TOLD_ABOUT};
use crate::error::{AppError, FieldError};
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::plans::{self, Loaded};
use crate::services::young_people::display_name;
use crate::state::AppState;
use crate::views::Layout;

pub struct PartRow {
    pub code: String,
    pub title: String,
    pub voice: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "plans/show.html")]
struct ShowPage {
    layout: Layout,
    plan_id: String,
    person_id: String,
    person_name: String,
    version_no: i32,
    status_label: &'static str,
    status_tag: &'static str,
    decided: Option<String>,
    decision: Option<String>,
    decision_heading: &'static str,
    rows: Vec<PartRow>,
    editable: bool,
    can_decide: bool,
    /// The whole plan as staff see it, shown above the decision form.
    whole: Option<WholePlan>,
    checks: Vec<CheckResult>,
    passed: usize,
    previous_id: Option<String>,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

fn part_rows(c: &PlanContent) -> Vec<PartRow> {
    let mut rows: Vec<PartRow> = c
        .sections
        .iter()
        .map(|s| {
            let actions: usize = s.goals.iter().map(|g| g.actions.len()).sum();
            PartRow {
                code: s.code.clone(),
                title: plan::section_title(&s.code).unwrap_or("").into(),
                voice: if !s.in_my_words.trim().is_empty() {
                    "Yes".into()
                } else if !s.no_voice_reason.trim().is_empty() {
                    "No, reason recorded".into()
                } else {
                    "Not yet".into()
                },
                summary: format!(
                    "{}, {}",
                    crate::views::count(s.goals.len() as i64, "goal", "goals"),
                    crate::views::count(actions as i64, "action", "actions")
                ),
            }
        })
        .collect();
    let done = |b: bool| {
        if b {
            "Recorded".to_string()
        } else {
            "Not yet".to_string()
        }
    };
    rows.push(PartRow {
        code: "assessment".into(),
        title: "Needs assessment".into(),
        voice: String::new(),
        summary: done(c.assessment.completed_on.is_some()),
    });
    rows.push(PartRow {
        code: "risks".into(),
        title: "Risks, Plan B and contingency".into(),
        voice: String::new(),
        summary: crate::views::count(c.risks.len() as i64, "risk", "risks"),
    });
    rows.push(PartRow {
        code: "accommodation".into(),
        title: "Accommodation suitability".into(),
        voice: String::new(),
        summary: done(!c.accommodation.description.is_empty()),
    });
    rows.push(PartRow {
        code: "rights".into(),
        title: "I have been told about".into(),
        voice: String::new(),
        summary: format!(
            "{} of {} recorded",
            c.told_about.iter().filter(|t| t.date.is_some()).count(),
            TOLD_ABOUT.len()
        ),
    });
    rows.push(PartRow {
        code: "meetings".into(),
        title: "Multi-agency meetings".into(),
        voice: String::new(),
        summary: crate::views::count(c.meetings.len() as i64, "meeting", "meetings"),
    });
    rows.push(PartRow {
        code: "agreement".into(),
        title: "Agreement and next review".into(),
        voice: String::new(),
        summary: done(c.agreement.agrees.is_some()),
    });
    rows
}

async fn show_page(
    state: &AppState,
    user: &CurrentUser,
    loaded: &Loaded,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let checks = plans::checks(state, loaded).await?;
    let p = &loaded.plan;
    let name = display_name(&loaded.person);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ShowPage {
        layout: Layout::for_user(&format!("Pathway plan for {name}"), user, "/caseload"),
        plan_id: p.id.clone(),
        person_id: loaded.person.id.clone(),
        person_name: name,
        version_no: p.version_no,
        status_label: plans::status_label(&p.status),
        status_tag: match p.status.as_str() {
            "approved" => "app-tag--green",
            "returned" => "app-tag--red",
            "submitted" => "app-tag--yellow",
            _ => "app-tag--grey",
        },
        decided: p
            .decided_at
            .map(|d| format!("Decided on {}", crate::views::date(d.date_naive()))),
        decision: p.decision.clone(),
        decision_heading: if p.status == "returned" {
            "What needs to change"
        } else {
            "Why it was approved"
        },
        rows: part_rows(&loaded.content),
        editable: loaded.editable(),
        can_decide: p.status == "submitted" && user.role.is_manager(),
        whole: (p.status == "submitted" && user.role.is_manager())
            .then(|| whole_plan(&loaded.content, &loaded.person.given_name)),
        passed: checks.iter().filter(|c| c.passed).count(),
        checks,
        previous_id: p.previous_plan_id.clone(),
        errors,
        notice,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let loaded = plans::get(&state, &user, &id, &meta).await?;
    let notice = match q.done.as_deref() {
        Some("saved") => Some("Your changes were saved as a draft.".to_string()),
        Some("submitted") => Some("The plan was submitted for approval.".into()),
        Some("approved") => Some("The plan was approved and the timeline updated.".into()),
        Some("returned") => Some("The plan was returned for changes.".into()),
        _ => None,
    };
    show_page(&state, &user, &loaded, vec![], notice).await
}

pub async fn submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match plans::submit(&state, &user, &id, &meta).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?done=submitted")).into_response()),
        Err(AppError::Validation(errs)) => {
            let loaded = plans::get(&state, &user, &id, &meta).await?;
            // Each reason links to the check in the checklist.
            let errs = errs
                .into_iter()
                .map(|e| FieldError::new(format!("check-{}", e.field), e.message))
                .collect();
            show_page(&state, &user, &loaded, errs, None).await
        }
        Err(e) => Err(e),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(f): Form<plans::Decision>,
) -> Result<Response, AppError> {
    let result = plans::approve(&state, &user, &id, &f, &meta).await;
    decided(&state, &user, &id, &meta, result, "approved").await
}

pub async fn return_plan(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(f): Form<plans::Decision>,
) -> Result<Response, AppError> {
    let result = plans::return_for_changes(&state, &user, &id, &f, &meta).await;
    decided(&state, &user, &id, &meta, result, "returned").await
}

/// After a manager's decision: back to the plan saying what was done, or the plan page again
/// with what needs fixing.
async fn decided<T>(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    meta: &RequestMeta,
    result: Result<T, AppError>,
    done: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?done={done}")).into_response()),
        Err(AppError::Validation(errs)) => {
            let loaded = plans::get(state, user, id, meta).await?;
            show_page(state, user, &loaded, errs, None).await
        }
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}
