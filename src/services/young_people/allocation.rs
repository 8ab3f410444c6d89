//! A manager allocates a waiting young person's personal adviser in one step.

use super::changes::{AllocationChange, HistoryChange};
use super::details::allocatable_advisers;
use super::history::apply_change;
use super::in_scope;
use crate::auth::CurrentUser;
use crate::entities::{team, user};
use crate::error::{AppError, FieldError};
use crate::services::audit::RequestMeta;
use crate::services::scope::clean;
use crate::state::AppState;
use sea_orm::EntityTrait;
use validator::Validate;

use crate::input::{self, Labels, de};

/// A manager's one-step allocation: the page's form and the API's body.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema, Validate)]
pub struct Allocate {
    /// A personal adviser (or the manager) in the young person's team.
    #[validate(custom(
        function = "input::not_blank",
        message = "Choose a personal adviser in the young person's team"
    ))]
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    pub adviser_id: String,
    /// Kept in the allocation history; a standard reason when left out.
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 1000), custom(function = "input::lines"))]
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

impl Labels for Allocate {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("adviser_id", "Personal adviser"), ("reason", "Reason")];
}

/// A manager allocates a personal adviser to a young person waiting for one, in one step: the
/// adviser must be in the young person's team, and the allocation (with its reason) goes into the
/// allocation history like any other (CA 1989 Sch 2 para 19C; s.23B(2)).
pub async fn allocate(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    choice: Allocate,
    meta: &RequestMeta,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::NotFound);
    }
    input::check(&choice)?;
    let Allocate { adviser_id, reason } = choice;
    let person = in_scope(state, caller, id).await?;
    let advisers = team_advisers(state, caller, person.team_id.as_deref()).await?;
    if !advisers.iter().any(|a| a.id == adviser_id) {
        return Err(AppError::Validation(vec![FieldError::new(
            "adviser_id",
            "Choose a personal adviser in the young person's team",
        )]));
    }
    let reason = clean(&reason).unwrap_or_else(|| {
        if person.adviser_id.is_none() {
            "First personal adviser, allocated from the awaiting-allocation list".into()
        } else {
            "Personal adviser changed by a manager".into()
        }
    });
    apply_change(
        state,
        caller,
        id,
        HistoryChange::Allocation(AllocationChange {
            role: "personal_adviser".into(),
            user_id: Some(adviser_id.to_string()),
            person_name: None,
            start_date: state.clock.today(),
            reason,
        }),
        meta,
    )
    .await
}

/// The practitioners a manager may allocate within one team (`None`: every team the caller may
/// allocate in), by name.
pub async fn team_advisers(
    state: &AppState,
    caller: &CurrentUser,
    team_id: Option<&str>,
) -> Result<Vec<user::Model>, AppError> {
    let all = allocatable_advisers(state, caller).await?;
    let Some(team_id) = team_id else {
        return Ok(all);
    };
    let Some(team) = team::Entity::find_by_id(team_id.to_string())
        .one(&state.db)
        .await?
    else {
        return Ok(vec![]);
    };
    Ok(all
        .into_iter()
        .filter(|u| crate::services::scope::works_in(u, &team))
        .collect())
}
