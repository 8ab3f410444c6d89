//! Signing in: throttling per account and per address (ASVS 4.0.3 2.2.1; NCSC: 5 to 10
//! attempts), one answer for every failure so nobody learns whether the email or the password
//! was wrong, and an audit entry for every attempt.

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::auth::jwt::TokenKind;
use crate::auth::{password, session};
use crate::entities::{login_attempt, user};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::users::normalise_email;
use crate::state::AppState;

#[derive(Debug)]
pub enum LoginFailure {
    /// Wrong email, wrong password or a disabled account: indistinguishable to the caller.
    Invalid,
    Throttled,
}

pub struct LoggedIn {
    pub user: user::Model,
    pub session: session::NewSession,
}

/// Signs in with an email and password, unless the account or the address is throttled.
pub async fn login(
    state: &AppState,
    email: &str,
    password_given: &str,
    kind: TokenKind,
    meta: &RequestMeta,
) -> Result<Result<LoggedIn, LoginFailure>, AppError> {
    let email = normalise_email(email);
    let ip = meta.ip_or_unknown();
    let now = state.clock.now();
    let window_start = now - Duration::minutes(state.config.login_window_minutes);
    let (account_failures, address_failures) =
        recent_failures(state, &email, &ip, window_start).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.clone()))
        .one(&state.db)
        .await?;
    let actor = existing.as_ref().map(|u| u.id.clone());

    if account_failures >= state.config.login_max_failures_per_account
        || address_failures >= state.config.login_max_failures_per_address
    {
        audit::record(
            state,
            actor.as_deref(),
            "login_throttled",
            None,
            "denied",
            meta,
        )
        .await?;
        return Ok(Err(LoginFailure::Throttled));
    }

    let ok = password::verify(
        state,
        password_given.to_string(),
        existing.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let ok = ok && existing.as_ref().is_some_and(|u| !u.disabled);

    login_attempt::ActiveModel {
        email: Set(email),
        ip: Set(ip),
        succeeded: Set(ok),
        at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;

    match existing {
        Some(u) if ok => Ok(Ok(signed_in(state, u, kind, meta).await?)),
        _ => {
            audit::record(
                state,
                actor.as_deref(),
                "login_failed",
                None,
                "denied",
                meta,
            )
            .await?;
            Ok(Err(LoginFailure::Invalid))
        }
    }
}

/// Failed sign-ins in the window: (for this account since the window opened or since its last
/// success, from this address).
async fn recent_failures(
    state: &AppState,
    email: &str,
    ip: &str,
    window_start: chrono::DateTime<chrono::Utc>,
) -> Result<(u64, u64), AppError> {
    let last_success = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::Succeeded.eq(true))
        .filter(login_attempt::Column::At.gte(window_start))
        .order_by_desc(login_attempt::Column::At)
        .one(&state.db)
        .await?
        .map(|a| a.at);
    let account_since = last_success.map_or(window_start, |s| s.max(window_start));
    let account_failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::At.gt(account_since))
        .count(&state.db)
        .await?;
    let address_failures = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::At.gt(window_start))
        .count(&state.db)
        .await?;
    Ok((account_failures, address_failures))
}

/// A successful sign-in: a new session (or API token), audited.
async fn signed_in(
    state: &AppState,
    u: user::Model,
    kind: TokenKind,
    meta: &RequestMeta,
) -> Result<LoggedIn, AppError> {
    let s = session::create(state, &u.id, kind).await?;
    let action = match kind {
        TokenKind::Browser => "login",
        TokenKind::Api => "api_token_issued",
    };
    audit::record(
        state,
        Some(&u.id),
        action,
        Some(Target::user(&u.id)),
        "success",
        meta,
    )
    .await?;
    Ok(LoggedIn {
        user: u,
        session: s,
    })
}

/// Deletes sign-in attempts older than a day: throttling looks back one window only, so older
/// rows are personal data (an address and an email) kept for nothing. The audit log keeps the
/// sign-in history.
pub async fn prune_login_attempts(state: &AppState) -> Result<u64, sea_orm::DbErr> {
    let keep_from = state.clock.now()
        - chrono::Duration::minutes(state.config.login_window_minutes.max(24 * 60));
    let res = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lt(keep_from))
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected)
}
