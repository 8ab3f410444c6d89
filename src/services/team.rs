//! The manager's view of their team: per practitioner, caseload, overdue milestones, plans
//! awaiting approval, supervision due and audit actions open, with the lists behind each number.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::auth::{CurrentUser, Role};
use crate::entities::{milestone, plan, team, user, young_person};
use crate::error::AppError;
use crate::services::oversight::{self, SupervisionStatus};
pub use crate::services::scope::managed_teams;
use crate::services::young_people;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AdviserSummary {
    pub id: String,
    pub name: String,
    pub team: String,
    pub caseload: usize,
    pub overdue: i64,
    pub plans_awaiting_approval: usize,
    pub supervision: SupervisionStatus,
    pub audit_actions_open: usize,
}

/// The practitioners in the caller's teams.
pub async fn members(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<(user::Model, String)>, AppError> {
    let teams = managed_teams(state, caller).await?;
    Ok(team_people(state, &teams)
        .await?
        .into_iter()
        .filter(|(u, _)| u.role == "adviser")
        .collect())
}

/// Everyone in the caller's teams, whatever their role, with their team's name.
async fn team_people(
    state: &AppState,
    teams: &[team::Model],
) -> Result<Vec<(user::Model, String)>, AppError> {
    let names: HashMap<String, String> = teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let people = user::Entity::find()
        .filter(user::Column::TeamId.is_in(names.keys().cloned()))
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?;
    Ok(people
        .into_iter()
        .map(|u| {
            let t = u
                .team_id
                .as_ref()
                .and_then(|t| names.get(t).cloned())
                .unwrap_or_default();
            (u, t)
        })
        .collect())
}

pub async fn summary(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<AdviserSummary>, AppError> {
    Ok(overview(state, caller).await?.rows)
}

/// The team page: a row per practitioner, and how many plans in the caller's scope wait for
/// approval (the manager's own cases included, as on the list behind that number).
pub struct TeamOverview {
    pub rows: Vec<AdviserSummary>,
    /// The teams the caller manages (a senior manager: every team).
    pub teams: Vec<team::Model>,
    pub awaiting_approval: usize,
    /// Overdue milestones in the caller's scope, those of young people waiting for an adviser
    /// included (as on the list behind that number).
    pub overdue: i64,
}

/// Per adviser in the caller's scope: young people, overdue milestones, plans awaiting approval;
/// those waiting for an adviser under `None`. The caller's scope is given as the teams it covers
/// (`None`: everyone), bound as values: with the scope's subquery instead, PostgreSQL's generic
/// plan for the prepared statement scanned every young person in a small authority.
/// One statement over the team index; each young person's waiting plans are counted by a
/// probe of the plans' (young person, version) index. (A join of plans on status instead made
/// PostgreSQL read every submitted plan in the authority: 112 requests a second at 100,000.)
async fn counts_by_adviser(
    state: &AppState,
    teams: Option<&[String]>,
) -> Result<HashMap<Option<String>, (i64, i64, i64)>, AppError> {
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ConnectionTrait, Iden};

    let people = Query::select()
        .column(young_person::Column::AdviserId)
        .column(young_person::Column::OverdueCount)
        .expr_as(
            Expr::cust(format!(
                "(SELECT COUNT(*) FROM plans WHERE plans.young_person_id = {t}.id \
                 AND plans.status = 'submitted')",
                t = young_person::Entity.to_string()
            )),
            Alias::new("waiting"),
        )
        .from(young_person::Entity)
        .cond_where(match teams {
            Some(ids) => sea_orm::Condition::all()
                .add(young_person::Column::TeamId.is_in(ids.iter().cloned())),
            None => sea_orm::Condition::all(),
        })
        .to_owned();
    let counts = Query::select()
        .column(Alias::new("adviser_id"))
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("CAST(SUM(overdue_count) AS BIGINT)"))
        .expr(Expr::cust("CAST(SUM(waiting) AS BIGINT)"))
        .from_subquery(people, Alias::new("p"))
        .group_by_col(Alias::new("adviser_id"))
        .to_owned();
    let mut out = HashMap::new();
    for row in state.db.query_all(&counts).await? {
        let adviser: Option<String> = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        let overdue: Option<i64> = row.try_get_by_index(2)?;
        let waiting: Option<i64> = row.try_get_by_index(3)?;
        out.insert(adviser, (n, overdue.unwrap_or(0), waiting.unwrap_or(0)));
    }
    Ok(out)
}

/// Counts come from the database grouped by adviser, never by loading the young people: a
/// manager's page costs the same few indexed reads whether the team holds 200 cases or the
/// senior manager's view holds 100,000.
pub async fn overview(state: &AppState, caller: &CurrentUser) -> Result<TeamOverview, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let managed = managed_teams(state, caller).await?;
    let people = team_people(state, &managed).await?;
    // The manager's scope (`young_people::scope`): everyone in the teams they manage.
    let everyone = caller.role == Role::SeniorManager;
    let teams: Vec<String> = managed.iter().map(|t| t.id.clone()).collect();
    let counts = counts_by_adviser(state, (!everyone).then_some(teams.as_slice())).await?;
    let advisers: Vec<(user::Model, String)> = people
        .into_iter()
        .filter(|(u, _)| u.role == "adviser")
        .collect();
    let owners: Vec<String> = advisers.iter().map(|(a, _)| a.id.clone()).collect();
    // A senior manager's team is everyone: read everyone's, with no list of ids to bind.
    let actions = if everyone {
        oversight::open_actions(state).await?
    } else {
        oversight::open_actions_for(state, &owners).await?
    };
    // Every adviser's supervision dates in one query, not one each, and none of the notes.
    let sessions =
        oversight::session_dates(state, (!everyone).then_some(owners.as_slice())).await?;
    // Grouped once by adviser, not filtered once per adviser (a senior manager's page lists
    // thousands of advisers).
    let mut sessions_of: HashMap<&str, Vec<oversight::SessionDates>> = HashMap::new();
    for s in &sessions {
        sessions_of
            .entry(s.adviser_id.as_str())
            .or_default()
            .push(s.clone());
    }
    let mut actions_of: HashMap<&str, usize> = HashMap::new();
    for x in &actions {
        *actions_of.entry(x.owner_id.as_str()).or_default() += 1;
    }
    let today = state.clock.today();
    let due_soon = i64::from(state.config.policy.due_soon_days);
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let mut rows = vec![];
    for (a, team_name) in advisers {
        let key = Some(a.id.clone());
        let (caseload, overdue, waiting) = counts.get(&key).copied().unwrap_or((0, 0, 0));
        rows.push(AdviserSummary {
            caseload: count(caseload),
            overdue,
            plans_awaiting_approval: count(waiting),
            supervision: oversight::supervision_status(
                &a,
                sessions_of
                    .get(a.id.as_str())
                    .map_or(&[][..], Vec::as_slice),
                state.config.supervision_interval_months(&a.role),
                due_soon,
                today,
            ),
            audit_actions_open: actions_of.get(a.id.as_str()).copied().unwrap_or(0),
            team: team_name,
            id: a.id,
            name: a.name,
        });
    }
    Ok(TeamOverview {
        rows,
        teams: managed,
        awaiting_approval: count(counts.values().map(|c| c.2).sum()),
        overdue: counts.values().map(|c| c.1).sum(),
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverdueItem {
    pub young_person_id: String,
    pub young_person: String,
    pub adviser_id: Option<String>,
    pub code: String,
    pub title: String,
    pub due: NaiveDate,
    pub escalated: bool,
}

/// Every overdue milestone in the caller's scope: one indexed read of the stored milestones.
pub async fn overdue(state: &AppState, caller: &CurrentUser) -> Result<Vec<OverdueItem>, AppError> {
    let people = young_people::list(state, caller).await?;
    let by_id: HashMap<&str, &young_person::Model> =
        people.iter().map(|p| (p.id.as_str(), p)).collect();
    let rows = milestone::Entity::find()
        .filter(milestone::Column::State.eq("overdue"))
        .filter(milestone::Column::YoungPersonId.is_in(people.iter().map(|p| p.id.clone())))
        .order_by_asc(milestone::Column::Due)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let p = by_id.get(m.young_person_id.as_str())?;
            Some(OverdueItem {
                young_person_id: p.id.clone(),
                young_person: young_people::display_name(p),
                adviser_id: p.adviser_id.clone(),
                title: crate::domain::timeline::MilestoneCode::parse(&m.code)
                    .map(|c| c.title())
                    .unwrap_or("")
                    .into(),
                code: m.code,
                due: m.due,
                escalated: m.escalated,
            })
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwaitingApproval {
    pub plan_id: String,
    pub young_person_id: String,
    pub young_person: String,
    pub version_no: i32,
    pub submitted_on: Option<NaiveDate>,
}

pub async fn awaiting_approval(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<AwaitingApproval>, AppError> {
    let people = young_people::list(state, caller).await?;
    let by_id: HashMap<&str, &young_person::Model> =
        people.iter().map(|p| (p.id.as_str(), p)).collect();
    let plans = plan::Entity::find()
        .filter(plan::Column::Status.eq("submitted"))
        .filter(plan::Column::YoungPersonId.is_in(people.iter().map(|p| p.id.clone())))
        .order_by_asc(plan::Column::SubmittedAt)
        .all(&state.db)
        .await?;
    Ok(plans
        .into_iter()
        .filter_map(|p| {
            let person = by_id.get(p.young_person_id.as_str())?;
            Some(AwaitingApproval {
                plan_id: p.id,
                young_person_id: person.id.clone(),
                young_person: young_people::display_name(person),
                version_no: p.version_no,
                submitted_on: p.submitted_at.map(|d| d.date_naive()),
            })
        })
        .collect())
}

/// A young person in the caller's teams with no personal adviser yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwaitingAllocation {
    pub young_person_id: String,
    pub young_person: String,
    pub local_id: String,
    pub team_id: Option<String>,
    pub team: Option<String>,
    pub date_of_birth: NaiveDate,
    /// Age in whole years today.
    pub age: u32,
    pub added_on: NaiveDate,
    /// Days since the young person was added.
    pub days_waiting: i64,
    /// When a personal adviser is due by (PA_ALLOCATED; CA 1989 Sch 2 para 19C).
    pub adviser_due: Option<NaiveDate>,
    /// upcoming, due_soon or overdue, as of today.
    pub adviser_due_state: Option<String>,
}

/// One page of the awaiting-allocation list, with how many there are in all.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwaitingAllocationPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<AwaitingAllocation>,
}

pub const AWAITING_PER_PAGE: u64 = 50;

/// The young people in the caller's scope (a manager's teams; a senior manager's every team)
/// who have no personal adviser, most urgent first: the adviser's due date, then the longest
/// waiting. One page (`page` from 1) of at most [`AWAITING_PER_PAGE`].
pub async fn awaiting_allocation(
    state: &AppState,
    caller: &CurrentUser,
    page: u64,
) -> Result<AwaitingAllocationPage, AppError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    if !caller.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let waiting = young_person::Entity::find()
        .filter(young_people::scope(caller))
        .filter(young_person::Column::AdviserId.is_null());
    let total = waiting.clone().count(&state.db).await?;
    let page = page.max(1);
    // Most urgent first: the PA_ALLOCATED due date (read by a correlated probe of the
    // milestones' young person index), then the longest waiting.
    let due_sql = format!(
        "(SELECT m.due FROM milestones m WHERE m.young_person_id = {t}.id AND m.code = 'PA_ALLOCATED')",
        t = "young_people"
    );
    let people = waiting
        .order_by_asc(Expr::cust(format!(
            "CASE WHEN {due_sql} IS NULL THEN 1 ELSE 0 END"
        )))
        .order_by_asc(Expr::cust(due_sql))
        .order_by_asc(young_person::Column::CreatedAt)
        .order_by_asc(young_person::Column::Id)
        .limit(AWAITING_PER_PAGE)
        .offset((page - 1) * AWAITING_PER_PAGE)
        .all(&state.db)
        .await?;
    let milestones = adviser_due_by_person(state, &people).await?;
    let teams = team_names(state, &people).await?;
    let today = state.clock.today();
    let soon = state.config.policy.due_soon_days;
    let items = people
        .into_iter()
        .map(|p| awaiting_item(p, &milestones, &teams, today, soon))
        .collect();
    Ok(AwaitingAllocationPage {
        total,
        page,
        per_page: AWAITING_PER_PAGE,
        items,
    })
}

/// The PA_ALLOCATED milestone of each of `people`, by young person id.
async fn adviser_due_by_person(
    state: &AppState,
    people: &[young_person::Model],
) -> Result<HashMap<String, milestone::Model>, AppError> {
    Ok(milestone::Entity::find()
        .filter(milestone::Column::Code.eq("PA_ALLOCATED"))
        .filter(milestone::Column::YoungPersonId.is_in(people.iter().map(|p| p.id.clone())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.young_person_id.clone(), m))
        .collect())
}

/// The names of the teams `people` belong to, by team id.
async fn team_names(
    state: &AppState,
    people: &[young_person::Model],
) -> Result<HashMap<String, String>, AppError> {
    Ok(team::Entity::find()
        .filter(
            team::Column::Id.is_in(
                people
                    .iter()
                    .filter_map(|p| p.team_id.clone())
                    .collect::<std::collections::BTreeSet<_>>(),
            ),
        )
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// One line of the awaiting-allocation list, as of `today`.
fn awaiting_item(
    p: young_person::Model,
    milestones: &HashMap<String, milestone::Model>,
    teams: &HashMap<String, String>,
    today: NaiveDate,
    soon: u32,
) -> AwaitingAllocation {
    let m = milestones.get(&p.id);
    let added_on = p.created_at.date_naive();
    AwaitingAllocation {
        young_person: young_people::display_name(&p),
        local_id: p.local_id.clone(),
        team: p.team_id.as_ref().and_then(|t| teams.get(t).cloned()),
        team_id: p.team_id.clone(),
        date_of_birth: p.date_of_birth,
        age: crate::domain::age::age_years(p.date_of_birth, today),
        added_on,
        days_waiting: (today - added_on).num_days().max(0),
        adviser_due: m.map(|m| m.due),
        adviser_due_state: m.map(|m| {
            crate::services::timeline::state_code(crate::domain::timeline::state_on(
                m.due, m.done_on, today, soon,
            ))
            .to_string()
        }),
        young_person_id: p.id,
    }
}

/// For each of `team_ids` (the teams on one page of the awaiting-allocation list) that is among
/// the caller's `managed` teams, the
/// practitioners who may be allocated there: its members and its manager, by name. One query
/// each for the teams and their people, bounded by the page, never by the authority.
pub async fn allocation_choices(
    state: &AppState,
    managed: &[team::Model],
    team_ids: &[String],
) -> Result<HashMap<String, Vec<(String, String)>>, AppError> {
    let in_reach: Vec<&team::Model> = managed
        .iter()
        .filter(|t| team_ids.contains(&t.id))
        .collect();
    let managers = in_reach.iter().filter_map(|t| t.manager_id.clone());
    let people = user::Entity::find()
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Role.is_in(["adviser", "manager"]))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TeamId.is_in(in_reach.iter().map(|t| t.id.clone())))
                .add(user::Column::Id.is_in(managers)),
        )
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?;
    Ok(in_reach
        .iter()
        .map(|t| {
            let names = people
                .iter()
                .filter(|u| crate::services::scope::works_in(u, t))
                .map(|u| (u.id.clone(), u.name.clone()))
                .collect();
            (t.id.clone(), names)
        })
        .collect())
}
