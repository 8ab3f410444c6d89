//! Case audits: the audit form, the audit page with its action points, and moderation by a
//! second manager.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{Values, fmt, page};
use crate::auth::WebUser;
use crate::error::{AppError, FieldError};
use crate::routes::web::forms::{self, Field, date_field as date};
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::oversight::{self, AUDIT_AREAS, GRADES, NewAudit, NewModeration};
use crate::services::{users, young_people};
use crate::state::AppState;
use crate::views::Layout;

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
