//! Server-side sessions. The signed token names a session row; the row decides whether the
//! session is alive: not logged out, not past its idle (30 minutes) or absolute (12 hours)
//! timeout, the user not disabled and not signed out everywhere since (ASVS 5.0 V7.3.1, V7.3.2,
//! V7.4.1, V7.4.2, V7.4.5).

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::jwt::{self, Claims, TokenKind};
use super::{CurrentUser, Role, csrf};
use crate::entities::{session, user};
use crate::error::AppError;
use crate::state::AppState;

/// Writes of `last_seen_at` are skipped when the last one is this recent, to spare the database.
const TOUCH_EVERY_SECONDS: i64 = 30;

pub struct NewSession {
    pub token: String,
    pub session_id: String,
    pub expires_in: i64,
}

/// Creates a session row and signs a token for it.
pub async fn create(
    state: &AppState,
    user_id: &str,
    kind: TokenKind,
) -> Result<NewSession, AppError> {
    let now = state.clock.now();
    let lifetime = match kind {
        TokenKind::Browser => Duration::hours(state.config.session_absolute_hours),
        TokenKind::Api => Duration::minutes(state.config.api_token_minutes),
    };
    let sid = uuid::Uuid::now_v7().to_string();
    session::ActiveModel {
        id: Set(sid.clone()),
        user_id: Set(user_id.to_string()),
        kind: Set(kind_str(kind).to_string()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + lifetime),
        revoked_at: Set(None),
    }
    .insert(&state.db)
    .await?;
    // The token's times and the session row's follow the same (service) clock.
    let iat = now.timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        sid: sid.clone(),
        typ: kind,
        iat,
        exp: iat + lifetime.num_seconds(),
        iss: jwt::ISSUER.into(),
        aud: jwt::AUDIENCE.into(),
    };
    let token = jwt::encode(state.config.jwt_secret.expose(), &claims)?;
    Ok(NewSession {
        token,
        session_id: sid,
        expires_in: lifetime.num_seconds(),
    })
}

fn kind_str(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Browser => "browser",
        TokenKind::Api => "api",
    }
}

/// Resolves a presented token to the signed-in user, or `None` if any check fails.
pub async fn resolve(
    state: &AppState,
    token: &str,
    kind: TokenKind,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(claims) = jwt::decode(
        state.config.jwt_secret.expose(),
        token,
        kind,
        state.clock.now(),
    ) else {
        return Ok(None);
    };
    let Some(sess) = session::Entity::find_by_id(claims.sid.clone())
        .filter(session::Column::UserId.eq(claims.sub.clone()))
        .filter(session::Column::Kind.eq(kind_str(kind)))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    if sess.revoked_at.is_some() || now >= sess.expires_at {
        return Ok(None);
    }
    if kind == TokenKind::Browser
        && now - sess.last_seen_at >= Duration::minutes(state.config.session_idle_minutes)
    {
        return Ok(None);
    }
    let Some(u) = user::Entity::find_by_id(sess.user_id.clone())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if u.disabled {
        return Ok(None);
    }
    if let Some(after) = u.sessions_valid_after
        && sess.created_at <= after
    {
        return Ok(None);
    }
    if (now - sess.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(sess.id.clone()))
            .exec(&state.db)
            .await?;
    }
    let role = Role::parse(&u.role).unwrap_or(Role::None);
    let csrf_token = csrf::session_token(state.config.jwt_secret.expose(), &sess.id);
    Ok(Some(CurrentUser {
        user: u,
        role,
        session_id: sess.id,
        csrf_token,
    }))
}

/// Ends one session (logout).
pub async fn revoke(state: &AppState, session_id: &str) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(state.clock.now()))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Ends every session of one user (disabling, "sign out everywhere").
pub async fn revoke_all_for_user(state: &AppState, user_id: &str) -> Result<u64, AppError> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(state.clock.now()))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected)
}

/// Ends every session of every user except the one given (an administrator's "end all sessions").
pub async fn revoke_all_except(state: &AppState, keep_session: &str) -> Result<u64, AppError> {
    let res = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(state.clock.now()))
        .filter(session::Column::Id.ne(keep_session))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected)
}

/// The `Set-Cookie` value that carries a browser session.
pub fn cookie(state: &AppState, token: &str) -> String {
    let cfg = &state.config;
    let secure = if cfg.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cfg.session_cookie_name(),
        token,
        cfg.session_absolute_hours * 3600,
        secure
    )
}

/// The `Set-Cookie` value that removes the browser session cookie.
pub fn clear_cookie(state: &AppState) -> String {
    let cfg = &state.config;
    let secure = if cfg.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cfg.session_cookie_name(),
        secure
    )
}
