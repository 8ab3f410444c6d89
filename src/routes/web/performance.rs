//! The performance page: every indicator for the authority, a team or an adviser's caseload,
//! with its numerator and denominator, the young people behind it, a 12-month trend drawn as an
//! accessible SVG with a table equivalent, and a CSV of everything shown.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::render;
use crate::auth::WebUser;
use crate::domain::indicators::{self, Band, Better};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta};
use crate::services::indicators::{self as svc, Scope};
use crate::state::AppState;
use crate::views::Layout;

#[derive(Deserialize)]
pub struct ScopeQuery {
    scope: Option<String>,
    band: Option<String>,
}

fn pct(num: i32, den: i32) -> Option<f64> {
    (den > 0).then(|| f64::from(num) * 100.0 / f64::from(den))
}

fn pct_text(num: i32, den: i32) -> String {
    pct(num, den).map_or_else(|| "No data".into(), |p| format!("{p:.0}%"))
}

pub struct TrendPoint {
    pub month: String,
    pub value: String,
    pub counts: String,
}

pub struct Row {
    pub code: &'static str,
    pub title: String,
    pub counts: &'static str,
    pub better: &'static str,
    pub band: String,
    pub band_code: &'static str,
    pub value: String,
    pub num: i32,
    pub den: i32,
    pub svg_points: String,
    pub svg_id: String,
    pub svg_desc: String,
    pub trend: Vec<TrendPoint>,
}

pub struct Group {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "performance/index.html")]
struct PerformancePage {
    layout: Layout,
    scopes: Vec<(String, String, bool)>,
    scope_key: String,
    scope_name: String,
    groups: Vec<Group>,
    computed: String,
}

/// The scope asked for, if the caller may see it; their first scope when none is asked for.
async fn chosen(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    asked: Option<&str>,
) -> Result<(Scope, String, Vec<(Scope, String)>), AppError> {
    let scopes = svc::scopes_for(state, user).await?;
    let scope = match asked {
        Some(a) => Scope::parse(a).ok_or(AppError::NotFound)?,
        None => scopes
            .first()
            .map(|(s, _)| s.clone())
            .ok_or(AppError::NotFound)?,
    };
    let name = scopes
        .iter()
        .find(|(s, _)| *s == scope)
        .map(|(_, n)| n.clone())
        .ok_or(AppError::NotFound)?;
    Ok((scope, name, scopes))
}

/// A number to one decimal place, written with integer arithmetic: float formatting was a
/// tenth of this page's time.
fn one_decimal(out: &mut String, x: f64) {
    use std::fmt::Write;
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let _ = write!(out, "{sign}{}.{}", tenths.abs() / 10, tenths.abs() % 10);
}

/// A sparkline: the percentages as a polyline in a 120 by 32 box, 0% at the bottom.
fn sparkline(trend: &[(chrono::NaiveDate, i32, i32)]) -> String {
    let span = trend.len().saturating_sub(1).max(1) as f64;
    let mut out = String::with_capacity(trend.len() * 12);
    for (i, p) in trend
        .iter()
        .enumerate()
        .filter_map(|(i, (_, n, d))| pct(*n, *d).map(|p| (i, p)))
    {
        if !out.is_empty() {
            out.push(' ');
        }
        one_decimal(&mut out, i as f64 * 116.0 / span + 2.0);
        out.push(',');
        one_decimal(&mut out, 30.0 - p * 0.28);
    }
    out
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Query(q): Query<ScopeQuery>,
) -> Result<Html<String>, AppError> {
    let (scope, scope_name, scopes) = chosen(&state, &user, q.scope.as_deref()).await?;
    let (series, computed) = svc::series(&state, &scope).await?;
    let groups = groups(series);
    audit::record(
        &state,
        Some(user.id()),
        "view_performance",
        None,
        "success",
        &meta,
    )
    .await?;
    let key = scope.key();
    render(&PerformancePage {
        layout: Layout::for_user("Performance", &user, "/performance"),
        scopes: scopes
            .into_iter()
            .map(|(s, n)| {
                let k = s.key();
                let selected = k == key;
                (k, n, selected)
            })
            .collect(),
        scope_key: key,
        scope_name,
        groups,
        computed: computed.map_or_else(
            || "not yet worked out; figures appear within a few minutes of start-up".into(),
            |c| c.format("%-d %B %Y at %H:%M UTC").to_string(),
        ),
    })
}

/// The indicators' rows, in their groups, in the order the series come.
fn groups(series: Vec<svc::Series>) -> Vec<Group> {
    // Every series shares the same few month-ends: format each date once, not once a point.
    let mut labels: HashMap<NaiveDate, String> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for s in series {
        let Some(d) = indicators::def(s.code) else {
            continue;
        };
        let row = row(&s, d, &mut labels);
        match groups.iter_mut().find(|g| g.title == d.group) {
            Some(g) => g.rows.push(row),
            None => groups.push(Group {
                title: d.group,
                rows: vec![row],
            }),
        }
    }
    groups
}

/// One indicator's row: its figure now, its sparkline and the trend's table.
fn row(s: &svc::Series, d: &indicators::Def, labels: &mut HashMap<NaiveDate, String>) -> Row {
    let band = s
        .band
        .map(|b| format!("aged {}", b.code()))
        .unwrap_or_default();
    let first = s.trend.first();
    let last = s.trend.last();
    let month = |d: &NaiveDate| d.format("%B %Y").to_string();
    let svg_desc = match (first, last) {
        (Some(f), Some(l)) if s.trend.len() > 1 => format!(
            "{} in {} and {} in {}",
            pct_text(f.1, f.2),
            month(&f.0),
            pct_text(l.1, l.2),
            month(&l.0)
        ),
        _ => "Not enough months kept yet for a trend".into(),
    };
    Row {
        code: d.code,
        title: d.title.to_string(),
        counts: d.counts,
        better: match d.better {
            Better::Higher => "Higher is better",
            Better::Lower => "Lower is better",
        },
        band_code: s.band.map_or("", |b| b.code()),
        svg_id: format!("trend-{}-{}", d.code, s.band.map_or("all", |b| b.code())),
        value: pct_text(s.current.0, s.current.1),
        num: s.current.0,
        den: s.current.1,
        svg_points: sparkline(&s.trend),
        svg_desc,
        trend: s
            .trend
            .iter()
            .map(|(p, n, dd)| TrendPoint {
                month: labels
                    .entry(*p)
                    .or_insert_with(|| crate::views::date(p))
                    .clone(),
                value: pct_text(*n, *dd),
                counts: format!("{n} of {dd}"),
            })
            .collect(),
        band,
    }
}

fn csv_field(s: &str) -> String {
    // Quote every field; a leading =, +, - or @ is neutralised so a spreadsheet never runs it.
    let safe = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", safe.replace('"', "\"\""))
}

pub async fn csv(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Query(q): Query<ScopeQuery>,
) -> Result<Response, AppError> {
    let (scope, scope_name, _) = chosen(&state, &user, q.scope.as_deref()).await?;
    let (series, _) = svc::series(&state, &scope).await?;
    let mut out =
        String::from("scope,period,group,indicator,age_band,numerator,denominator,percent\r\n");
    for s in series {
        let Some(d) = indicators::def(s.code) else {
            continue;
        };
        for (period, n, den) in &s.trend {
            let p = pct(*n, *den).map(|p| format!("{p:.1}")).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{},{n},{den},{p}\r\n",
                csv_field(&scope_name),
                period,
                csv_field(d.group),
                csv_field(d.title),
                s.band.map(|b| b.code()).unwrap_or(""),
            ));
        }
    }
    audit::record(
        &state,
        Some(user.id()),
        "export_performance",
        None,
        "success",
        &meta,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"pathway-performance.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "performance/behind.html")]
struct BehindPage {
    layout: Layout,
    title: String,
    counts: &'static str,
    scope_key: String,
    scope_name: String,
    rows: Vec<(String, String, bool)>,
    met: usize,
}

pub async fn behind(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(code): Path<String>,
    Query(q): Query<ScopeQuery>,
) -> Result<Html<String>, AppError> {
    let d = indicators::def(&code).ok_or(AppError::NotFound)?;
    let band = match q.band.as_deref().filter(|b| !b.is_empty()) {
        Some(b) => Some(Band::parse(b).ok_or(AppError::NotFound)?),
        None => None,
    };
    if d.banded != band.is_some() {
        return Err(AppError::NotFound);
    }
    let (scope, scope_name, _) = chosen(&state, &user, q.scope.as_deref()).await?;
    let rows = svc::behind(&state, &scope, d.code, band).await?;
    audit::record(
        &state,
        Some(user.id()),
        "view_performance_list",
        None,
        "success",
        &meta,
    )
    .await?;
    let title = match band {
        Some(b) => format!("{}, aged {}", d.title, b.code()),
        None => d.title.to_string(),
    };
    render(&BehindPage {
        layout: Layout::for_user(&title, &user, "/performance"),
        met: rows.iter().filter(|r| r.2).count(),
        title,
        counts: d.counts,
        scope_key: scope.key(),
        scope_name,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_points_match_float_formatting() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let trend = vec![(d, 1, 3), (d, 0, 0), (d, 2, 2), (d, 0, 5)];
        let expected: Vec<String> = [(0usize, 100.0 / 3.0), (2, 100.0), (3, 0.0)]
            .iter()
            .map(|(i, p)| {
                format!(
                    "{:.1},{:.1}",
                    *i as f64 * 116.0 / 3.0 + 2.0,
                    30.0 - p * 0.28
                )
            })
            .collect();
        assert_eq!(sparkline(&trend), expected.join(" "));
    }
}
