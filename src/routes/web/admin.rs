//! Administration: users, sessions and the audit log. Administrators only; to anyone else these
//! pages do not exist.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::render;
use crate::auth::{CurrentUser, Role, WebUser, session};
use crate::error::{AppError, FieldError};
use crate::services::audit::{self, AuditFilter, RequestMeta, Target};
use crate::services::users::{self, NewUser};
use crate::state::AppState;
use crate::views::Layout;

fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.is_admin {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    let teams: HashMap<String, String> = users::teams(&state)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let rows = users::list(&state)
        .await?
        .into_iter()
        .map(|u| UserRow {
            team: u
                .team_id
                .as_ref()
                .and_then(|t| teams.get(t).cloned())
                .unwrap_or_else(|| "None".into()),
            role: {
                let r = Role::parse(&u.role).unwrap_or(Role::None);
                if u.is_admin {
                    format!("{}, administrator", r.label())
                } else {
                    r.label().to_string()
                }
            },
            id: u.id,
            name: u.name,
            email: u.email,
            disabled: u.disabled,
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("created") => Some("The user was added.".to_string()),
        Some("disabled") => Some("The user was disabled and signed out everywhere.".into()),
        Some("enabled") => Some("The user was enabled.".into()),
        Some("sessions") => Some("The user's sessions were ended.".into()),
        Some("all-sessions") => Some("Every other session was ended.".into()),
        _ => None,
    };
    render(&UsersPage {
        layout: Layout::for_user("Users", &user, "/admin/users"),
        users: rows,
        notice,
    })
}

pub struct TextField {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewUserPage {
    layout: Layout,
    errors: Vec<FieldError>,
    text_fields: Vec<TextField>,
    roles: Vec<(&'static str, &'static str)>,
    role: String,
    teams: Vec<crate::entities::team::Model>,
    team_id: String,
    is_admin: bool,
}

#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    team_id: String,
    #[serde(default)]
    is_admin: Option<String>,
}

async fn new_user_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: Vec<FieldError>,
) -> Result<Html<String>, AppError> {
    let err = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| e.message.clone())
    };
    let text_fields = vec![
        TextField {
            name: "name",
            label: "Full name",
            hint: None,
            input_type: "text",
            autocomplete: "off",
            value: form.name.clone(),
            error: err("name"),
        },
        TextField {
            name: "email",
            label: "Email address",
            hint: Some("They will use this to sign in"),
            input_type: "email",
            autocomplete: "off",
            value: form.email.clone(),
            error: err("email"),
        },
        TextField {
            name: "password",
            label: "Temporary password",
            hint: Some("At least 12 characters. Any characters are allowed."),
            input_type: "password",
            autocomplete: "new-password",
            value: String::new(),
            error: err("password"),
        },
    ];
    render(&NewUserPage {
        layout: Layout::for_user("Add a user", user, "/admin/users"),
        errors,
        text_fields,
        roles: vec![
            ("adviser", "Personal adviser"),
            ("manager", "Team manager"),
            ("senior_manager", "Senior manager (sees every team)"),
            ("none", "No casework role"),
        ],
        role: if form.role.is_empty() {
            "adviser".into()
        } else {
            form.role
        },
        teams: users::teams(state).await?,
        team_id: form.team_id,
        is_admin: form.is_admin.is_some(),
    })
}

pub async fn new_user(
    State(state): State<AppState>,
    WebUser(user): WebUser,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    new_user_page(&state, &user, NewUserForm::default(), vec![]).await
}

pub async fn create_user(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Form(form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    require_admin(&user)?;
    let Some(role) = Role::parse(&form.role) else {
        let errors = vec![FieldError::new("role", "Choose a casework role")];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_user_page(&state, &user, form, errors).await?,
        )
            .into_response());
    };
    let team_id = Some(form.team_id.clone()).filter(|t| !t.is_empty());
    if let Some(t) = &team_id
        && !users::teams(&state).await?.iter().any(|x| &x.id == t)
    {
        let errors = vec![FieldError::new("team_id", "Choose a team from the list")];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_user_page(&state, &user, form, errors).await?,
        )
            .into_response());
    }
    let created = users::create(
        &state,
        NewUser {
            email: form.email.clone(),
            name: form.name.clone(),
            password: form.password.clone(),
            role,
            is_admin: form.is_admin.is_some(),
            team_id,
        },
    )
    .await;
    match created {
        Ok(u) => {
            audit::record(
                &state,
                Some(user.id()),
                "create_user",
                Some(Target::user(&u.id)),
                "success",
                &meta,
            )
            .await?;
            Ok(Redirect::to("/admin/users?done=created").into_response())
        }
        Err(AppError::Validation(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_user_page(&state, &user, form, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

pub async fn disable_user(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    require_admin(&user)?;
    if id == user.id() {
        return Err(AppError::BadRequest(
            "You cannot disable your own account.".into(),
        ));
    }
    users::set_disabled(&state, &id, true).await?;
    audit::record(
        &state,
        Some(user.id()),
        "disable_user",
        Some(Target::user(&id)),
        "success",
        &meta,
    )
    .await?;
    Ok(Redirect::to("/admin/users?done=disabled"))
}

pub async fn enable_user(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    require_admin(&user)?;
    users::set_disabled(&state, &id, false).await?;
    audit::record(
        &state,
        Some(user.id()),
        "enable_user",
        Some(Target::user(&id)),
        "success",
        &meta,
    )
    .await?;
    Ok(Redirect::to("/admin/users?done=enabled"))
}

pub async fn end_user_sessions(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    require_admin(&user)?;
    users::end_sessions(&state, &id).await?;
    audit::record(
        &state,
        Some(user.id()),
        "end_user_sessions",
        Some(Target::user(&id)),
        "success",
        &meta,
    )
    .await?;
    if id == user.id() {
        return Ok(Redirect::to("/login"));
    }
    Ok(Redirect::to("/admin/users?done=sessions"))
}

pub async fn end_all_sessions(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
) -> Result<Redirect, AppError> {
    require_admin(&user)?;
    let n = session::revoke_all_except(&state, &user.session_id).await?;
    tracing::info!(sessions = n, "an administrator ended all other sessions");
    audit::record(
        &state,
        Some(user.id()),
        "end_all_sessions",
        None,
        "success",
        &meta,
    )
    .await?;
    Ok(Redirect::to("/admin/users?done=all-sessions"))
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub outcome: String,
    pub ip: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    actors: Vec<(String, String)>,
    filter_actor: String,
    filter_action: String,
    filter_record: String,
    filter_from: String,
    filter_to: String,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    record: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

pub async fn audit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    let date = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    };
    let filter = AuditFilter {
        actor: q.actor.clone(),
        action: q.action.clone(),
        record: q.record.clone(),
        from: date(&q.from),
        to: date(&q.to),
    };
    let people = users::list(&state).await?;
    let names: HashMap<String, String> = people
        .iter()
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect();
    let rows = audit::search(&state, &filter, 500)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: e.at.format("%-d %B %Y %H:%M:%S").to_string(),
            actor: e
                .actor_id
                .as_ref()
                .map(|a| names.get(a).cloned().unwrap_or_else(|| a.clone()))
                .unwrap_or_else(|| "Not signed in".into()),
            action: e.action,
            record: match (e.record_type, e.record_id) {
                (Some(t), Some(i)) => format!("{t} {i}"),
                _ => String::new(),
            },
            outcome: e.outcome,
            ip: e.ip.unwrap_or_default(),
        })
        .collect();
    audit::record(
        &state,
        Some(user.id()),
        "view_audit_log",
        None,
        "success",
        &meta,
    )
    .await?;
    render(&AuditPage {
        layout: Layout::for_user("Audit log", &user, "/admin/audit"),
        rows,
        actors: people.into_iter().map(|u| (u.id, u.name)).collect(),
        filter_actor: q.actor.unwrap_or_default(),
        filter_action: q.action.unwrap_or_default(),
        filter_record: q.record.unwrap_or_default(),
        filter_from: q.from.unwrap_or_default(),
        filter_to: q.to.unwrap_or_default(),
    })
}

// ----- emails -------------------------------------------------------------------------------

pub struct EmailRow {
    pub id: String,
    pub created: String,
    pub to: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub status_label: &'static str,
    pub attempts: i32,
    pub when: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "admin/emails.html")]
struct EmailsPage {
    layout: Layout,
    counts: Vec<(&'static str, &'static str, i64)>,
    filter: String,
    rows: Vec<EmailRow>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct EmailsQuery {
    status: Option<String>,
    done: Option<String>,
}

const EMAIL_STATES: &[(&str, &str)] = &[
    ("pending", "Waiting to send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("dead", "Failed"),
    ("held", "Held for digest"),
    ("digested", "In a digest"),
];

fn email_state_label(s: &str) -> &'static str {
    EMAIL_STATES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or("Unknown", |(_, l)| l)
}

/// Recent emails, their state and any error; failed ones can be tried again.
pub async fn emails(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Query(q): Query<EmailsQuery>,
) -> Result<Html<String>, AppError> {
    require_admin(&user)?;
    let filter = q
        .status
        .filter(|s| EMAIL_STATES.iter().any(|(k, _)| k == s))
        .unwrap_or_default();
    let by_state = crate::services::emails::counts_by_state(&state).await?;
    let counts = EMAIL_STATES
        .iter()
        .map(|(k, l)| (*k, *l, by_state.get(*k).copied().unwrap_or(0)))
        .collect();
    let rows = crate::services::emails::recent(
        &state,
        Some(filter.as_str()).filter(|f| !f.is_empty()),
        200,
    )
    .await?
    .into_iter()
    .map(|r| EmailRow {
        created: r.created_at.format("%-d %B %Y %H:%M").to_string(),
        to: r.to_addr,
        kind: crate::services::reminders::kind_label(&r.kind),
        subject: r.subject,
        status_label: email_state_label(&r.status),
        attempts: r.attempts,
        when: match (&r.sent_at, r.status.as_str()) {
            (Some(t), _) => format!("Sent {}", t.format("%-d %B %H:%M")),
            (None, "pending") if r.attempts > 0 => {
                format!("Next try {}", r.run_at.format("%-d %B %H:%M"))
            }
            _ => String::new(),
        },
        error: r.last_error.unwrap_or_default(),
        status: r.status,
        id: r.id,
    })
    .collect();
    audit::record(
        &state,
        Some(user.id()),
        "view_emails",
        None,
        "success",
        &meta,
    )
    .await?;
    render(&EmailsPage {
        layout: Layout::for_user("Emails", &user, "/admin/emails"),
        counts,
        filter,
        rows,
        notice: match q.done.as_deref() {
            Some("retry") => Some("The email will be sent again shortly.".into()),
            _ => None,
        },
    })
}

pub async fn retry_email(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    require_admin(&user)?;
    if !crate::services::emails::retry(&state, &id).await? {
        return Err(AppError::NotFound);
    }
    audit::record(
        &state,
        Some(user.id()),
        "retry_email",
        None,
        "success",
        &meta,
    )
    .await?;
    Ok(Redirect::to("/admin/emails?done=retry"))
}
