//! Management oversight pages: decisions and informal guidance on a file, supervision, case
//! audits and moderation, and the drill-down lists behind "My team".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::forms::{self, Field, FormPage, date_field as date};
use super::render;
use crate::auth::{CurrentUser, WebUser};
use crate::error::{AppError, FieldError};
use crate::services::audit::RequestMeta;
use crate::services::oversight::{
    self, AUDIT_AREAS, GRADES, NewAudit, NewModeration, NewOversight, NewSupervision,
};
use crate::services::{team, users, young_people};
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/young-people/{id}/oversight/{kind}",
            get(oversight_form).post(oversight_submit),
        )
        .route(
            "/supervision/new",
            get(supervision_form).post(supervision_submit),
        )
        .route("/advisers/{id}/supervision", get(supervision_list))
        .route(
            "/young-people/{id}/audits/new",
            get(audit_form).post(audit_submit),
        )
        .route("/audits/{id}", get(audit_show))
        .route(
            "/audits/{id}/moderate",
            get(moderate_form).post(moderate_submit),
        )
        .route("/audit-actions/{id}/{change}", post(action_status))
        .route("/team/overdue", get(team_overdue))
        .route("/team/approvals", get(team_approvals))
        .route("/team/audit-actions", get(team_actions))
}

type Values = Vec<(String, String)>;

fn fmt(d: chrono::NaiveDate) -> String {
    crate::views::date(d)
}

#[allow(clippy::too_many_arguments)]
fn page(
    user: &CurrentUser,
    caption: &str,
    heading: &str,
    intro: Option<&str>,
    action: String,
    back: String,
    fields: Vec<Field>,
    values: &Values,
    errors: Vec<FieldError>,
    submit: &str,
) -> Result<Response, AppError> {
    FormPage {
        layout: Layout::for_user(heading, user, "/team"),
        caption: caption.into(),
        heading: heading.into(),
        intro: intro.map(Into::into),
        action,
        submit: submit.into(),
        back,
        fields,
        errors,
        hidden: vec![],
    }
    .respond(values)
}

/// `n` rows of action fields, named `{prefix}{i}_what` on the page and read into
/// `{path}actions[{i}].what`.
fn action_fields(prefix: &str, path: &str, n: usize) -> Vec<Field> {
    let mut f = vec![];
    for i in 0..n {
        let k = i + 1;
        let at = |field: &str| format!("{path}actions[{i}].{field}");
        f.push(
            Field::new(
                &format!("{prefix}{i}_what"),
                &format!("Action {k}: what (optional)"),
                "text",
            )
            .at(at("what")),
        );
        f.push(
            Field::new(
                &format!("{prefix}{i}_who"),
                &format!("Action {k}: who"),
                "text",
            )
            .at(at("who")),
        );
        f.push(date(&format!("{prefix}{i}_by"), &format!("Action {k}: by when")).at(at("by_when")));
    }
    f
}

// ----- oversight on a file ------------------------------------------------------------------

fn oversight_fields(kind: &str) -> Vec<Field> {
    if kind == "informal_guidance" {
        let mut f = vec![Field::new(
            "decision",
            "What guidance did you give?",
            "textarea",
        )];
        f.extend(action_fields("action_", "", 1));
        f
    } else {
        let mut f = vec![
            Field::new("decision", "Decision", "textarea"),
            Field::new("rationale", "Rationale", "textarea")
                .hint("Why this decision, and what you considered"),
            Field::new(
                "reflection",
                "Reflection or challenge offered (optional)",
                "textarea",
            ),
        ];
        f.extend(action_fields("action_", "", 3));
        f
    }
}

pub async fn oversight_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() || !matches!(kind.as_str(), "decision" | "informal_guidance") {
        return Err(AppError::NotFound);
    }
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let (heading, intro) = if kind == "informal_guidance" {
        (
            "Record informal guidance",
            "Guidance given in passing, recorded in under a minute so it is not lost.",
        )
    } else {
        (
            "Record a management decision",
            "A decision on this young person's case, with its rationale and what happens next.",
        )
    };
    page(
        &user,
        &young_people::display_name(&p),
        heading,
        Some(intro),
        format!("/young-people/{id}/oversight/{kind}"),
        format!("/young-people/{id}"),
        oversight_fields(&kind),
        &vec![],
        vec![],
        "Save",
    )
}

pub async fn oversight_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    if !matches!(kind.as_str(), "decision" | "informal_guidance") {
        return Err(AppError::NotFound);
    }
    let result =
        match forms::read::<NewOversight>(&values, &oversight_fields(&kind), &[("kind", &kind)]) {
            Ok(input) => oversight::record(&state, &user, &id, input, &meta)
                .await
                .map(|_| ()),
            Err(errors) => Err(AppError::Validation(errors)),
        };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/young-people/{id}#chronology")).into_response()),
        Err(AppError::Validation(errs)) => page(
            &user,
            "",
            if kind == "informal_guidance" {
                "Record informal guidance"
            } else {
                "Record a management decision"
            },
            None,
            format!("/young-people/{id}/oversight/{kind}"),
            format!("/young-people/{id}"),
            oversight_fields(&kind),
            &values,
            errs,
            "Save",
        ),
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

// ----- supervision --------------------------------------------------------------------------

const CASE_ROWS: usize = 3;

async fn supervision_fields(state: &AppState, user: &CurrentUser) -> Result<Vec<Field>, AppError> {
    let mut people = vec![(String::new(), "Choose".to_string())];
    people.extend(
        oversight::supervisees(state, user)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    let mut yps = vec![(
        String::new(),
        "Choose a young person (optional)".to_string(),
    )];
    yps.extend(
        young_people::list(state, user)
            .await?
            .into_iter()
            .map(|p| (p.id.clone(), young_people::display_name(&p))),
    );
    let mut f = vec![
        Field::new("adviser_id", "Who was supervised", "select").owned_choices(people),
        date("session_date", "Date of the session"),
        Field::new("format", "Format", "select")
            .choices([("one_to_one", "One-to-one"), ("group", "Group")]),
        Field::new("reflection", "Reflective discussion", "textarea"),
        Field::new("challenge", "Challenge offered", "textarea")
            .hint("Or that none was needed, and why"),
        Field::new("wellbeing", "Wellbeing (optional)", "textarea"),
        Field::new("workload", "Workload (optional)", "textarea"),
        date("next_date", "Next supervision (optional)"),
    ];
    for i in 0..CASE_ROWS {
        let k = i + 1;
        f.push(
            Field::new(
                &format!("case_{i}_young_person_id"),
                &format!("Case discussed {k}"),
                "select",
            )
            .owned_choices(yps.clone())
            .at(format!("cases[{i}].young_person_id")),
        );
        f.push(
            Field::new(
                &format!("case_{i}_decision"),
                &format!("Case {k}: decision"),
                "textarea",
            )
            .at(format!("cases[{i}].decision")),
        );
        f.extend(action_fields(
            &format!("case_{i}_action_"),
            &format!("cases[{i}]."),
            1,
        ));
    }
    Ok(f)
}

pub async fn supervision_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let f = supervision_fields(&state, &user).await?;
    page(
        &user,
        "",
        "Record supervision",
        Some("Decisions on cases discussed are added to those young people's files."),
        "/supervision/new".into(),
        "/team".into(),
        f,
        &vec![],
        vec![],
        "Save supervision",
    )
}

pub async fn supervision_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let fields = supervision_fields(&state, &user).await?;
    let result = match forms::read::<NewSupervision>(&values, &fields, &[]) {
        Ok(input) => oversight::record_supervision(&state, &user, input, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(s) => {
            Ok(Redirect::to(&format!("/advisers/{}/supervision", s.adviser_id)).into_response())
        }
        Err(AppError::Validation(errs)) => page(
            &user,
            "",
            "Record supervision",
            None,
            "/supervision/new".into(),
            "/team".into(),
            fields,
            &values,
            errs,
            "Save supervision",
        ),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    intro: Option<String>,
    back: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<(String, Option<String>)>>,
    empty: &'static str,
    links: Vec<(String, String)>,
}

fn cell(s: impl Into<String>) -> (String, Option<String>) {
    (s.into(), None)
}

fn link(s: impl Into<String>, href: String) -> (String, Option<String>) {
    (s.into(), Some(href))
}

pub async fn supervision_list(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let sessions = oversight::supervisions_of(&state, &user, &id).await?;
    let names = users::names(&state).await?;
    let adviser = users::get(&state, &id).await?;
    let status = oversight::supervision_status_of(&state, &adviser).await?;
    crate::services::audit::record(
        &state,
        Some(user.id()),
        "view_supervision",
        Some(crate::services::audit::Target::user(&id)),
        "success",
        &meta,
    )
    .await?;
    let intro = format!(
        "Next supervision due {} ({}). {} different supervisors in the last 12 months{}.",
        fmt(status.due),
        match status.state.as_str() {
            "overdue" => "overdue",
            "due_soon" => "due soon",
            _ => "upcoming",
        },
        status.supervisors_last_12_months,
        if status.continuity_flag {
            ": a continuity concern"
        } else {
            ""
        }
    );
    render(&ListPage {
        layout: Layout::for_user(
            "Supervision",
            &user,
            if user.role.is_manager() {
                "/team"
            } else {
                "/caseload"
            },
        ),
        heading: format!("Supervision: {}", adviser.name),
        intro: Some(intro),
        back: if user.role.is_manager() {
            "/team".into()
        } else {
            "/caseload".into()
        },
        headers: vec![
            "Date",
            "Supervisor",
            "Format",
            "Reflective discussion",
            "Challenge",
            "Wellbeing and workload",
            "Next",
        ],
        rows: sessions
            .into_iter()
            .map(|s| {
                vec![
                    cell(fmt(s.session_date)),
                    cell(names.get(&s.supervisor_id).cloned().unwrap_or_default()),
                    cell(if s.format == "group" {
                        "Group"
                    } else {
                        "One-to-one"
                    }),
                    cell(s.reflection),
                    cell(s.challenge),
                    cell(
                        format!(
                            "{} {}",
                            s.wellbeing.unwrap_or_default(),
                            s.workload.unwrap_or_default()
                        )
                        .trim()
                        .to_string(),
                    ),
                    cell(s.next_date.map(fmt).unwrap_or_default()),
                ]
            })
            .collect(),
        empty: "No supervision has been recorded yet.",
        links: if user.role.is_manager() {
            vec![("Record supervision".into(), "/supervision/new".into())]
        } else {
            vec![]
        },
    })
}

// ----- case audits --------------------------------------------------------------------------

const AUDIT_ACTION_ROWS: usize = 3;

async fn audit_fields(
    state: &AppState,
    person: &crate::entities::young_person::Model,
) -> Result<Vec<Field>, AppError> {
    let mut f = vec![date("audit_date", "Date of the audit")];
    let mut grades = vec![("", "Choose a grade")];
    grades.extend(GRADES.iter().copied());
    for (area, label) in AUDIT_AREAS {
        f.push(
            Field::new(
                &format!("grade_{area}"),
                &format!("{label}: grade"),
                "select",
            )
            .choices(grades.clone())
            .at(format!("grades.{area}.grade")),
        );
        f.push(
            Field::new(
                &format!("findings_{area}"),
                &format!("{label}: findings"),
                "textarea",
            )
            .at(format!("grades.{area}.findings")),
        );
    }
    f.push(Field::new("summary", "Summary (optional)", "textarea"));
    let mut owners = vec![(String::new(), "Choose who owns it".to_string())];
    owners.extend(
        oversight::action_owners(state, person)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    for i in 0..AUDIT_ACTION_ROWS {
        let k = i + 1;
        f.push(
            Field::new(
                &format!("action_{i}_text"),
                &format!("Action point {k} (optional)"),
                "text",
            )
            .at(format!("actions[{i}].text")),
        );
        f.push(
            Field::new(
                &format!("action_{i}_owner"),
                &format!("Action point {k}: owner"),
                "select",
            )
            .owned_choices(owners.clone())
            .at(format!("actions[{i}].owner_id")),
        );
        f.push(
            date(
                &format!("action_{i}_due"),
                &format!("Action point {k}: due"),
            )
            .at(format!("actions[{i}].due")),
        );
    }
    Ok(f)
}

pub async fn audit_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let f = audit_fields(&state, &p).await?;
    page(
        &user,
        &young_people::display_name(&p),
        "Audit this case",
        Some(
            "Grade each area and record the findings behind the grade. Be as ready to see risk as strengths.",
        ),
        format!("/young-people/{id}/audits/new"),
        format!("/young-people/{id}"),
        f,
        &vec![],
        vec![],
        "Save audit",
    )
}

pub async fn audit_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let fields = audit_fields(&state, &p).await?;
    let result = match forms::read::<NewAudit>(&values, &fields, &[]) {
        Ok(input) => oversight::create_audit(&state, &user, &id, input, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/audits/{}", a.id)).into_response()),
        Err(AppError::Validation(errs)) => page(
            &user,
            &young_people::display_name(&p),
            "Audit this case",
            None,
            format!("/young-people/{id}/audits/new"),
            format!("/young-people/{id}"),
            fields,
            &values,
            errs,
            "Save audit",
        ),
        Err(e) => Err(e),
    }
}

pub struct ActionRow {
    pub id: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub done: bool,
    pub can_change: bool,
}

#[derive(Template)]
#[template(path = "audits/show.html")]
struct AuditPage {
    layout: Layout,
    audit_id: String,
    person_id: String,
    person_name: String,
    audit_date: String,
    auditor: String,
    grades: Vec<(String, String, String)>,
    summary: Option<String>,
    actions: Vec<ActionRow>,
    moderations: Vec<(String, String, String)>,
    differences: Vec<(String, String, String)>,
    can_moderate: bool,
    errors: Vec<FieldError>,
}

fn area_label(a: &str) -> String {
    AUDIT_AREAS
        .iter()
        .find(|(c, _)| *c == a)
        .map(|(_, l)| (*l).to_string())
        .unwrap_or_else(|| a.to_string())
}

pub async fn audit_show(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let v = oversight::get_audit(&state, &user, &id, &meta).await?;
    let names = users::names(&state).await?;
    let name = |i: &str| names.get(i).cloned().unwrap_or_default();
    render(&AuditPage {
        layout: Layout::for_user("Case audit", &user, "/caseload"),
        audit_id: v.audit.id.clone(),
        person_id: v.person.id.clone(),
        person_name: young_people::display_name(&v.person),
        audit_date: fmt(v.audit.audit_date),
        auditor: name(&v.audit.auditor_id),
        grades: AUDIT_AREAS
            .iter()
            .map(|(a, l)| {
                let g = v.grades.get(*a).cloned().unwrap_or_default();
                (
                    (*l).to_string(),
                    oversight::grade_label(&g.grade).to_string(),
                    g.findings,
                )
            })
            .collect(),
        summary: v.audit.summary.clone(),
        actions: v
            .actions
            .iter()
            .map(|a| ActionRow {
                id: a.id.clone(),
                text: a.text.clone(),
                owner: name(&a.owner_id),
                due: fmt(a.due),
                status: if a.status == "done" { "Done" } else { "Open" },
                done: a.status == "done",
                can_change: a.owner_id == user.id() || v.audit.auditor_id == user.id(),
            })
            .collect(),
        moderations: v
            .moderations
            .iter()
            .map(|m| {
                (
                    name(&m.moderator_id),
                    if m.agrees {
                        "agrees with the grades".to_string()
                    } else {
                        "graded differently".to_string()
                    },
                    m.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        differences: v
            .differences()
            .into_iter()
            .map(|(a, x, y)| {
                (
                    area_label(&a),
                    oversight::grade_label(&x).into(),
                    oversight::grade_label(&y).into(),
                )
            })
            .collect(),
        can_moderate: user.role.is_manager() && v.audit.auditor_id != user.id(),
        errors: vec![],
    })
}

fn moderation_fields() -> Vec<Field> {
    let mut grades = vec![("", "Same as the auditor")];
    grades.extend(GRADES.iter().copied());
    let mut f = vec![
        Field::new("agrees", "Do you agree with the grades?", "select").choices([
            ("yes", "Yes, I agree"),
            ("no", "No, I would grade differently"),
        ]),
    ];
    for (area, label) in AUDIT_AREAS {
        f.push(
            Field::new(
                &format!("grade_{area}"),
                &format!("{label}: your grade"),
                "select",
            )
            .choices(grades.clone())
            .at(format!("grades.{area}")),
        );
    }
    f.push(Field::new(
        "reason",
        "Reason for any different grade",
        "textarea",
    ));
    f
}

pub async fn moderate_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = oversight::get_audit(&state, &user, &id, &meta).await?;
    if !user.role.is_manager() || v.audit.auditor_id == user.id() {
        return Err(AppError::NotFound);
    }
    page(
        &user,
        &young_people::display_name(&v.person),
        "Moderate this audit",
        Some("A second look: agree, or give the grade you would have given and why."),
        format!("/audits/{id}/moderate"),
        format!("/audits/{id}"),
        moderation_fields(),
        &vec![],
        vec![],
        "Save moderation",
    )
}

pub async fn moderate_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let result = match forms::read::<NewModeration>(&values, &moderation_fields(), &[]) {
        Ok(input) => oversight::moderate(&state, &user, &id, input, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/audits/{id}")).into_response()),
        Err(AppError::Validation(errs)) => page(
            &user,
            "",
            "Moderate this audit",
            None,
            format!("/audits/{id}/moderate"),
            format!("/audits/{id}"),
            moderation_fields(),
            &values,
            errs,
            "Save moderation",
        ),
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

pub async fn action_status(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, change)): Path<(String, String)>,
) -> Result<Redirect, AppError> {
    let done = match change.as_str() {
        "done" => true,
        "reopen" => false,
        _ => return Err(AppError::NotFound),
    };
    match oversight::set_action_status(&state, &user, &id, done, &meta).await {
        Ok(a) => Ok(Redirect::to(&format!("/audits/{}", a.audit_id))),
        Err(AppError::Forbidden) => Err(AppError::Forbidden),
        Err(e) => Err(e),
    }
}

// ----- drill-down lists ---------------------------------------------------------------------

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
