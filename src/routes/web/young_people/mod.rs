//! A young person's record: details, legal status, the transition timeline, the care history and
//! the forms that change them. One submodule per journey: adding and changing the details, the
//! care history and events, allocation from the awaiting list, and the record page itself.

mod allocate;
mod details;
mod history;
mod record;

pub use allocate::{allocate, allocate_form};
pub use details::{create, edit_form, new_form, update};
pub use history::{change_form, change_submit};
pub use record::{ChronologyRow, MilestoneRow, Row, ShowQuery, show};

use axum::Router;
use axum::response::Response;
use axum::routing::get;

use super::forms::{Field, FormPage};
use crate::auth::CurrentUser;
use crate::error::{AppError, FieldError};
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/young-people/new", get(new_form).post(create))
        .route("/young-people/{id}", get(show))
        .route("/young-people/{id}/edit", get(edit_form).post(update))
        .route(
            "/young-people/{id}/add/{kind}",
            get(change_form).post(change_submit),
        )
        .route(
            "/young-people/{id}/allocate",
            get(allocate_form).post(allocate),
        )
}

type Values = Vec<(String, String)>;

#[allow(clippy::too_many_arguments)]
fn form_page(
    user: &CurrentUser,
    caption: &str,
    heading: &str,
    intro: Option<String>,
    action: String,
    back: String,
    fields: Vec<Field>,
    values: &Values,
    errors: Vec<FieldError>,
    hidden: Vec<(String, String)>,
    submit: &str,
) -> Result<Response, AppError> {
    FormPage {
        layout: Layout::for_user(heading, user, "/caseload"),
        caption: caption.into(),
        heading: heading.into(),
        intro,
        action,
        submit: submit.into(),
        back,
        fields,
        errors,
        hidden,
    }
    .respond(values)
}
