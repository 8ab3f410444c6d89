//! Management oversight pages: decisions and informal guidance on a file, supervision, case
//! audits and moderation, and the drill-down lists behind "My team". One submodule per journey;
//! the form page, the action rows and the list page they share are here.

mod audits;
mod lists;
mod on_file;
mod supervision;

pub use audits::{
    ActionRow, action_status, audit_form, audit_show, audit_submit, moderate_form, moderate_submit,
};
pub use lists::{AdviserFilter, team_actions, team_approvals, team_overdue};
pub use on_file::{oversight_form, oversight_submit};
pub use supervision::{supervision_form, supervision_list, supervision_submit};

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};

use super::forms::{Field, FormPage, date_field as date};
use crate::auth::CurrentUser;
use crate::error::{AppError, FieldError};
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/young-people/{id}/oversight/{kind}",
            get(oversight_form).post(oversight_submit),
        )
        .route(
            "/supervision/new",
            get(supervision_form).post(supervision_submit),
        )
        .route("/advisers/{id}/supervision", get(supervision_list))
        .route(
            "/young-people/{id}/audits/new",
            get(audit_form).post(audit_submit),
        )
        .route("/audits/{id}", get(audit_show))
        .route(
            "/audits/{id}/moderate",
            get(moderate_form).post(moderate_submit),
        )
        .route("/audit-actions/{id}/{change}", post(action_status))
        .route("/team/overdue", get(team_overdue))
        .route("/team/approvals", get(team_approvals))
        .route("/team/audit-actions", get(team_actions))
}

type Values = Vec<(String, String)>;

fn fmt(d: chrono::NaiveDate) -> String {
    crate::views::date(d)
}

#[allow(clippy::too_many_arguments)]
fn page(
    user: &CurrentUser,
    caption: &str,
    heading: &str,
    intro: Option<&str>,
    action: String,
    back: String,
    fields: Vec<Field>,
    values: &Values,
    errors: Vec<FieldError>,
    submit: &str,
) -> Result<Response, AppError> {
    FormPage {
        layout: Layout::for_user(heading, user, "/team"),
        caption: caption.into(),
        heading: heading.into(),
        intro: intro.map(Into::into),
        action,
        submit: submit.into(),
        back,
        fields,
        errors,
        hidden: vec![],
    }
    .respond(values)
}

/// `n` rows of action fields, named `{prefix}{i}_what` on the page and read into
/// `{path}actions[{i}].what`.
fn action_fields(prefix: &str, path: &str, n: usize) -> Vec<Field> {
    let mut f = vec![];
    for i in 0..n {
        let k = i + 1;
        let at = |field: &str| format!("{path}actions[{i}].{field}");
        f.push(
            Field::new(
                &format!("{prefix}{i}_what"),
                &format!("Action {k}: what (optional)"),
                "text",
            )
            .at(at("what")),
        );
        f.push(
            Field::new(
                &format!("{prefix}{i}_who"),
                &format!("Action {k}: who"),
                "text",
            )
            .at(at("who")),
        );
        f.push(date(&format!("{prefix}{i}_by"), &format!("Action {k}: by when")).at(at("by_when")));
    }
    f
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    layout: Layout,
    heading: String,
    intro: Option<String>,
    back: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<(String, Option<String>)>>,
    empty: &'static str,
    links: Vec<(String, String)>,
}

fn cell(s: impl Into<String>) -> (String, Option<String>) {
    (s.into(), None)
}

fn link(s: impl Into<String>, href: String) -> (String, Option<String>) {
    (s.into(), Some(href))
}
