//! Editing a part of the plan: the form, saving it, and the conflict shown when someone else
//! saved first.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::fields::{Group, part_groups};
use super::parse::part_from;
use super::versions::compare_rows;
use super::{Values, parts};
use crate::auth::{CurrentUser, WebUser};
use crate::domain::plan::CheckResult;
use crate::error::{AppError, FieldError};
use crate::routes::web::forms::{fill, get as value};
use crate::routes::web::render;
use crate::services::audit::RequestMeta;
use crate::services::plans::{self, Loaded};
use crate::services::young_people::display_name;
use crate::state::AppState;
use crate::views::Layout;

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
