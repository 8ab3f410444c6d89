//! Supervision: recording a session with the cases discussed, and a practitioner's sessions.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{ListPage, Values, action_fields, cell, fmt, page};
use crate::auth::{CurrentUser, WebUser};
use crate::error::AppError;
use crate::routes::web::forms::{self, Field, date_field as date};
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::oversight::{self, NewSupervision};
use crate::services::{users, young_people};
use crate::state::AppState;
use crate::views::Layout;

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
    let home = if user.role.is_manager() {
        "/team"
    } else {
        "/caseload"
    };
    render(&ListPage {
        layout: Layout::for_user("Supervision", &user, home),
        heading: format!("Supervision: {}", adviser.name),
        intro: Some(status_intro(&status)),
        back: home.into(),
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
            .map(|s| session_row(s, &names))
            .collect(),
        empty: "No supervision has been recorded yet.",
        links: if user.role.is_manager() {
            vec![("Record supervision".into(), "/supervision/new".into())]
        } else {
            vec![]
        },
    })
}

/// When the next supervision is due, and whether supervisors have changed too often.
fn status_intro(status: &oversight::SupervisionStatus) -> String {
    format!(
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
    )
}

fn session_row(
    s: crate::entities::supervision::Model,
    names: &std::collections::HashMap<String, String>,
) -> Vec<(String, Option<String>)> {
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
}
