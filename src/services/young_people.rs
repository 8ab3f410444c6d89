//! Young people's records. Every query carries the caller's scope (ASVS 5.0 V8.2.2): an adviser
//! sees the young people allocated to them, a manager their team's, a senior manager everyone,
//! and an administrator without a casework role no one. Out of scope is indistinguishable from
//! missing: both are `NotFound`.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::{CurrentUser, Role};
use crate::entities::{team, user, young_person};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta, Target};
use crate::state::AppState;

/// The condition that limits young people to those the caller may see.
pub fn scope(caller: &CurrentUser) -> Condition {
    match caller.role {
        Role::SeniorManager => Condition::all(),
        Role::Adviser => {
            Condition::all().add(young_person::Column::AdviserId.eq(caller.id().to_string()))
        }
        Role::Manager => Condition::any()
            .add(young_person::Column::AdviserId.eq(caller.id().to_string()))
            .add(
                young_person::Column::AdviserId.in_subquery(
                    Query::select()
                        .column(user::Column::Id)
                        .from(user::Entity)
                        .and_where(
                            Expr::col(user::Column::TeamId).in_subquery(
                                Query::select()
                                    .column(team::Column::Id)
                                    .from(team::Entity)
                                    .and_where(
                                        Expr::col(team::Column::ManagerId)
                                            .eq(caller.id().to_string()),
                                    )
                                    .to_owned(),
                            ),
                        )
                        .to_owned(),
                ),
            ),
        // No casework role: nothing. (`1 = 0` keeps the query valid on both databases.)
        Role::None => Condition::all().add(Expr::val(1).eq(0)),
    }
}

/// The caller's young people, ordered by surname.
pub async fn list(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<young_person::Model>, AppError> {
    Ok(young_person::Entity::find()
        .filter(scope(caller))
        .order_by_asc(young_person::Column::FamilyName)
        .order_by_asc(young_person::Column::GivenName)
        .all(&state.db)
        .await?)
}

/// One young person, if the caller may see them. Every successful view is audited; a refused
/// one is audited too, as a denied view.
pub async fn get(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    meta: &RequestMeta,
) -> Result<young_person::Model, AppError> {
    let found = young_person::Entity::find_by_id(id.to_string())
        .filter(scope(caller))
        .one(&state.db)
        .await?;
    match found {
        Some(yp) => {
            audit::record(
                state,
                Some(caller.id()),
                "view_young_person",
                Some(Target::young_person(&yp.id)),
                "success",
                meta,
            )
            .await?;
            Ok(yp)
        }
        None => {
            audit::record(
                state,
                Some(caller.id()),
                "view_young_person",
                Some(Target::young_person(id)),
                "not_found",
                meta,
            )
            .await?;
            Err(AppError::NotFound)
        }
    }
}

/// The caller's caseload as rows for the list page: the most urgent first.
pub async fn caseload(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<crate::routes::web::home::CaseloadRow>, AppError> {
    use std::collections::HashMap;
    let people = list(state, caller).await?;
    let advisers: HashMap<String, String> = user::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let today = state.clock.today();
    let mut rows: Vec<_> = people
        .into_iter()
        .map(|p| crate::routes::web::home::CaseloadRow {
            name: display_name(&p),
            age: crate::domain::age::age_years(p.date_of_birth, today),
            status: status_label(&p.legal_status).to_string(),
            adviser: p
                .adviser_id
                .as_ref()
                .and_then(|a| advisers.get(a).cloned())
                .unwrap_or_else(|| "Not allocated".into()),
            overdue: p.overdue_count,
            next_due: p
                .next_due
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_else(|| "Nothing due".into()),
            id: p.id,
        })
        .collect();
    rows.sort_by(|a, b| b.overdue.cmp(&a.overdue));
    Ok(rows)
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

pub fn status_label(code: &str) -> &'static str {
    match code {
        "eligible" => "Eligible",
        "relevant" => "Relevant",
        "former_relevant" => "Former relevant",
        "qualifying" => "Qualifying",
        _ => "Not a care leaver yet",
    }
}

/// Recomputes and stores a young person's legal status and milestones (placeholder until the engine).
pub async fn recompute(_state: &AppState, _id: &str) -> Result<(), AppError> {
    Ok(())
}
