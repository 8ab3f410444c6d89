//! Users and teams: creation, listing, disabling, and ending sessions.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::auth::{Role, password, session};
use crate::entities::{team, user};
use crate::error::{AppError, FieldError};
use crate::input::{self, Labels};
use crate::state::AppState;

/// A new member of staff, as an administrator enters them.
#[derive(Debug, Clone, validator::Validate)]
pub struct NewUser {
    #[validate(
        custom(function = "input::not_blank", message = "Enter an email address"),
        length(max = 200),
        custom(function = "input::email")
    )]
    pub email: String,
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the person's full name"
        ),
        length(max = 200),
        custom(function = "input::one_line")
    )]
    pub name: String,
    #[validate(custom(function = "new_password"))]
    pub password: String,
    pub role: Role,
    pub is_admin: bool,
    pub team_id: Option<String>,
}

impl Labels for NewUser {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("name", "Full name"),
        ("email", "Email address"),
        ("password", "Password"),
    ];
}

fn new_password(pw: &str) -> Result<(), validator::ValidationError> {
    password::check_new_password(pw)
        .map_err(|m| validator::ValidationError::new("password").with_message(m.into()))
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn create(state: &AppState, u: NewUser) -> Result<user::Model, AppError> {
    input::check(&u)?;
    let email = normalise_email(&u.email);
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.clone()))
        .one(&state.db)
        .await?
        .is_some()
    {
        return Err(AppError::Validation(vec![FieldError::new(
            "email",
            "A user with this email address already exists",
        )]));
    }
    let hash = password::hash(state, u.password).await?;
    let now = state.clock.now();
    let model = user::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        email: Set(email),
        name: Set(u.name.trim().to_string()),
        password_hash: Set(hash),
        role: Set(u.role.as_str().to_string()),
        is_admin: Set(u.is_admin),
        team_id: Set(u.team_id),
        disabled: Set(false),
        sessions_valid_after: Set(None),
        reminder_delivery: Set("immediate".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(model)
}

pub async fn create_team(
    state: &AppState,
    name: &str,
    manager_id: Option<String>,
) -> Result<team::Model, AppError> {
    Ok(team::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        name: Set(name.to_string()),
        manager_id: Set(manager_id),
        created_at: Set(state.clock.now()),
    }
    .insert(&state.db)
    .await?)
}

pub async fn find_by_email(state: &AppState, email: &str) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(normalise_email(email)))
        .one(&state.db)
        .await?)
}

pub async fn list(state: &AppState) -> Result<Vec<user::Model>, AppError> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?)
}

/// Everyone's name by user id, for showing who recorded or owns something.
pub async fn names(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(list(state)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// One person's name by user id.
pub async fn name_of(state: &AppState, id: &str) -> Result<Option<String>, AppError> {
    Ok(user::Entity::find_by_id(id.to_string())
        .one(&state.db)
        .await?
        .map(|u| u.name))
}

pub async fn teams(state: &AppState) -> Result<Vec<team::Model>, AppError> {
    Ok(team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(&state.db)
        .await?)
}

/// Disables or re-enables a user. Disabling ends every live session at once.
pub async fn set_disabled(
    state: &AppState,
    user_id: &str,
    disabled: bool,
) -> Result<user::Model, AppError> {
    let u = user::Entity::find_by_id(user_id.to_string())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am: user::ActiveModel = u.into();
    am.disabled = Set(disabled);
    am.updated_at = Set(state.clock.now());
    let u = am.update(&state.db).await?;
    if disabled {
        session::revoke_all_for_user(state, user_id).await?;
    }
    Ok(u)
}

/// Ends every session of one user, including tokens issued to API clients.
pub async fn end_sessions(state: &AppState, user_id: &str) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id.to_string())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut am: user::ActiveModel = u.into();
    am.sessions_valid_after = Set(Some(state.clock.now()));
    am.update(&state.db).await?;
    session::revoke_all_for_user(state, user_id).await?;
    Ok(())
}

/// One practitioner by id (`NotFound` when there is none).
pub async fn get(state: &AppState, id: &str) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id.to_string())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// A team's name, if there is such a team.
pub async fn team_name(
    state: &AppState,
    team_id: Option<&str>,
) -> Result<Option<String>, AppError> {
    Ok(match team_id {
        Some(t) => team::Entity::find_by_id(t.to_string())
            .one(&state.db)
            .await?
            .map(|t| t.name),
        None => None,
    })
}

/// How someone wants reminders before a due date: `immediate` (one email each) or `digest`
/// (gathered into the daily digest). Audited.
/// How someone wants reminders before a due date: each on its own, or in the morning digest.
#[derive(Debug, Clone, Default, serde::Deserialize, validator::Validate)]
pub struct ReminderChoice {
    #[serde(default)]
    #[validate(custom(function = "delivery"))]
    pub delivery: String,
}

impl Labels for ReminderChoice {
    const LABELS: &'static [(&'static str, &'static str)] = &[("delivery", "Reminders")];
}

fn delivery(d: &str) -> Result<(), validator::ValidationError> {
    if matches!(d, "immediate" | "digest") {
        Ok(())
    } else {
        Err(validator::ValidationError::new("delivery")
            .with_message("Select how you want reminders before a due date".into()))
    }
}

pub async fn set_reminder_delivery(
    state: &AppState,
    who: &user::Model,
    choice: &ReminderChoice,
    meta: &crate::services::audit::RequestMeta,
) -> Result<(), AppError> {
    input::check(choice)?;
    let delivery = choice.delivery.as_str();
    let mut am: user::ActiveModel = who.clone().into();
    am.reminder_delivery = Set(delivery.to_string());
    am.updated_at = Set(state.clock.now());
    am.update(&state.db).await?;
    crate::services::audit::record(
        state,
        Some(&who.id),
        "change_reminder_preference",
        Some(crate::services::audit::Target::user(&who.id)),
        "success",
        meta,
    )
    .await
}
