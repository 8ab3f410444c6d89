//! The SSDA903 care-leaver return: a page listing what must be put right, young person by young
//! person, and the Header and OC3 tables as 903 CSV. Senior managers only (the return covers the
//! whole authority); every view and download is audited.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::render;
use crate::auth::{CurrentUser, Role, WebUser};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta};
use crate::services::ssda903::{self, Problem};
use crate::state::AppState;
use crate::views::Layout;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

fn allowed(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::SeniorManager {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "returns/ssda903.html")]
struct ReturnPage {
    layout: Layout,
    year: i32,
    label: String,
    years: Vec<(i32, String, bool)>,
    rows: usize,
    missing: Vec<Problem>,
    problems: Vec<Problem>,
}

fn label(year: i32) -> String {
    format!("1 April {} to 31 March {year}", year - 1)
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    allowed(&user)?;
    let latest = ssda903::latest_complete_year(state.clock.today());
    let year = q.year.unwrap_or(latest);
    if !(latest - 5..=latest + 1).contains(&year) {
        return Err(AppError::NotFound);
    }
    let x = ssda903::extract(&state, year).await?;
    audit::record(
        &state,
        Some(user.id()),
        "view_ssda903",
        None,
        "success",
        &meta,
    )
    .await?;
    render(&ReturnPage {
        layout: Layout::for_user("SSDA903 care-leaver return", &user, "/returns/ssda903"),
        year,
        label: label(year),
        years: (latest - 5..=latest + 1)
            .rev()
            .map(|y| (y, label(y), y == year))
            .collect(),
        rows: x.rows.len(),
        missing: x.missing,
        problems: x.problems,
    })
}

pub async fn download(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(file): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    allowed(&user)?;
    let table = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    let year = q
        .year
        .unwrap_or_else(|| ssda903::latest_complete_year(state.clock.today()));
    let x = ssda903::extract(&state, year).await?;
    let body = ssda903::csv(&x, table).ok_or(AppError::NotFound)?;
    audit::record(
        &state,
        Some(user.id()),
        "export_ssda903",
        None,
        "success",
        &meta,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{table}-{}-{}.csv\"",
                    year - 1,
                    year % 100
                ),
            ),
        ],
        body,
    )
        .into_response())
}
