//! The young person's copy of their plan, in plain English and ready to print.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use super::fmt;
use crate::auth::WebUser;
use crate::domain::plan::{self, ACTION_STATUSES, AccommodationPlan, PlanContent, TOLD_ABOUT};
use crate::error::AppError;
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::plans::{self, Loaded};
use crate::state::AppState;

/// An action's progress in plain words ("in progress"), or nothing when not set.
fn status_words(status: &str) -> String {
    ACTION_STATUSES
        .iter()
        .find(|(c, _)| *c == status)
        .map(|(_, l)| l.to_lowercase())
        .unwrap_or_default()
}

/// Goals with their actions (what, who, by when, how far), for the copy and the whole plan;
/// `no_date` stands where an action has no date.
pub(super) fn copy_goals(goals: &[plan::Goal], no_date: &str) -> Vec<CopyGoal> {
    goals
        .iter()
        .map(|g| CopyGoal {
            text: g.text.clone(),
            actions: g
                .actions
                .iter()
                .map(|a| CopyAction {
                    what: a.what.clone(),
                    who: a.who.clone(),
                    by: a.by_when.map(fmt).unwrap_or_else(|| no_date.into()),
                    status: status_words(&a.status),
                })
                .collect(),
        })
        .collect()
}

pub struct CopyAction {
    pub what: String,
    pub who: String,
    pub by: String,
    pub status: String,
}

pub struct CopyGoal {
    pub text: String,
    pub actions: Vec<CopyAction>,
}

pub struct CopySection {
    pub title: String,
    pub in_my_words: String,
    pub going_well: String,
    pub worries: String,
    pub goals: Vec<CopyGoal>,
}

#[derive(Template)]
#[template(path = "plans/copy.html")]
struct CopyPage {
    name: String,
    version_no: i32,
    approved_on: Option<String>,
    adviser: String,
    sections: Vec<CopySection>,
    risks: Vec<(String, String, String, String)>,
    contingency: String,
    accommodation: String,
    next_steps: String,
    told: Vec<String>,
    agreement: String,
    agreement_words: String,
    next_review: String,
}

/// A print-ready copy in plain English for the young person: their words, goals, actions, Plan B,
/// and what they have been told. No staff-only content: no assessment analysis, no multi-agency
/// meetings, no management decisions.
pub async fn copy(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let loaded = plans::get(&state, &user, &id, &meta).await?;
    let adviser = match &loaded.person.adviser_id {
        Some(a) => crate::services::users::name_of(&state, a)
            .await?
            .unwrap_or_default(),
        None => "not allocated yet".into(),
    };
    render(&copy_page(&loaded, adviser))
}

fn copy_page(loaded: &Loaded, adviser: String) -> CopyPage {
    let c = &loaded.content;
    CopyPage {
        name: loaded
            .person
            .preferred_name
            .clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| loaded.person.given_name.clone())
            + " "
            + &loaded.person.family_name,
        version_no: loaded.plan.version_no,
        approved_on: loaded.plan.approved_on.map(fmt),
        adviser,
        sections: copy_sections(c),
        risks: c
            .risks
            .iter()
            .map(|r| {
                (
                    r.description.clone(),
                    r.plan_b_trigger.clone(),
                    r.plan_b_response.clone(),
                    r.plan_b_owner.clone(),
                )
            })
            .collect(),
        contingency: c.contingency.clone(),
        accommodation: c.accommodation.description.clone(),
        next_steps: next_steps(&c.accommodation),
        told: told(c),
        agreement: match c.agreement.agrees {
            Some(true) => "I agree with my plan.".into(),
            Some(false) => "I do not agree with all of my plan.".into(),
            None => "Not recorded yet.".into(),
        },
        agreement_words: c.agreement.in_their_words.clone(),
        next_review: c
            .next_review
            .map(fmt)
            .unwrap_or_else(|| "to be agreed".into()),
    }
}

fn copy_sections(c: &PlanContent) -> Vec<CopySection> {
    c.sections
        .iter()
        .map(|s| CopySection {
            title: plan::section_title(&s.code).unwrap_or("").into(),
            in_my_words: s.in_my_words.clone(),
            going_well: s.going_well.clone(),
            worries: s.worries.clone(),
            goals: copy_goals(&s.goals, "a date to agree"),
        })
        .collect()
}

/// What happens next with the accommodation, and by when: for the copy and the whole plan.
pub(super) fn next_steps(a: &AccommodationPlan) -> String {
    format!(
        "{} {}",
        a.next_steps,
        a.next_steps_by
            .map(|d| format!("by {}", fmt(d)))
            .unwrap_or_default()
    )
    .trim()
    .to_string()
}

/// What the young person has been told about, when and by whom (only what is recorded).
fn told(c: &PlanContent) -> Vec<String> {
    c.told_about
        .iter()
        .filter_map(|t| {
            let label = TOLD_ABOUT.iter().find(|(x, _, _)| *x == t.topic)?.1;
            t.date
                .map(|d| format!("{label}, on {} by {}", fmt(d), t.by))
        })
        .collect()
}
