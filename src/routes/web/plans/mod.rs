//! Pathway plan pages: the list of versions, the plan with its live checklist, editing part by
//! part, submission, a manager's decision, comparison, and the young person's copy.

use axum::Router;
use axum::routing::{get, post};

use crate::domain::plan::SECTIONS;
use crate::state::AppState;

mod copy;
mod edit;
mod fields;
mod parse;
mod show;
mod versions;
mod whole;

pub use copy::*;
pub use edit::*;
pub use fields::Group;
pub use show::*;
pub use versions::*;
pub use whole::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/young-people/{id}/plans", get(list).post(start))
        .route("/young-people/{id}/plans/compare", get(compare))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/edit/{part}", get(edit).post(save))
        .route("/plans/{id}/submit", post(submit))
        .route("/plans/{id}/approve", post(approve))
        .route("/plans/{id}/return", post(return_plan))
        .route("/plans/{id}/copy", get(copy))
}

type Values = Vec<(String, String)>;

fn fmt(d: chrono::NaiveDate) -> String {
    crate::views::date(d)
}

fn opt_fmt(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Every editable part: (code, title).
fn parts() -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(c, t, _)| ((*c).into(), (*t).into()))
        .collect();
    p.push(("assessment".into(), "Needs assessment".into()));
    p.push(("risks".into(), "Risks, Plan B and contingency".into()));
    p.push(("accommodation".into(), "Accommodation suitability".into()));
    p.push(("rights".into(), "I have been told about".into()));
    p.push(("meetings".into(), "Multi-agency meetings".into()));
    p.push(("agreement".into(), "Agreement and next review".into()));
    p
}
