//! Sign in and sign out.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::render;
use crate::auth::extract::MaybeWebUser;
use crate::auth::jwt::TokenKind;
use crate::auth::{WebUser, csrf, random_token, session};
use crate::error::{AppError, FieldError};
use crate::routes::middleware::parse_cookies;
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::auth::{LoginFailure, login};
use crate::state::AppState;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf_token: String,
    email: String,
    has_error: bool,
    message: String,
    errors: Vec<FieldError>,
}

/// Renders the sign-in form with a fresh pre-login token (the form token is bound to it).
fn login_form(
    state: &AppState,
    nonce: Option<String>,
    email: String,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, AppError> {
    let (nonce, set_cookie) = match nonce {
        Some(n) => (n, None),
        None => {
            let n = random_token(32);
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie = format!(
                "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600{}",
                state.config.login_cookie_name(),
                n,
                secure
            );
            (n, Some(cookie))
        }
    };
    let errors = message
        .as_ref()
        .map(|m| vec![FieldError::new("email", m.clone())])
        .unwrap_or_default();
    let page = LoginPage {
        layout: Layout::bare("Sign in"),
        csrf_token: csrf::login_token(state.config.jwt_secret.expose(), &nonce),
        email,
        has_error: message.is_some(),
        message: message.unwrap_or_default(),
        errors,
    };
    let mut res = (status, render(&page)?).into_response();
    if let Some(c) = set_cookie
        && let Ok(v) = HeaderValue::from_str(&c)
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn login_page(
    State(state): State<AppState>,
    MaybeWebUser(user): MaybeWebUser,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let nonce = parse_cookies(&headers)
        .get(state.config.login_cookie_name())
        .cloned();
    login_form(&state, nonce, String::new(), StatusCode::OK, None)
}

pub async fn login_submit(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: axum::http::HeaderMap,
    Form(form): Form<crate::auth::Credentials>,
) -> Result<Response, AppError> {
    let nonce = parse_cookies(&headers)
        .get(state.config.login_cookie_name())
        .cloned();
    let email = form.email.trim().to_string();
    if let Err(AppError::Validation(errors)) = crate::input::check(&form) {
        let msg = errors.into_iter().next().map(|e| e.message);
        return login_form(&state, nonce, email, StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    match login(&state, &email, &form.password, TokenKind::Browser, &meta).await? {
        Ok(done) => {
            let mut res = Redirect::to("/").into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&session::cookie(&state, &done.session.token)) {
                h.append(header::SET_COOKIE, v);
            }
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let clear = format!(
                "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
                state.config.login_cookie_name(),
                secure
            );
            if let Ok(v) = HeaderValue::from_str(&clear) {
                h.append(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(LoginFailure::Invalid) => login_form(
            &state,
            nonce,
            email,
            StatusCode::UNAUTHORIZED,
            Some("Enter a correct email address and password".into()),
        ),
        Err(LoginFailure::Throttled) => login_form(
            &state,
            nonce,
            email,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts to sign in. Wait 15 minutes and try again.".into()),
        ),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
) -> Result<Response, AppError> {
    session::revoke(&state, &user.session_id).await?;
    audit::record(
        &state,
        Some(user.id()),
        "logout",
        Some(Target::user(user.id())),
        "success",
        &meta,
    )
    .await?;
    let mut res = Redirect::to("/login").into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&session::clear_cookie(&state)) {
        h.append(header::SET_COOKIE, v);
    }
    h.insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"cookies\""),
    );
    Ok(res)
}
