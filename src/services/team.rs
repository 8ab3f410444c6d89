//! The manager's view of their team.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::{CurrentUser, Role};
use crate::entities::{team, user};
use crate::error::AppError;
use crate::services::young_people;
use crate::state::AppState;

pub struct AdviserSummary {
    pub id: String,
    pub name: String,
    pub team: String,
    pub caseload: usize,
    pub overdue: i64,
}

/// Teams the caller manages (a senior manager: every team).
pub async fn managed_teams(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<team::Model>, AppError> {
    let mut q = team::Entity::find().order_by_asc(team::Column::Name);
    if caller.role != Role::SeniorManager {
        q = q.filter(team::Column::ManagerId.eq(caller.id().to_string()));
    }
    Ok(q.all(&state.db).await?)
}

/// Per adviser in the caller's teams: caseload size and overdue milestones.
pub async fn summary(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<AdviserSummary>, AppError> {
    let teams = managed_teams(state, caller).await?;
    let team_names: HashMap<String, String> = teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let advisers = user::Entity::find()
        .filter(user::Column::TeamId.is_in(team_names.keys().cloned()))
        .filter(user::Column::Role.eq("adviser"))
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?;
    let people = young_people::list(state, caller).await?;
    Ok(advisers
        .into_iter()
        .map(|a| {
            let mine: Vec<_> = people
                .iter()
                .filter(|p| p.adviser_id.as_deref() == Some(a.id.as_str()))
                .collect();
            AdviserSummary {
                team: a
                    .team_id
                    .as_ref()
                    .and_then(|t| team_names.get(t).cloned())
                    .unwrap_or_default(),
                caseload: mine.len(),
                overdue: mine.iter().map(|p| i64::from(p.overdue_count)).sum(),
                id: a.id,
                name: a.name,
            }
        })
        .collect())
}
