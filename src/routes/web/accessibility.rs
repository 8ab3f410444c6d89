//! The accessibility statement, in the GOV.UK model. Open to everyone, signed in or not, and
//! linked from every page's footer.

use askama::Template;
use axum::response::Html;

use super::render;
use crate::auth::extract::MaybeWebUser;
use crate::error::AppError;
use crate::views::Layout;

#[derive(Template)]
#[template(path = "accessibility.html")]
struct StatementPage {
    layout: Layout,
}

pub async fn statement(MaybeWebUser(user): MaybeWebUser) -> Result<Html<String>, AppError> {
    let title = "Accessibility statement";
    let layout = match &user {
        Some(u) => Layout::for_user(title, u, "/accessibility"),
        None => Layout::bare(title),
    };
    render(&StatementPage { layout })
}
