//! "Your account": who you are signed in as, and how reminders reach you.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render;
use crate::auth::WebUser;
use crate::error::{AppError, FieldError};
use crate::services::audit::RequestMeta;
use crate::state::AppState;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    role: String,
    team: String,
    delivery: String,
    digest_hour: u32,
    lead_days: String,
    errors: Vec<FieldError>,
    saved: bool,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn page(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    delivery: String,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<Html<String>, AppError> {
    let team = crate::services::users::team_name(state, user.user.team_id.as_deref())
        .await?
        .unwrap_or_else(|| "None".into());
    let leads = &state.config.mail.lead_days;
    let lead_days = match leads.as_slice() {
        [] => String::new(),
        [one] => format!("{one} days"),
        [init @ .., last] => format!(
            "{} and {last} days",
            init.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    render(&AccountPage {
        layout: Layout::for_user("Your account", user, "/account"),
        name: user.user.name.clone(),
        email: user.user.email.clone(),
        role: user.role.label().to_string(),
        team,
        delivery,
        digest_hour: state.config.mail.digest_hour,
        lead_days,
        errors,
        saved,
    })
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, AppError> {
    let delivery = user.user.reminder_delivery.clone();
    page(&state, &user, delivery, vec![], q.saved.is_some()).await
}

pub async fn save_reminders(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Form(form): Form<crate::services::users::ReminderChoice>,
) -> Result<Response, AppError> {
    match crate::services::users::set_reminder_delivery(&state, &user.user, &form, &meta).await {
        Ok(()) => {}
        Err(AppError::Validation(errors)) => {
            let current = user.user.reminder_delivery.clone();
            let mut res = page(&state, &user, current, errors, false)
                .await?
                .into_response();
            *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
        Err(e) => return Err(e),
    }
    Ok(Redirect::to("/account?saved=1").into_response())
}
