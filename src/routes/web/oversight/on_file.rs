//! Oversight on a file: a manager's decision or informal guidance on a young person's case.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Values, action_fields, page};
use crate::auth::WebUser;
use crate::error::AppError;
use crate::routes::web::forms::{self, Field};
use crate::services::audit::RequestMeta;
use crate::services::oversight::{self, NewOversight};
use crate::services::young_people;
use crate::state::AppState;

fn oversight_fields(kind: &str) -> Vec<Field> {
    if kind == "informal_guidance" {
        let mut f = vec![Field::new(
            "decision",
            "What guidance did you give?",
            "textarea",
        )];
        f.extend(action_fields("action_", "", 1));
        f
    } else {
        let mut f = vec![
            Field::new("decision", "Decision", "textarea"),
            Field::new("rationale", "Rationale", "textarea")
                .hint("Why this decision, and what you considered"),
            Field::new(
                "reflection",
                "Reflection or challenge offered (optional)",
                "textarea",
            ),
        ];
        f.extend(action_fields("action_", "", 3));
        f
    }
}

pub async fn oversight_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() || !matches!(kind.as_str(), "decision" | "informal_guidance") {
        return Err(AppError::NotFound);
    }
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let (heading, intro) = if kind == "informal_guidance" {
        (
            "Record informal guidance",
            "Guidance given in passing, recorded in under a minute so it is not lost.",
        )
    } else {
        (
            "Record a management decision",
            "A decision on this young person's case, with its rationale and what happens next.",
        )
    };
    page(
        &user,
        &young_people::display_name(&p),
        heading,
        Some(intro),
        format!("/young-people/{id}/oversight/{kind}"),
        format!("/young-people/{id}"),
        oversight_fields(&kind),
        &vec![],
        vec![],
        "Save",
    )
}

pub async fn oversight_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    if !matches!(kind.as_str(), "decision" | "informal_guidance") {
        return Err(AppError::NotFound);
    }
    let result =
        match forms::read::<NewOversight>(&values, &oversight_fields(&kind), &[("kind", &kind)]) {
            Ok(input) => oversight::record(&state, &user, &id, input, &meta)
                .await
                .map(|_| ()),
            Err(errors) => Err(AppError::Validation(errors)),
        };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/young-people/{id}#chronology")).into_response()),
        Err(AppError::Validation(errs)) => page(
            &user,
            "",
            if kind == "informal_guidance" {
                "Record informal guidance"
            } else {
                "Record a management decision"
            },
            None,
            format!("/young-people/{id}/oversight/{kind}"),
            format!("/young-people/{id}"),
            oversight_fields(&kind),
            &values,
            errs,
            "Save",
        ),
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}
