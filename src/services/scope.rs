//! Who may see which young people, and the small helpers every use case about them shares: the
//! caller's scope as a query condition (ASVS 5.0 V8.2.2), the teams a manager manages, a young
//! person's team and display name. Below `young_people`, `team` and `oversight`, so those three
//! never need to import each other in a circle.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::{CurrentUser, Role};
use crate::entities::{team, user, young_person};
use crate::error::AppError;
use crate::state::AppState;

/// The condition that limits young people to those the caller may see.
pub fn scope(caller: &CurrentUser) -> Condition {
    match caller.role {
        Role::SeniorManager => Condition::all(),
        Role::Adviser => {
            Condition::all().add(young_person::Column::AdviserId.eq(caller.id().to_string()))
        }
        // Every young person in the teams they manage, allocated or not: one IN over the indexed
        // team column. A manager's own cases are in the team they manage (`home_team`).
        Role::Manager => Condition::all().add(
            young_person::Column::TeamId.in_subquery(
                Query::select()
                    .column(team::Column::Id)
                    .from(team::Entity)
                    .and_where(Expr::col(team::Column::ManagerId).eq(caller.id().to_string()))
                    .to_owned(),
            ),
        ),
        // No casework role: nothing. (`1 = 0` keeps the query valid on both databases.)
        Role::None => Condition::all().add(Expr::val(1).eq(0)),
    }
}

/// One young person in the caller's scope, without an audit entry (for use inside a use case
/// that audits its own action). Out of scope is `NotFound`, the same as missing.
pub async fn in_scope(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
) -> Result<young_person::Model, AppError> {
    young_person::Entity::find_by_id(id.to_string())
        .filter(scope(caller))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
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

/// Whether a practitioner works in a team: a member of it, or its manager. Who may be allocated
/// a young person in that team, and whether an allocation keeps the young person's team.
pub fn works_in(user: &user::Model, team: &team::Model) -> bool {
    user.team_id.as_deref() == Some(team.id.as_str())
        || team.manager_id.as_deref() == Some(user.id.as_str())
}

/// The team a practitioner's young people belong to: the team they manage, else their own team.
pub async fn home_team<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: &user::Model,
) -> Result<Option<String>, AppError> {
    let managed = team::Entity::find()
        .filter(team::Column::ManagerId.eq(user.id.clone()))
        .order_by_asc(team::Column::Id)
        .one(db)
        .await?;
    Ok(managed.map(|t| t.id).or_else(|| user.team_id.clone()))
}

/// "Preferred (Given) Family" or "Given Family".
pub fn display_name(p: &young_person::Model) -> String {
    match p.preferred_name.as_deref().filter(|s| !s.is_empty()) {
        Some(pref) if pref != p.given_name => {
            format!("{pref} ({}) {}", p.given_name, p.family_name)
        }
        _ => format!("{} {}", p.given_name, p.family_name),
    }
}

/// Trimmed text, or `None` when nothing was typed.
pub fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
