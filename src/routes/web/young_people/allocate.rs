//! Allocation from the awaiting list: a manager chooses a personal adviser in the young person's
//! team.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Values, form_page};
use crate::auth::{CurrentUser, WebUser};
use crate::error::{AppError, FieldError};
use crate::routes::web::forms::{self, Field};
use crate::services::audit::RequestMeta;
use crate::services::young_people;
use crate::state::AppState;

/// The one-step allocation form (the team page's awaiting list posts the same fields).
async fn allocate_page(
    state: &AppState,
    user: &CurrentUser,
    person: &crate::entities::young_person::Model,
    values: &Values,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut choices = vec![(String::new(), "Choose a personal adviser".to_string())];
    choices.extend(
        young_people::team_advisers(state, user, person.team_id.as_deref())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    let name = young_people::display_name(person);
    form_page(
        user,
        &name,
        "Allocate a personal adviser",
        Some(format!(
            "Choose a personal adviser in {name}'s team. The allocation and its reason go into the allocation history."
        )),
        format!("/young-people/{}/allocate", person.id),
        "/team#awaiting".into(),
        vec![
            Field::new("adviser_id", "Personal adviser", "select").owned_choices(choices),
            Field::new("reason", "Reason (optional)", "text")
                .hint("For example: first allocation, referred from the children in care team"),
        ],
        values,
        errors,
        vec![],
        "Allocate",
    )
}

pub async fn allocate_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let person = young_people::get(&state, &user, &id, &meta).await?;
    allocate_page(&state, &user, &person, &vec![], vec![]).await
}

pub async fn allocate(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let choice = match forms::read::<young_people::Allocate>(
        &values,
        &[
            Field::new("adviser_id", "Personal adviser", "select"),
            Field::new("reason", "Reason", "text"),
        ],
        &[],
    ) {
        Ok(c) => young_people::allocate(&state, &user, &id, c, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match choice {
        Ok(_) => Ok(Redirect::to(&format!("/team?allocated={id}#awaiting")).into_response()),
        Err(AppError::Validation(errs)) => {
            let person = young_people::in_scope(&state, &user, &id).await?;
            allocate_page(&state, &user, &person, &values, errs).await
        }
        Err(e) => Err(e),
    }
}
