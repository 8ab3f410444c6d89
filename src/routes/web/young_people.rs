//! A young person's record pages.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;

use super::render;
use crate::auth::WebUser;
use crate::error::AppError;
use crate::services::audit::RequestMeta;
use crate::services::young_people;
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/young-people/{id}", get(show))
}

#[derive(Template)]
#[template(path = "young_people/show.html")]
struct ShowPage {
    layout: Layout,
    name: String,
    local_id: String,
    date_of_birth: String,
    status: String,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let yp = young_people::get(&state, &user, &id, &meta).await?;
    let name = young_people::display_name(&yp);
    render(&ShowPage {
        layout: Layout::for_user(&name, &user, "/caseload"),
        local_id: yp.local_id.clone(),
        date_of_birth: yp.date_of_birth.format("%-d %B %Y").to_string(),
        status: young_people::status_label(&yp.legal_status).to_string(),
        name,
    })
}
