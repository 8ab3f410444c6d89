//! "Your account": who you are signed in as, and how reminders reach you.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::Deserialize;

use super::render;
use crate::auth::WebUser;
use crate::entities::user;
use crate::error::{AppError, FieldError};
use crate::services::audit::{self, RequestMeta, Target};
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

#[derive(Deserialize)]
pub struct ReminderForm {
    #[serde(default)]
    delivery: String,
}

async fn page(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    delivery: String,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<Html<String>, AppError> {
    let team = match &user.user.team_id {
        Some(t) => crate::entities::team::Entity::find_by_id(t.clone())
            .one(&state.db)
            .await?
            .map_or_else(|| "None".into(), |t| t.name),
        None => "None".into(),
    };
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
    Form(form): Form<ReminderForm>,
) -> Result<Response, AppError> {
    if !matches!(form.delivery.as_str(), "immediate" | "digest") {
        let errors = vec![FieldError::new(
            "delivery",
            "Select how you want reminders before a due date",
        )];
        let current = user.user.reminder_delivery.clone();
        let mut res = page(&state, &user, current, errors, false)
            .await?
            .into_response();
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let mut am: user::ActiveModel = user.user.clone().into();
    am.reminder_delivery = Set(form.delivery.clone());
    am.updated_at = Set(state.clock.now());
    am.update(&state.db).await?;
    audit::record(
        &state,
        Some(user.id()),
        "change_reminder_preference",
        Some(Target::user(user.id())),
        "success",
        &meta,
    )
    .await?;
    Ok(Redirect::to("/account?saved=1").into_response())
}
