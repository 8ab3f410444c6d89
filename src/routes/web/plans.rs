//! Pathway plan pages: the list of versions, the plan with its live checklist, editing part by
//! part, submission, a manager's decision, comparison, and the young person's copy.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::forms::{self, Field, date_field as date, fill, get as value};
use super::render;
use crate::auth::{CurrentUser, WebUser};
use crate::domain::plan::{
    self, ACCOMMODATION_FACTORS, ACTION_STATUSES, Action, Agreement, Assessment, CheckResult, Goal,
    LEVELS, MEETING_KINDS, Meeting, MeetingAction, PlanContent, Risk, SECTIONS, Section,
    TOLD_ABOUT, ToldAbout,
};
use crate::error::{AppError, FieldError};
use crate::services::audit::RequestMeta;
use crate::services::plans::{self, Loaded, Part};
use crate::services::young_people::display_name;
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/young-people/{id}/plans", get(list).post(start))
        .route("/young-people/{id}/plans/compare", get(compare))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/edit/{part}", get(edit).post(save))
        .route("/plans/{id}/submit", post(submit))
        .route("/plans/{id}/approve", post(approve))
        .route("/plans/{id}/return", post(return_plan))
        .route("/plans/{id}/copy", get(copy))
}

type Values = Vec<(String, String)>;

fn fmt(d: chrono::NaiveDate) -> String {
    crate::views::date(d)
}

fn opt_fmt(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Every editable part: (code, title).
fn parts() -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(c, t, _)| ((*c).into(), (*t).into()))
        .collect();
    p.push(("assessment".into(), "Needs assessment".into()));
    p.push(("risks".into(), "Risks, Plan B and contingency".into()));
    p.push(("accommodation".into(), "Accommodation suitability".into()));
    p.push(("rights".into(), "I have been told about".into()));
    p.push(("meetings".into(), "Multi-agency meetings".into()));
    p.push(("agreement".into(), "Agreement and next review".into()));
    p
}

// ----- list, start, compare -----------------------------------------------------------------

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

// ----- the plan page ------------------------------------------------------------------------

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
        summary: format!("{} meetings", c.meetings.len()),
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
    match plans::approve(&state, &user, &id, &f, &meta).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?done=approved")).into_response()),
        Err(AppError::Validation(errs)) => {
            let loaded = plans::get(&state, &user, &id, &meta).await?;
            show_page(&state, &user, &loaded, errs, None).await
        }
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

pub async fn return_plan(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(f): Form<plans::Decision>,
) -> Result<Response, AppError> {
    match plans::return_for_changes(&state, &user, &id, &f, &meta).await {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{id}?done=returned")).into_response()),
        Err(AppError::Validation(errs)) => {
            let loaded = plans::get(&state, &user, &id, &meta).await?;
            show_page(&state, &user, &loaded, errs, None).await
        }
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

// ----- editing a part -----------------------------------------------------------------------

pub struct Group {
    pub legend: String,
    pub hint: Option<String>,
    pub fields: Vec<Field>,
}

impl Group {
    fn plain(fields: Vec<Field>) -> Self {
        Group {
            legend: String::new(),
            hint: None,
            fields,
        }
    }
}

pub struct ConflictView {
    pub message: String,
    pub by: String,
    pub rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "plans/edit.html")]
struct EditPage {
    layout: Layout,
    plan_id: String,
    person_name: String,
    version_no: i32,
    part: String,
    heading: String,
    intro: Option<String>,
    lock_version: i32,
    groups: Vec<Group>,
    errors: Vec<FieldError>,
    checks: Vec<CheckResult>,
    passed: usize,
    editable: bool,
    parts: Vec<(String, String)>,
    conflict: Option<ConflictView>,
}

fn choices(
    list: &[(&'static str, &'static str)],
    blank: &'static str,
) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("", blank)];
    v.extend(list.iter().copied());
    v
}

/// The fields of a part, filled from the stored content (plus blank rows to add to lists).
fn part_groups(
    part: &str,
    c: &PlanContent,
    marac_visible: bool,
) -> Option<(String, Option<String>, Vec<Group>)> {
    if let Some(s) = c.section(part) {
        let (_, title, about) = SECTIONS.iter().find(|(code, _, _)| *code == part)?;
        let mut groups = vec![Group {
            legend: "In my words".into(),
            hint: Some("Write what the young person says, in their words. If they did not want to, or could not, say why.".into()),
            fields: vec![
                Field::new("in_my_words", "In my words", "textarea").value(s.in_my_words.clone()),
                Field::new("no_voice_reason", "If not in their words, why not", "textarea").value(s.no_voice_reason.clone()),
            ],
        }];
        groups.push(Group::plain(vec![
            Field::new("going_well", "What is going well", "textarea").value(s.going_well.clone()),
            Field::new("worries", "Worries", "textarea").value(s.worries.clone()),
        ]));
        let mut goals = s.goals.clone();
        goals.push(Goal::default());
        for (gi, g) in goals.iter().enumerate() {
            let mut fields = vec![
                Field::new(&format!("goal_{gi}_text"), "Goal", "textarea").value(g.text.clone()),
            ];
            let mut actions = g.actions.clone();
            actions.push(Action::default());
            actions.push(Action::default());
            for (ai, a) in actions.iter().enumerate() {
                let n = ai + 1;
                fields.push(
                    Field::new(
                        &format!("act_{gi}_{ai}_what"),
                        &format!("Action {n}: what will be done"),
                        "text",
                    )
                    .value(a.what.clone()),
                );
                fields.push(
                    Field::new(
                        &format!("act_{gi}_{ai}_who"),
                        &format!("Action {n}: who (a person or an agency)"),
                        "text",
                    )
                    .value(a.who.clone()),
                );
                fields.push(
                    date(
                        &format!("act_{gi}_{ai}_by"),
                        &format!("Action {n}: by when"),
                    )
                    .value(opt_fmt(a.by_when)),
                );
                fields.push(
                    Field::new(
                        &format!("act_{gi}_{ai}_status"),
                        &format!("Action {n}: status"),
                        "select",
                    )
                    .choices(ACTION_STATUSES.iter().copied())
                    .value(if a.status.is_empty() {
                        "not_started".to_string()
                    } else {
                        a.status.clone()
                    }),
                );
                fields.push(
                    date(
                        &format!("act_{gi}_{ai}_done"),
                        &format!("Action {n}: completed on"),
                    )
                    .value(opt_fmt(a.completed_on)),
                );
            }
            groups.push(Group {
                legend: if g.text.is_empty() && gi == s.goals.len() { "Add a goal".into() } else { format!("Goal {}", gi + 1) },
                hint: Some("Each goal needs at least one action saying what, who and by when. Blank rows are ignored.".into()),
                fields,
            });
        }
        groups.push(Group::plain(vec![
            Field::new(
                "others_views",
                "Views of others (carer, family, professionals)",
                "textarea",
            )
            .value(s.others_views.clone()),
        ]));
        return Some(((*title).into(), Some((*about).into()), groups));
    }
    Some(match part {
        "assessment" => {
            let a = &c.assessment;
            ("Needs assessment".into(), Some("CPPCR 2010 reg 42: the assessment's completion date updates the timeline when the plan is approved.".into()), vec![Group::plain(vec![
                Field::new("history", "History", "textarea").value(a.history.clone()).hint("The young person's history, including their care history"),
                Field::new("family_views", "Views of family and carers", "textarea").value(a.family_views.clone()),
                Field::new("risk_analysis", "Analysis of risk", "textarea").value(a.risk_analysis.clone()),
                date("completed_on", "Date completed").value(opt_fmt(a.completed_on)),
            ])])
        }
        "risks" => {
            let mut risks = c.risks.clone();
            risks.push(Risk::default());
            let mut groups: Vec<Group> = risks
                .iter()
                .enumerate()
                .map(|(i, r)| Group {
                    legend: if i == c.risks.len() {
                        "Add a risk".into()
                    } else {
                        format!("Risk {}", i + 1)
                    },
                    hint: None,
                    fields: vec![
                        Field::new(&format!("risk_{i}_description"), "The risk", "textarea")
                            .value(r.description.clone()),
                        Field::new(&format!("risk_{i}_likelihood"), "Likelihood", "select")
                            .choices(choices(LEVELS, "Not assessed"))
                            .value(r.likelihood.clone()),
                        Field::new(&format!("risk_{i}_impact"), "Impact", "select")
                            .choices(choices(LEVELS, "Not assessed"))
                            .value(r.impact.clone()),
                        Field::new(
                            &format!("risk_{i}_protective_factors"),
                            "Protective factors",
                            "textarea",
                        )
                        .value(r.protective_factors.clone()),
                        Field::new(&format!("risk_{i}_mitigation"), "Mitigation", "textarea")
                            .value(r.mitigation.clone()),
                        Field::new(
                            &format!("risk_{i}_plan_b_trigger"),
                            "Plan B: what would tell us this is happening",
                            "textarea",
                        )
                        .value(r.plan_b_trigger.clone()),
                        Field::new(
                            &format!("risk_{i}_plan_b_response"),
                            "Plan B: what we will do",
                            "textarea",
                        )
                        .value(r.plan_b_response.clone()),
                        Field::new(
                            &format!("risk_{i}_plan_b_owner"),
                            "Plan B: who will do it",
                            "text",
                        )
                        .value(r.plan_b_owner.clone()),
                    ],
                })
                .collect();
            groups.push(Group::plain(vec![
                Field::new(
                    "contingency",
                    "Overall contingency: what happens if the plan stops working",
                    "textarea",
                )
                .value(c.contingency.clone()),
            ]));
            ("Risks, Plan B and contingency".into(), Some("CLR 2010 Schedule 1 para 4: contingency plans should the pathway plan cease to be effective.".into()), groups)
        }
        "accommodation" => {
            let a = &c.accommodation;
            let mut fields = vec![
                Field::new(
                    "description",
                    "Where the young person lives or will live",
                    "textarea",
                )
                .value(a.description.clone()),
            ];
            for (code, label) in ACCOMMODATION_FACTORS {
                fields.push(
                    Field::new(&format!("factor_{code}"), label, "select")
                        .choices([("", "Not assessed"), ("met", "Met"), ("not_met", "Not met")])
                        .value(a.factors.get(*code).cloned().unwrap_or_default()),
                );
            }
            fields.push(
                Field::new("temporary", "This is temporary accommodation", "checkbox")
                    .value(if a.temporary { "true" } else { "" }),
            );
            fields.push(
                Field::new("next_steps", "What happens next", "textarea")
                    .value(a.next_steps.clone()),
            );
            fields.push(date("next_steps_by", "By when").value(opt_fmt(a.next_steps_by)));
            (
                "Accommodation suitability".into(),
                Some("Assess every factor in CLR 2010 Schedule 2.".into()),
                vec![Group::plain(fields)],
            )
        }
        "rights" => {
            let groups = TOLD_ABOUT
                .iter()
                .map(|(topic, label, required)| {
                    let t = c
                        .told_about
                        .iter()
                        .find(|t| t.topic == *topic)
                        .cloned()
                        .unwrap_or_default();
                    Group {
                        legend: (*label).into(),
                        hint: (!required).then(|| "Recommended".to_string()),
                        fields: vec![
                            date(&format!("told_{topic}_date"), "Date they were told")
                                .value(opt_fmt(t.date)),
                            Field::new(&format!("told_{topic}_by"), "Who told them", "text")
                                .value(t.by.clone()),
                        ],
                    }
                })
                .collect();
            (
                "I have been told about".into(),
                Some("CSWA 2017 s.2: the Local Offer. Record when and by whom.".into()),
                groups,
            )
        }
        "meetings" => {
            let mut meetings: Vec<Meeting> = c
                .meetings
                .iter()
                .filter(|m| marac_visible || m.kind != "marac")
                .cloned()
                .collect();
            let existing = meetings.len();
            meetings.push(Meeting::default());
            let groups = meetings
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let mut fields = vec![
                        Field::new(&format!("meeting_{i}_kind"), "Kind of meeting", "select")
                            .choices(choices(MEETING_KINDS, "Choose"))
                            .value(m.kind.clone()),
                        date(&format!("meeting_{i}_date"), "Date").value(opt_fmt(m.date)),
                        Field::new(&format!("meeting_{i}_outcomes"), "Outcomes", "textarea")
                            .value(m.outcomes.clone()),
                    ];
                    let mut actions = m.actions.clone();
                    actions.push(MeetingAction::default());
                    actions.push(MeetingAction::default());
                    for (ai, a) in actions.iter().enumerate() {
                        let n = ai + 1;
                        fields.push(
                            Field::new(
                                &format!("meeting_{i}_{ai}_text"),
                                &format!("Action {n}"),
                                "text",
                            )
                            .value(a.text.clone()),
                        );
                        fields.push(
                            Field::new(
                                &format!("meeting_{i}_{ai}_decision"),
                                &format!("Action {n}: taken into the plan?"),
                                "select",
                            )
                            .choices([
                                ("pending", "Not decided yet"),
                                ("incorporated", "Incorporated into the plan"),
                                ("declined", "Declined"),
                            ])
                            .value(if a.decision.is_empty() {
                                "pending".to_string()
                            } else {
                                a.decision.clone()
                            }),
                        );
                        fields.push(
                            Field::new(
                                &format!("meeting_{i}_{ai}_reason"),
                                &format!("Action {n}: reason for declining"),
                                "text",
                            )
                            .value(a.reason.clone()),
                        );
                    }
                    Group {
                        legend: if i == existing {
                            "Add a meeting".into()
                        } else {
                            format!("Meeting {}", i + 1)
                        },
                        hint: None,
                        fields,
                    }
                })
                .collect();
            ("Multi-agency meetings".into(), Some("MARAC, VARP and exploitation strategy meetings since the last plan. MARAC content is seen only by the allocated adviser and managers.".into()), groups)
        }
        "agreement" => {
            let a = &c.agreement;
            ("Agreement and next review".into(), Some("CLR 2010 reg 4: the young person's views recorded in writing, and a copy of the plan given to them.".into()), vec![Group::plain(vec![
                Field::new("agrees", "Does the young person agree with the plan?", "select").choices([("", "Not recorded yet"), ("yes", "Yes, they agree"), ("no", "No, they disagree")]).value(match a.agrees { Some(true) => "yes", Some(false) => "no", None => "" }),
                Field::new("in_their_words", "In their words", "textarea").value(a.in_their_words.clone()),
                date("copy_given_on", "Date they were given a copy").value(opt_fmt(a.copy_given_on)),
                date("next_review", "Date of the next review").value(opt_fmt(c.next_review)).hint("Within 6 months, or 3 months for a relevant child in accommodation the authority provides. For example, 2026-03-27"),
            ])])
        }
        _ => return None,
    })
}

/// Row indices present in the form for keys like `{prefix}{i}_...`.
fn indices(values: &Values, prefix: &str) -> Vec<usize> {
    let mut out = BTreeSet::new();
    for (k, _) in values {
        if let Some(rest) = k.strip_prefix(prefix)
            && let Some((n, _)) = rest.split_once('_')
            && let Ok(i) = n.parse::<usize>()
            && i < 100
        {
            out.insert(i);
        }
    }
    out.into_iter().collect()
}

fn text(values: &Values, name: &str) -> String {
    value(values, name).trim().to_string()
}

/// Reads a part from the submitted form. Blank rows are dropped; unreadable dates are errors.
fn part_from(part: &str, values: &Values, errors: &mut Vec<FieldError>) -> Option<Part> {
    let date = |name: &str, errors: &mut Vec<FieldError>| {
        forms::optional_date(values, name, "date", errors)
    };
    if SECTIONS.iter().any(|(c, _, _)| *c == part) {
        let mut goals = vec![];
        for gi in indices(values, "goal_") {
            let mut actions = vec![];
            for ai in indices(values, &format!("act_{gi}_")) {
                let f = |n: &str| format!("act_{gi}_{ai}_{n}");
                let a = Action {
                    what: text(values, &f("what")),
                    who: text(values, &f("who")),
                    by_when: date(&f("by"), errors),
                    status: text(values, &f("status")),
                    completed_on: date(&f("done"), errors),
                };
                if !(a.what.is_empty()
                    && a.who.is_empty()
                    && a.by_when.is_none()
                    && a.completed_on.is_none())
                {
                    actions.push(a);
                }
            }
            let g = Goal {
                text: text(values, &format!("goal_{gi}_text")),
                actions,
            };
            if !(g.text.is_empty() && g.actions.is_empty()) {
                goals.push(g);
            }
        }
        return Some(Part::Section(Section {
            code: part.into(),
            in_my_words: text(values, "in_my_words"),
            no_voice_reason: text(values, "no_voice_reason"),
            going_well: text(values, "going_well"),
            worries: text(values, "worries"),
            goals,
            others_views: text(values, "others_views"),
        }));
    }
    Some(match part {
        "assessment" => Part::Assessment(Assessment {
            history: text(values, "history"),
            family_views: text(values, "family_views"),
            risk_analysis: text(values, "risk_analysis"),
            completed_on: date("completed_on", errors),
        }),
        "risks" => {
            let risks = indices(values, "risk_")
                .into_iter()
                .map(|i| {
                    let f = |n: &str| text(values, &format!("risk_{i}_{n}"));
                    Risk {
                        description: f("description"),
                        likelihood: f("likelihood"),
                        impact: f("impact"),
                        protective_factors: f("protective_factors"),
                        mitigation: f("mitigation"),
                        plan_b_trigger: f("plan_b_trigger"),
                        plan_b_response: f("plan_b_response"),
                        plan_b_owner: f("plan_b_owner"),
                    }
                })
                // A row with nothing typed in it (only the selects left as they were) is blank.
                .filter(|r| {
                    [
                        &r.description,
                        &r.protective_factors,
                        &r.mitigation,
                        &r.plan_b_trigger,
                        &r.plan_b_response,
                        &r.plan_b_owner,
                    ]
                    .iter()
                    .any(|t| !t.is_empty())
                })
                .collect();
            Part::Risks {
                risks,
                contingency: text(values, "contingency"),
            }
        }
        "accommodation" => Part::Accommodation(plan::AccommodationPlan {
            description: text(values, "description"),
            factors: ACCOMMODATION_FACTORS
                .iter()
                .filter_map(|(c, _)| {
                    let v = text(values, &format!("factor_{c}"));
                    (!v.is_empty()).then(|| ((*c).to_string(), v))
                })
                .collect(),
            temporary: forms::checked(values, "temporary"),
            next_steps: text(values, "next_steps"),
            next_steps_by: date("next_steps_by", errors),
        }),
        "rights" => Part::Rights(
            TOLD_ABOUT
                .iter()
                .map(|(t, _, _)| ToldAbout {
                    topic: (*t).into(),
                    date: date(&format!("told_{t}_date"), errors),
                    by: text(values, &format!("told_{t}_by")),
                })
                .collect(),
        ),
        "meetings" => {
            let mut meetings = vec![];
            for i in indices(values, "meeting_") {
                let mut actions = vec![];
                for ai in indices(values, &format!("meeting_{i}_")) {
                    let a = MeetingAction {
                        text: text(values, &format!("meeting_{i}_{ai}_text")),
                        decision: text(values, &format!("meeting_{i}_{ai}_decision")),
                        reason: text(values, &format!("meeting_{i}_{ai}_reason")),
                    };
                    if !a.text.is_empty() || !a.reason.is_empty() {
                        actions.push(a);
                    }
                }
                let m = Meeting {
                    kind: text(values, &format!("meeting_{i}_kind")),
                    date: date(&format!("meeting_{i}_date"), errors),
                    outcomes: text(values, &format!("meeting_{i}_outcomes")),
                    actions,
                };
                if !(m.kind.is_empty()
                    && m.date.is_none()
                    && m.outcomes.is_empty()
                    && m.actions.is_empty())
                {
                    meetings.push(m);
                }
            }
            Part::Meetings(meetings)
        }
        "agreement" => Part::Agreement {
            agreement: Agreement {
                agrees: match text(values, "agrees").as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                in_their_words: text(values, "in_their_words"),
                copy_given_on: date("copy_given_on", errors),
            },
            next_review: date("next_review", errors),
        },
        _ => return None,
    })
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    loaded: &Loaded,
    part: &str,
    submitted: Option<&Values>,
    errors: Vec<FieldError>,
    conflict: Option<ConflictView>,
    lock_version: i32,
) -> Result<Response, AppError> {
    let (heading, intro, mut groups) =
        part_groups(part, &loaded.content, loaded.marac_visible).ok_or(AppError::NotFound)?;
    if let Some(values) = submitted {
        // Show exactly what they typed, with blank rows for any extra goals or actions they added.
        for g in groups.iter_mut() {
            fill(&mut g.fields, values, &errors);
            for f in g.fields.iter_mut() {
                if f.kind != "checkbox" && !values.iter().any(|(k, _)| *k == f.name) {
                    f.value.clear();
                }
            }
        }
    }
    let checks = plans::checks(state, loaded).await?;
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = EditPage {
        layout: Layout::for_user(
            &if errors.is_empty() {
                heading.clone()
            } else {
                format!("Error: {heading}")
            },
            user,
            "/caseload",
        ),
        plan_id: loaded.plan.id.clone(),
        person_name: display_name(&loaded.person),
        version_no: loaded.plan.version_no,
        part: part.into(),
        heading,
        intro,
        lock_version,
        groups,
        errors,
        passed: checks.iter().filter(|c| c.passed).count(),
        checks,
        editable: true,
        parts: parts(),
        conflict,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, part)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let loaded = plans::get(&state, &user, &id, &meta).await?;
    if !loaded.editable() {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let lock = loaded.plan.lock_version;
    edit_page(&state, &user, &loaded, &part, None, vec![], None, lock).await
}

pub async fn save(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, part)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let lock: i32 = value(&values, "lock_version").parse().unwrap_or(0);
    let mut errors = vec![];
    let parsed = part_from(&part, &values, &mut errors).ok_or(AppError::NotFound)?;
    let result = if errors.is_empty() {
        plans::save(&state, &user, &id, lock, parsed.clone(), &meta)
            .await
            .map(|_| ())
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{id}?done=saved")).into_response()),
        Err(AppError::Validation(errs)) => {
            let loaded = plans::get(&state, &user, &id, &meta).await?;
            edit_page(
                &state,
                &user,
                &loaded,
                &part,
                Some(&values),
                errs,
                None,
                lock,
            )
            .await
        }
        Err(AppError::Conflict(msg)) => {
            // Nothing was saved. Show what the other person saved beside what this person typed,
            // keep their typing in the form, and let them save again on top of the new version.
            let loaded = plans::get(&state, &user, &id, &meta).await?;
            let mut mine = loaded.content.clone();
            parsed.clone().apply_for_preview(&mut mine);
            let rows = compare_rows(&loaded.content, &mine)
                .into_iter()
                .filter(|r| r.changed)
                .map(|r| (r.label, r.a, r.b))
                .collect();
            let by = crate::services::users::name_of(&state, &loaded.plan.updated_by)
                .await?
                .unwrap_or_else(|| "someone else".into());
            let new_lock = loaded.plan.lock_version;
            edit_page(
                &state,
                &user,
                &loaded,
                &part,
                Some(&values),
                vec![],
                Some(ConflictView {
                    message: msg,
                    by,
                    rows,
                }),
                new_lock,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

// ----- the young person's copy --------------------------------------------------------------

/// One section of the whole plan, with whose words each part is.
pub struct WholeSection {
    pub title: String,
    pub in_my_words: String,
    pub no_voice_reason: String,
    pub going_well: String,
    pub worries: String,
    pub others_views: String,
    pub goals: Vec<CopyGoal>,
}

pub struct WholeRisk {
    pub description: String,
    pub likelihood: String,
    pub impact: String,
    pub protective_factors: String,
    pub mitigation: String,
    pub trigger: String,
    pub response: String,
    pub owner: String,
}

pub struct WholeMeeting {
    pub kind: String,
    pub date: String,
    pub outcomes: String,
    /// (action, what was decided, the reason when declined)
    pub actions: Vec<(String, String, String)>,
}

/// The whole plan as staff see it (MARAC only where the caller may see it: the plan was loaded
/// in the caller's view), for the manager deciding on it.
pub struct WholePlan {
    pub whose: String,
    pub counts: String,
    pub sections: Vec<WholeSection>,
    pub history: String,
    pub family_views: String,
    pub risk_analysis: String,
    pub assessed_on: String,
    pub risks: Vec<WholeRisk>,
    pub contingency: String,
    pub accommodation: String,
    pub temporary: bool,
    /// (Schedule 2 factor, met or not)
    pub factors: Vec<(String, String)>,
    pub next_steps: String,
    /// (topic, when and by whom, or "Not yet")
    pub told: Vec<(String, String)>,
    pub meetings: Vec<WholeMeeting>,
    pub agreement: String,
    pub agreement_words: String,
    pub copy_given_on: String,
    pub next_review: String,
}

fn level(s: &str) -> String {
    match s {
        "" => "not assessed".into(),
        x => x.to_string(),
    }
}

fn whole_plan(c: &plan::PlanContent, given_name: &str) -> WholePlan {
    let goals = c.sections.iter().map(|s| s.goals.len()).sum::<usize>();
    let actions = c
        .sections
        .iter()
        .flat_map(|s| &s.goals)
        .map(|g| g.actions.len())
        .sum::<usize>();
    WholePlan {
        whose: format!("{given_name}'s words"),
        counts: format!(
            "{}, {}, {}",
            crate::views::count(goals as i64, "goal", "goals"),
            crate::views::count(actions as i64, "action", "actions"),
            crate::views::count(c.risks.len() as i64, "risk", "risks"),
        ),
        sections: c
            .sections
            .iter()
            .map(|s| WholeSection {
                title: plan::section_title(&s.code).unwrap_or("").into(),
                in_my_words: s.in_my_words.clone(),
                no_voice_reason: s.no_voice_reason.clone(),
                going_well: s.going_well.clone(),
                worries: s.worries.clone(),
                others_views: s.others_views.clone(),
                goals: copy_goals(&s.goals, "no date set"),
            })
            .collect(),
        history: c.assessment.history.clone(),
        family_views: c.assessment.family_views.clone(),
        risk_analysis: c.assessment.risk_analysis.clone(),
        assessed_on: c.assessment.completed_on.map(fmt).unwrap_or_default(),
        risks: c
            .risks
            .iter()
            .map(|r| WholeRisk {
                description: r.description.clone(),
                likelihood: level(&r.likelihood),
                impact: level(&r.impact),
                protective_factors: r.protective_factors.clone(),
                mitigation: r.mitigation.clone(),
                trigger: r.plan_b_trigger.clone(),
                response: r.plan_b_response.clone(),
                owner: r.plan_b_owner.clone(),
            })
            .collect(),
        contingency: c.contingency.clone(),
        accommodation: c.accommodation.description.clone(),
        temporary: c.accommodation.temporary,
        factors: plan::ACCOMMODATION_FACTORS
            .iter()
            .map(|(code, label)| {
                let answer = match c.accommodation.factors.get(*code).map(String::as_str) {
                    Some("met") => "Met",
                    Some("not_met") => "Not met",
                    _ => "Not answered",
                };
                ((*label).to_string(), answer.to_string())
            })
            .collect(),
        next_steps: format!(
            "{} {}",
            c.accommodation.next_steps,
            c.accommodation
                .next_steps_by
                .map(|d| format!("by {}", fmt(d)))
                .unwrap_or_default()
        )
        .trim()
        .to_string(),
        told: TOLD_ABOUT
            .iter()
            .map(|(code, label, _)| {
                let when = c
                    .told_about
                    .iter()
                    .find(|t| t.topic == *code)
                    .and_then(|t| t.date.map(|d| format!("{} by {}", fmt(d), t.by)))
                    .unwrap_or_else(|| "Not yet".into());
                ((*label).to_string(), when)
            })
            .collect(),
        meetings: c
            .meetings
            .iter()
            .map(|m| WholeMeeting {
                kind: plan::MEETING_KINDS
                    .iter()
                    .find(|(k, _)| *k == m.kind)
                    .map_or(m.kind.clone(), |(_, l)| (*l).to_string()),
                date: m.date.map(fmt).unwrap_or_default(),
                outcomes: m.outcomes.clone(),
                actions: m
                    .actions
                    .iter()
                    .map(|a| {
                        let decided = match a.decision.as_str() {
                            "incorporated" => "Taken into the plan",
                            "declined" => "Declined",
                            _ => "Not yet decided",
                        };
                        (a.text.clone(), decided.to_string(), a.reason.clone())
                    })
                    .collect(),
            })
            .collect(),
        agreement: match c.agreement.agrees {
            Some(true) => format!("{given_name} agrees with the plan."),
            Some(false) => format!("{given_name} does not agree with all of the plan."),
            None => "Not recorded.".into(),
        },
        agreement_words: c.agreement.in_their_words.clone(),
        copy_given_on: c.agreement.copy_given_on.map(fmt).unwrap_or_default(),
        next_review: c.next_review.map(fmt).unwrap_or_else(|| "Not set".into()),
    }
}

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
fn copy_goals(goals: &[plan::Goal], no_date: &str) -> Vec<CopyGoal> {
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
    let c = &loaded.content;
    let adviser = match &loaded.person.adviser_id {
        Some(a) => crate::services::users::name_of(&state, a)
            .await?
            .unwrap_or_default(),
        None => "not allocated yet".into(),
    };
    render(&CopyPage {
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
        sections: c
            .sections
            .iter()
            .map(|s| CopySection {
                title: plan::section_title(&s.code).unwrap_or("").into(),
                in_my_words: s.in_my_words.clone(),
                going_well: s.going_well.clone(),
                worries: s.worries.clone(),
                goals: copy_goals(&s.goals, "a date to agree"),
            })
            .collect(),
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
        next_steps: format!(
            "{} {}",
            c.accommodation.next_steps,
            c.accommodation
                .next_steps_by
                .map(|d| format!("by {}", fmt(d)))
                .unwrap_or_default()
        )
        .trim()
        .to_string(),
        told: c
            .told_about
            .iter()
            .filter_map(|t| {
                let label = TOLD_ABOUT.iter().find(|(x, _, _)| *x == t.topic)?.1;
                t.date
                    .map(|d| format!("{label}, on {} by {}", fmt(d), t.by))
            })
            .collect(),
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
    })
}
