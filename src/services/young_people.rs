//! Young people's records. Every query carries the caller's scope (ASVS 5.0 V8.2.2): an adviser
//! sees the young people allocated to them, a manager everyone in the teams they manage
//! (allocated or not: a young person belongs to a team from the day they are added), a senior
//! manager everyone,
//! and an administrator without a casework role no one. Out of scope is indistinguishable from
//! missing: both are `NotFound`.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::{CurrentUser, Role};
use crate::entities::{team, user, young_person};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta, Target};
pub use crate::services::scope::{clean, display_name, home_team, in_scope, scope};
use crate::state::AppState;

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

/// One young person as a caseload lists them.
pub struct CaseloadRow {
    pub id: String,
    pub adviser_id: Option<String>,
    pub name: String,
    pub age: u32,
    pub status: String,
    pub adviser: String,
    /// How late the personal adviser was allocated ("4 months late"), or empty.
    pub adviser_late: String,
    pub overdue: i32,
    pub next_due: String,
}

/// The caller's caseload as rows for the list page: the most urgent first.
pub async fn caseload(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<CaseloadRow>, AppError> {
    use std::collections::HashMap;
    let people = list(state, caller).await?;
    let adviser_ids: std::collections::BTreeSet<String> =
        people.iter().filter_map(|p| p.adviser_id.clone()).collect();
    let advisers: HashMap<String, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(adviser_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let today = state.clock.today();
    let late = late_allocations(state, caller).await?;
    let mut rows: Vec<_> = people
        .into_iter()
        .map(|p| CaseloadRow {
            adviser_late: late
                .get(&p.id)
                .map(|(due, done)| crate::views::lateness(*due, *done))
                .unwrap_or_default(),
            name: display_name(&p),
            age: crate::domain::age::age_years(p.date_of_birth, today),
            status: status_label(&p.legal_status).to_string(),
            adviser: p
                .adviser_id
                .as_ref()
                .and_then(|a| advisers.get(a).cloned())
                .unwrap_or_else(|| "Not allocated".into()),
            overdue: p.overdue_count,
            adviser_id: p.adviser_id.clone(),
            next_due: p
                .next_due
                .map(crate::views::date)
                .unwrap_or_else(|| "Nothing due".into()),
            id: p.id,
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.overdue));
    Ok(rows)
}

/// The young people in the caller's scope whose personal adviser came late: PA_ALLOCATED done
/// after its due date, with (due, done). One read of the stored milestones, scoped in SQL.
pub async fn late_allocations(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<std::collections::HashMap<String, (NaiveDate, NaiveDate)>, AppError> {
    use crate::entities::milestone;
    use sea_orm::{ConnectionTrait, JoinType};
    // Driven from the young people in scope (their adviser or team index), each probing the
    // milestones' (young person, code) index: filtering the milestones by code first would read
    // every PA_ALLOCATED row in the authority.
    let q = Query::select()
        .column((milestone::Entity, milestone::Column::YoungPersonId))
        .column((milestone::Entity, milestone::Column::Due))
        .column((milestone::Entity, milestone::Column::DoneOn))
        .from(young_person::Entity)
        .join(
            JoinType::InnerJoin,
            milestone::Entity,
            Condition::all()
                .add(
                    Expr::col((milestone::Entity, milestone::Column::YoungPersonId))
                        .equals((young_person::Entity, young_person::Column::Id)),
                )
                .add(Expr::col((milestone::Entity, milestone::Column::Code)).eq("PA_ALLOCATED")),
        )
        .cond_where(scope(caller))
        .and_where(
            Expr::col((milestone::Entity, milestone::Column::DoneOn))
                .gt(Expr::col((milestone::Entity, milestone::Column::Due))),
        )
        .to_owned();
    let mut out = std::collections::HashMap::new();
    for row in state.db.query_all(&q).await? {
        let id: String = row.try_get_by_index(0)?;
        let due: NaiveDate = row.try_get_by_index(1)?;
        let done: Option<NaiveDate> = row.try_get_by_index(2)?;
        if let Some(done) = done {
            out.insert(id, (due, done));
        }
    }
    Ok(out)
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

// ---------------------------------------------------------------------------------------------
// Changes. Each runs in one transaction with its audit entry and the timeline recomputation, so
// a change is never stored without its consequences, and bad input stores nothing.
// ---------------------------------------------------------------------------------------------

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

use crate::entities::{
    accommodation, allocation, care_episode, milestone_override, parent_period, timeline_event,
};
use crate::error::FieldError;
use crate::services::timeline;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PersonDetails {
    pub local_id: String,
    pub given_name: String,
    pub family_name: String,
    #[serde(default)]
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub pronouns: Option<String>,
    #[serde(default)]
    pub ethnicity: Option<String>,
    #[serde(default)]
    pub first_language: Option<String>,
    #[serde(default)]
    pub disability: Option<String>,
    #[serde(default)]
    pub uasc: bool,
    #[serde(default)]
    pub trafficked: bool,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub social_worker: Option<String>,
    #[serde(default)]
    pub special_guardianship: bool,
    /// The personal adviser to allocate (managers only; an adviser's new young person is theirs).
    #[serde(default)]
    pub adviser_id: Option<String>,
    /// The team the young person belongs to (managers only; the manager's own team by default,
    /// the adviser's team when one is chosen; an adviser's new young person is in their team).
    #[serde(default)]
    pub team_id: Option<String>,
}

fn too_long(errors: &mut Vec<FieldError>, field: &str, label: &str, v: &str, max: usize) {
    if v.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("{label} must be {max} characters or fewer"),
        ));
    }
}

pub fn validate_details(d: &PersonDetails, today: NaiveDate) -> Vec<FieldError> {
    let mut e = vec![];
    if d.local_id.trim().is_empty() {
        e.push(FieldError::new("local_id", "Enter the local identifier"));
    }
    if d.given_name.trim().is_empty() {
        e.push(FieldError::new(
            "given_name",
            "Enter the young person's given name",
        ));
    }
    if d.family_name.trim().is_empty() {
        e.push(FieldError::new(
            "family_name",
            "Enter the young person's family name",
        ));
    }
    match d.date_of_birth {
        None => e.push(FieldError::new("date_of_birth", "Enter the date of birth")),
        Some(dob) if dob > today => e.push(FieldError::new(
            "date_of_birth",
            "Date of birth must be in the past",
        )),
        Some(dob) if crate::domain::age::age_years(dob, today) > 30 => e.push(FieldError::new(
            "date_of_birth",
            "Date of birth must be within the last 30 years",
        )),
        Some(_) => {}
    }
    for (f, l, v, max) in [
        (
            "local_id",
            "The local identifier",
            Some(d.local_id.clone()),
            40,
        ),
        ("given_name", "Given name", Some(d.given_name.clone()), 100),
        (
            "family_name",
            "Family name",
            Some(d.family_name.clone()),
            100,
        ),
        (
            "preferred_name",
            "Preferred name",
            d.preferred_name.clone(),
            100,
        ),
        ("email", "Email address", d.email.clone(), 200),
        ("phone", "Phone number", d.phone.clone(), 40),
        ("address", "Address", d.address.clone(), 500),
        (
            "social_worker",
            "Social worker",
            d.social_worker.clone(),
            100,
        ),
        ("pronouns", "Pronouns", d.pronouns.clone(), 40),
        ("gender", "Gender", d.gender.clone(), 100),
        ("ethnicity", "Ethnicity", d.ethnicity.clone(), 100),
        (
            "first_language",
            "First language",
            d.first_language.clone(),
            100,
        ),
        ("disability", "Disability", d.disability.clone(), 200),
    ] {
        if let Some(v) = v {
            too_long(&mut e, f, l, &v, max);
            if let Some(why) = crate::domain::text::problem(&v, f == "address") {
                e.push(FieldError::new(f, format!("{l} {why}")));
            }
        }
    }
    let local_id = d.local_id.trim();
    if !local_id.is_empty()
        && crate::domain::text::problem(local_id, false).is_none()
        && !crate::domain::text::is_local_id(local_id)
    {
        e.push(FieldError::new(
            "local_id",
            "The local identifier must start with a letter or number and use only letters, numbers, hyphens, slashes, dots and underscores",
        ));
    }
    if let Some(email) = clean(&d.email)
        && !email.contains('@')
    {
        e.push(FieldError::new(
            "email",
            "Enter an email address in the correct format, like name@example.org",
        ));
    }
    e
}

/// Whether a practitioner works in the team `team_id` names (see [`scope::works_in`]).
async fn in_team<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: &user::Model,
    team_id: Option<&str>,
) -> Result<bool, AppError> {
    let Some(t) = team_id else {
        return Ok(false);
    };
    Ok(team::Entity::find_by_id(t.to_string())
        .one(db)
        .await?
        .is_some_and(|t| crate::services::scope::works_in(user, &t)))
}

/// The team a new young person joins. An adviser's is their own team; a manager chooses one of
/// the teams they manage (by default the chosen adviser's, else their own); a senior manager any
/// team (by default the chosen adviser's, else the only team there is).
async fn resolve_team(
    state: &AppState,
    caller: &CurrentUser,
    wanted: Option<String>,
    adviser: Option<&str>,
) -> Result<Option<String>, AppError> {
    let adviser_team = match adviser {
        Some(a) => match user::Entity::find_by_id(a.to_string())
            .one(&state.db)
            .await?
        {
            Some(u) => home_team(&state.db, &u).await?,
            None => None,
        },
        None => None,
    };
    let choose = |msg: &str| AppError::Validation(vec![FieldError::new("team_id", msg)]);
    match caller.role {
        Role::Adviser => Ok(home_team(&state.db, &caller.user).await?),
        Role::Manager | Role::SeniorManager => {
            let teams = crate::services::scope::managed_teams(state, caller).await?;
            match clean(&wanted) {
                Some(t) if teams.iter().any(|x| x.id == t) => Ok(Some(t)),
                Some(_) => Err(choose("Choose a team from the list")),
                None => match adviser_team.or(if caller.role == Role::Manager {
                    home_team(&state.db, &caller.user).await?
                } else {
                    None
                }) {
                    Some(t) => Ok(Some(t)),
                    None if teams.len() == 1 => Ok(teams.first().map(|t| t.id.clone())),
                    None => Err(choose("Choose the team the young person belongs to")),
                },
            }
        }
        Role::None => Err(AppError::NotFound),
    }
}

/// Advisers the caller may allocate young people to.
pub async fn allocatable_advisers(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<user::Model>, AppError> {
    let mut q = user::Entity::find()
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Role.is_in(["adviser", "manager"]));
    match caller.role {
        Role::SeniorManager => {}
        Role::Manager => {
            let teams: Vec<String> = crate::services::scope::managed_teams(state, caller)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect();
            q = q.filter(
                Condition::any()
                    .add(user::Column::TeamId.is_in(teams))
                    .add(user::Column::Id.eq(caller.id().to_string())),
            );
        }
        _ => q = q.filter(user::Column::Id.eq(caller.id().to_string())),
    }
    Ok(q.order_by_asc(user::Column::Name).all(&state.db).await?)
}

async fn resolve_adviser(
    state: &AppState,
    caller: &CurrentUser,
    wanted: Option<String>,
) -> Result<Option<String>, AppError> {
    match caller.role {
        Role::Adviser => Ok(Some(caller.id().to_string())),
        Role::Manager | Role::SeniorManager => match clean(&wanted) {
            None => Ok(None),
            Some(id) => {
                if allocatable_advisers(state, caller)
                    .await?
                    .iter()
                    .any(|u| u.id == id)
                {
                    Ok(Some(id))
                } else {
                    Err(AppError::Validation(vec![FieldError::new(
                        "adviser_id",
                        "Choose a personal adviser from your team",
                    )]))
                }
            }
        },
        Role::None => Err(AppError::NotFound),
    }
}

async fn local_id_taken<C: sea_orm::ConnectionTrait>(
    db: &C,
    local_id: &str,
    except: Option<&str>,
) -> Result<bool, AppError> {
    let mut q = young_person::Entity::find().filter(young_person::Column::LocalId.eq(local_id));
    if let Some(id) = except {
        q = q.filter(young_person::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// Recomputes a changed record's timeline in the change's transaction, and enqueues the
/// reminders the change makes due with it.
pub(crate) async fn recompute_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    person: young_person::Model,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    let tl = timeline::recompute(
        txn,
        &state.config.policy,
        &state.holidays,
        person.clone(),
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    // Reminders the change makes due leave with the change, in the same transaction.
    crate::services::reminders::enqueue_for_person(state, txn, &person, &tl).await?;
    Ok(tl)
}

/// Recomputes one young person's stored timeline (used after seeding and by the daily refresh).
/// Nothing changed in the record, so nothing is enqueued here: what the calendar makes due is
/// the scheduler tick's to enqueue.
pub async fn recompute(state: &AppState, id: &str) -> Result<(), AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let person = young_person::Entity::find_by_id(id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    timeline::recompute(
        &txn,
        &state.config.policy,
        &state.holidays,
        person,
        state.clock.today(),
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Recomputes every young person's stored status and milestones, so that a milestone that falls
/// overdue with no change to the record still shows on every list (RULES.md section 3).
/// Returns how many were refreshed; one failure is logged and does not stop the rest.
pub async fn refresh_all(state: &AppState) -> Result<usize, AppError> {
    use sea_orm::QuerySelect;
    let ids: Vec<String> = young_person::Entity::find()
        .select_only()
        .column(young_person::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut done = 0;
    for id in ids {
        match recompute(state, &id).await {
            Ok(()) => done += 1,
            Err(e) => tracing::warn!(error = %e, "timeline refresh failed for one young person"),
        }
    }
    Ok(done)
}

pub async fn create(
    state: &AppState,
    caller: &CurrentUser,
    d: PersonDetails,
    meta: &RequestMeta,
) -> Result<young_person::Model, AppError> {
    if !caller.role.has_casework() {
        return Err(AppError::NotFound);
    }
    let mut errors = validate_details(&d, state.clock.today());
    if errors.is_empty() && local_id_taken(&state.db, d.local_id.trim(), None).await? {
        errors.push(FieldError::new(
            "local_id",
            "Another young person already has this local identifier",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let adviser_id = resolve_adviser(state, caller, d.adviser_id.clone()).await?;
    let team_id = resolve_team(state, caller, d.team_id.clone(), adviser_id.as_deref()).await?;
    let Some(dob) = d.date_of_birth else {
        return Err(AppError::Validation(vec![FieldError::new(
            "date_of_birth",
            "Enter the date of birth",
        )]));
    };
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let person = young_person::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        local_id: Set(d.local_id.trim().to_string()),
        given_name: Set(d.given_name.trim().to_string()),
        family_name: Set(d.family_name.trim().to_string()),
        preferred_name: Set(clean(&d.preferred_name)),
        date_of_birth: Set(dob),
        gender: Set(clean(&d.gender)),
        pronouns: Set(clean(&d.pronouns)),
        ethnicity: Set(clean(&d.ethnicity)),
        first_language: Set(clean(&d.first_language)),
        disability: Set(clean(&d.disability)),
        uasc: Set(d.uasc),
        trafficked: Set(d.trafficked),
        phone: Set(clean(&d.phone)),
        email: Set(clean(&d.email)),
        address: Set(clean(&d.address)),
        adviser_id: Set(adviser_id.clone()),
        team_id: Set(team_id),
        social_worker: Set(clean(&d.social_worker)),
        special_guardianship: Set(d.special_guardianship),
        education_after21: Set(false),
        requested_pa_after21: Set(false),
        legal_status: Set("not_in_scope".into()),
        next_due: Set(None),
        overdue_count: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    if let Some(adviser) = &adviser_id
        && let Some(u) = user::Entity::find_by_id(adviser.clone()).one(&txn).await?
    {
        allocation::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(person.id.clone()),
            role: Set("personal_adviser".into()),
            user_id: Set(Some(u.id.clone())),
            person_name: Set(u.name.clone()),
            start_date: Set(state.clock.today()),
            end_date: Set(None),
            reason: Set(Some("Allocated when the record was created".into())),
        }
        .insert(&txn)
        .await?;
    }
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "create_young_person",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    recompute_in(state, &txn, person.clone()).await?;
    txn.commit().await?;
    young_person::Entity::find_by_id(person.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Loads a young person inside a transaction, in the caller's scope.
async fn scoped_in_txn(
    txn: &DatabaseTransaction,
    caller: &CurrentUser,
    id: &str,
) -> Result<young_person::Model, AppError> {
    young_person::Entity::find_by_id(id.to_string())
        .filter(scope(caller))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Changes a young person's details. `version` is the version the change was made from: if
/// someone else has saved since, nothing is overwritten and the caller is told.
pub async fn update_details(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    version: i32,
    d: PersonDetails,
    meta: &RequestMeta,
) -> Result<young_person::Model, AppError> {
    let mut errors = validate_details(&d, state.clock.today());
    if errors.is_empty() && local_id_taken(&state.db, d.local_id.trim(), Some(id)).await? {
        errors.push(FieldError::new(
            "local_id",
            "Another young person already has this local identifier",
        ));
    }
    let txn = crate::db::begin_write(&state.db).await?;
    let person = scoped_in_txn(&txn, caller, id).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if person.version != version {
        return Err(AppError::Conflict(
            "Someone else changed this record since you opened it. Your changes have not been saved: reload the page to see theirs, then make your changes again.".into(),
        ));
    }
    let Some(dob) = d.date_of_birth else {
        return Err(AppError::Validation(vec![FieldError::new(
            "date_of_birth",
            "Enter the date of birth",
        )]));
    };
    let mut am: young_person::ActiveModel = person.clone().into();
    am.local_id = Set(d.local_id.trim().to_string());
    am.given_name = Set(d.given_name.trim().to_string());
    am.family_name = Set(d.family_name.trim().to_string());
    am.preferred_name = Set(clean(&d.preferred_name));
    am.date_of_birth = Set(dob);
    am.gender = Set(clean(&d.gender));
    am.pronouns = Set(clean(&d.pronouns));
    am.ethnicity = Set(clean(&d.ethnicity));
    am.first_language = Set(clean(&d.first_language));
    am.disability = Set(clean(&d.disability));
    am.uasc = Set(d.uasc);
    am.trafficked = Set(d.trafficked);
    am.phone = Set(clean(&d.phone));
    am.email = Set(clean(&d.email));
    am.address = Set(clean(&d.address));
    am.social_worker = Set(clean(&d.social_worker));
    am.special_guardianship = Set(d.special_guardianship);
    am.version = Set(person.version + 1);
    am.updated_at = Set(state.clock.now());
    // Guarded update: only if the version is still the one we read (another node may have won).
    let res = young_person::Entity::update_many()
        .set(am)
        .filter(young_person::Column::Id.eq(id))
        .filter(young_person::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Someone else changed this record since you opened it. Your changes have not been saved: reload the page to see theirs, then make your changes again.".into(),
        ));
    }
    let updated = scoped_in_txn(&txn, caller, id).await?;
    audit::record_on(
        &txn,
        state.clock.now(),
        Some(caller.id()),
        "update_young_person",
        Some(Target::young_person(id)),
        "success",
        meta,
    )
    .await?;
    recompute_in(state, &txn, updated.clone()).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A change to the care history or an event, validated against what is already recorded.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryChange {
    /// A looked-after episode. `end_date` is the day care ended; leave it out while open.
    Episode {
        start_date: NaiveDate,
        end_date: Option<NaiveDate>,
        legal_basis: String,
        #[serde(default)]
        short_breaks_only: bool,
    },
    /// A period back living with a parent or a person with parental responsibility.
    ParentPeriod {
        start_date: NaiveDate,
        end_date: Option<NaiveDate>,
    },
    /// A place the young person lived, with its suitability against CLR 2010 Schedule 2.
    Accommodation {
        kind: String,
        start_date: NaiveDate,
        end_date: Option<NaiveDate>,
        #[serde(default)]
        provided_by_authority: bool,
        /// Schedule 2 factors that were NOT met (codes from `SUITABILITY_FACTORS`).
        #[serde(default)]
        unmet_factors: Vec<String>,
        #[serde(default)]
        suitability_notes: Option<String>,
        #[serde(default)]
        temporary: bool,
        #[serde(default)]
        move_reason: Option<String>,
        /// Required when a relevant child moves into accommodation the authority provides:
        /// the personal adviser's first visit, within 7 days (CLR 2010 reg 8(2)(a)).
        #[serde(default)]
        pa_visit_scheduled_for: Option<NaiveDate>,
    },
    /// A change of personal adviser or social worker, with the reason.
    Allocation {
        role: String,
        #[serde(default)]
        user_id: Option<String>,
        #[serde(default)]
        person_name: Option<String>,
        start_date: NaiveDate,
        reason: String,
    },
    /// Something that moves the timeline (see `EVENT_KINDS`).
    Event {
        kind: String,
        date: NaiveDate,
        /// For a missing episode: the date the young person returned.
        #[serde(default)]
        end_date: Option<NaiveDate>,
        #[serde(default)]
        notes: Option<String>,
        /// Return home interview, advocacy or independent visitor: who offered it.
        #[serde(default)]
        offered_by: Option<String>,
        /// Whether the offer was accepted (taken up).
        #[serde(default)]
        accepted: Option<bool>,
        /// A return home interview: what was learned, and the actions taken into the plan.
        #[serde(default)]
        learned: Option<String>,
    },
    /// The care-leaver data for the SSDA903 return (the OC3 table): recorded around each
    /// birthday from 17 to 21, and at the latest contact from 22 to 25.
    Oc3 {
        date: NaiveDate,
        in_touch: String,
        activity: String,
        /// An accommodation letter with 1 (suitable) or 2 (unsuitable), or 0.
        accommodation: String,
    },
    /// A manager's override of a policy due date (never a statutory one), with the reason.
    Override {
        code: String,
        due: NaiveDate,
        reason: String,
    },
}

/// CLR 2010 Schedule 2: matters to consider in deciding whether accommodation is suitable.
pub const SUITABILITY_FACTORS: &[(&str, &str)] = &[
    ("facilities", "Facilities and services are adequate"),
    ("state_of_repair", "The state of repair is acceptable"),
    ("safety", "It is safe"),
    ("location", "The location suits the young person"),
    ("support", "Support is available there"),
    ("tenancy", "The tenancy or licence arrangements are clear"),
    (
        "financial_commitments",
        "The young person can afford it and manage the commitments",
    ),
    ("views", "The young person's views were taken into account"),
    (
        "health_needs",
        "It meets their health needs, including any disability",
    ),
    (
        "education_and_work",
        "It supports their education, training or work",
    ),
];

fn overlaps(
    a_start: NaiveDate,
    a_end: Option<NaiveDate>,
    b_start: NaiveDate,
    b_end: Option<NaiveDate>,
) -> bool {
    let a_end = a_end.unwrap_or(NaiveDate::MAX);
    let b_end = b_end.unwrap_or(NaiveDate::MAX);
    a_start < b_end && b_start < a_end
}

fn check_range(
    errors: &mut Vec<FieldError>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    dob: NaiveDate,
    today: NaiveDate,
) {
    if start < dob {
        errors.push(FieldError::new(
            "start_date",
            "The start date must be on or after the date of birth",
        ));
    }
    if start > today {
        errors.push(FieldError::new(
            "start_date",
            "The start date must be today or in the past",
        ));
    }
    if let Some(end) = end {
        if end <= start {
            errors.push(FieldError::new(
                "end_date",
                "The end date must be after the start date",
            ));
        }
        if end > today {
            errors.push(FieldError::new(
                "end_date",
                "The end date must be today or in the past",
            ));
        }
    }
}

/// A manager allocates a personal adviser to a young person waiting for one, in one step: the
/// adviser must be in the young person's team, and the allocation (with its reason) goes into the
/// allocation history like any other (CA 1989 Sch 2 para 19C; s.23B(2)).
pub async fn allocate(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    adviser_id: &str,
    reason: Option<String>,
    meta: &RequestMeta,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::NotFound);
    }
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
        HistoryChange::Allocation {
            role: "personal_adviser".into(),
            user_id: Some(adviser_id.to_string()),
            person_name: None,
            start_date: state.clock.today(),
            reason,
        },
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

pub async fn apply_change(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    change: HistoryChange,
    meta: &RequestMeta,
) -> Result<crate::domain::timeline::Timeline, AppError> {
    let today = state.clock.today();
    let now = state.clock.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let person = scoped_in_txn(&txn, caller, id).await?;
    let record = timeline::load(&txn, person.clone()).await?;
    let dob = person.date_of_birth;
    let mut errors = vec![];
    let new_id = uuid::Uuid::now_v7().to_string();
    let action;
    match change {
        HistoryChange::Episode {
            start_date,
            end_date,
            legal_basis,
            short_breaks_only,
        } => {
            check_range(&mut errors, start_date, end_date, dob, today);
            if legal_basis.trim().is_empty() {
                errors.push(FieldError::new(
                    "legal_basis",
                    "Enter the legal basis, for example s20 or s31 care order",
                ));
            }
            if errors.is_empty()
                && let Some(other) = record
                    .episodes
                    .iter()
                    .find(|e| overlaps(start_date, end_date, e.start_date, e.end_date))
            {
                errors.push(FieldError::new(
                    "start_date",
                    format!(
                        "This episode overlaps the episode that started on {}",
                        other.start_date.format("%-d %B %Y")
                    ),
                ));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            care_episode::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                start_date: Set(start_date),
                end_date: Set(end_date),
                legal_basis: Set(legal_basis.trim().chars().take(100).collect()),
                short_breaks_only: Set(short_breaks_only),
            }
            .insert(&txn)
            .await?;
            action = "add_care_episode";
        }
        HistoryChange::ParentPeriod {
            start_date,
            end_date,
        } => {
            check_range(&mut errors, start_date, end_date, dob, today);
            if errors.is_empty()
                && record
                    .parent_periods
                    .iter()
                    .any(|p| overlaps(start_date, end_date, p.start_date, p.end_date))
            {
                errors.push(FieldError::new(
                    "start_date",
                    "This period overlaps another period living with a parent",
                ));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            parent_period::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                start_date: Set(start_date),
                end_date: Set(end_date),
            }
            .insert(&txn)
            .await?;
            action = "add_parent_period";
        }
        HistoryChange::Accommodation {
            kind,
            start_date,
            end_date,
            provided_by_authority,
            unmet_factors,
            suitability_notes,
            temporary,
            move_reason,
            pa_visit_scheduled_for,
        } => {
            check_range(&mut errors, start_date, end_date, dob, today);
            if kind.trim().is_empty() {
                errors.push(FieldError::new("kind", "Enter the type of accommodation"));
            }
            for f in &unmet_factors {
                if !SUITABILITY_FACTORS.iter().any(|(c, _)| c == f) {
                    errors.push(FieldError::new(
                        "unmet_factors",
                        format!("{f} is not a Schedule 2 factor"),
                    ));
                }
            }
            // CLR 2010 reg 8(2)(a): a relevant child placed in accommodation the authority provides
            // is visited by the personal adviser within 7 days. The move cannot be recorded
            // without that visit scheduled (RULES.md section 3).
            let status_then =
                crate::domain::status::status_on(&record.history(), start_date).status;
            if provided_by_authority && status_then == crate::domain::status::LegalStatus::Relevant
            {
                let limit = start_date
                    + chrono::Duration::days(i64::from(state.config.policy.pa_visit_first_days));
                match pa_visit_scheduled_for {
                    None => errors.push(FieldError::new(
                        "pa_visit_scheduled_for",
                        format!("Schedule the personal adviser's visit: a relevant child placed in authority accommodation must be visited within 7 days (by {})", limit.format("%-d %B %Y")),
                    )),
                    Some(v) if v < start_date || v > limit => errors.push(FieldError::new(
                        "pa_visit_scheduled_for",
                        format!("The visit must be between {} and {} (CLR 2010 reg 8(2)(a))", start_date.format("%-d %B %Y"), limit.format("%-d %B %Y")),
                    )),
                    Some(_) => {}
                }
            }
            if errors.is_empty()
                && record
                    .accommodations
                    .iter()
                    .any(|a| overlaps(start_date, end_date, a.start_date, a.end_date))
            {
                errors.push(FieldError::new("start_date", "This overlaps another accommodation: record an end date for the earlier one first"));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let suitability: serde_json::Map<String, serde_json::Value> = SUITABILITY_FACTORS
                .iter()
                .map(|(c, _)| {
                    (
                        c.to_string(),
                        serde_json::Value::Bool(!unmet_factors.iter().any(|u| u == c)),
                    )
                })
                .collect();
            let mut suitability = serde_json::Value::Object(suitability);
            if let Some(n) = clean(&suitability_notes) {
                suitability["notes"] = serde_json::Value::String(n.chars().take(2000).collect());
            }
            accommodation::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                kind: Set(kind.trim().chars().take(100).collect()),
                start_date: Set(start_date),
                end_date: Set(end_date),
                provided_by_authority: Set(provided_by_authority),
                suitability: Set(suitability.to_string()),
                suitable: Set(unmet_factors.is_empty()),
                move_reason: Set(clean(&move_reason)),
                temporary: Set(temporary),
                pa_visit_scheduled_for: Set(pa_visit_scheduled_for),
            }
            .insert(&txn)
            .await?;
            action = "add_accommodation";
        }
        HistoryChange::Allocation {
            role,
            user_id,
            person_name,
            start_date,
            reason,
        } => {
            if !matches!(role.as_str(), "personal_adviser" | "social_worker") {
                errors.push(FieldError::new(
                    "role",
                    "Choose personal adviser or social worker",
                ));
            }
            if start_date > today {
                errors.push(FieldError::new(
                    "start_date",
                    "The start date must be today or in the past",
                ));
            }
            if reason.trim().is_empty() {
                errors.push(FieldError::new("reason", "Enter the reason for the change"));
            }
            let mut name = clean(&person_name);
            let mut uid = None;
            if role == "personal_adviser" {
                match clean(&user_id) {
                    Some(u) => {
                        let allowed = allocatable_advisers(state, caller).await?;
                        match allowed.into_iter().find(|a| a.id == u) {
                            Some(a) => {
                                name = Some(a.name.clone());
                                uid = Some(a.id);
                            }
                            None => errors.push(FieldError::new(
                                "user_id",
                                "Choose a personal adviser you can allocate",
                            )),
                        }
                    }
                    None => errors.push(FieldError::new("user_id", "Choose the personal adviser")),
                }
            } else if name.is_none() {
                errors.push(FieldError::new(
                    "person_name",
                    "Enter the social worker's name",
                ));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            let name = name.unwrap_or_default();
            // The previous allocation for this role ends the day the new one starts.
            for a in record
                .allocations
                .iter()
                .filter(|a| a.role == role && a.end_date.is_none())
            {
                let mut am: allocation::ActiveModel = a.clone().into();
                am.end_date = Set(Some(std::cmp::Ord::max(start_date, a.start_date)));
                am.update(&txn).await?;
            }
            allocation::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                role: Set(role.clone()),
                user_id: Set(uid.clone()),
                person_name: Set(name.chars().take(100).collect()),
                start_date: Set(start_date),
                end_date: Set(None),
                reason: Set(Some(reason.trim().chars().take(1000).collect())),
            }
            .insert(&txn)
            .await?;
            let mut am: young_person::ActiveModel = person.clone().into();
            if role == "personal_adviser" {
                // The young person stays in (or joins) their new adviser's team.
                if let Some(a) = &uid
                    && let Some(u) = user::Entity::find_by_id(a.clone()).one(&txn).await?
                    && !in_team(&txn, &u, person.team_id.as_deref()).await?
                    && let Some(t) = home_team(&txn, &u).await?
                {
                    am.team_id = Set(Some(t));
                }
                am.adviser_id = Set(uid);
            } else {
                am.social_worker = Set(Some(name));
            }
            am.update(&txn).await?;
            action = "change_allocation";
        }
        HistoryChange::Event {
            kind,
            date,
            end_date,
            notes,
            offered_by,
            accepted,
            learned,
        } => {
            let offer = matches!(
                kind.as_str(),
                "return_interview_offered" | "advocacy_offered" | "independent_visitor_offered"
            );
            if offer && clean(&offered_by).is_none() {
                errors.push(FieldError::new("offered_by", "Say who offered it"));
            }
            let details = offer.then(|| {
                serde_json::json!({
                    "offered_by": clean(&offered_by),
                    "accepted": accepted,
                    "learned": clean(&learned).map(|l| l.chars().take(4000).collect::<String>()),
                })
                .to_string()
            });
            if !timeline::EVENT_KINDS.iter().any(|(k, _)| *k == kind) {
                errors.push(FieldError::new("kind", "Choose what happened"));
            }
            if kind == "oc3_recorded" {
                errors.push(FieldError::new(
                    "kind",
                    "Record care-leaver data on its own form, with the answers the return needs",
                ));
            }
            if date < dob {
                errors.push(FieldError::new(
                    "date",
                    "The date must be on or after the date of birth",
                ));
            }
            if date > today {
                errors.push(FieldError::new(
                    "date",
                    "The date must be today or in the past",
                ));
            }
            if let Some(end) = end_date {
                if kind != "missing_episode" {
                    errors.push(FieldError::new(
                        "end_date",
                        "Only a missing episode has a return date",
                    ));
                } else if end < date {
                    errors.push(FieldError::new(
                        "end_date",
                        "The return date must be on or after the date they went missing",
                    ));
                } else if end > today {
                    errors.push(FieldError::new(
                        "end_date",
                        "The return date must be today or in the past",
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            timeline_event::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                kind: Set(kind),
                event_date: Set(date),
                end_date: Set(end_date),
                notes: Set(clean(&notes).map(|n| n.chars().take(4000).collect())),
                recorded_by: Set(Some(caller.id().to_string())),
                details: Set(details),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            action = "add_event";
        }
        HistoryChange::Oc3 {
            date,
            in_touch,
            activity,
            accommodation,
        } => {
            let oc3 = crate::domain::ssda903::Oc3 {
                in_touch: in_touch.trim().to_uppercase(),
                activity: activity.trim().to_uppercase(),
                accommodation: accommodation.trim().to_uppercase(),
            };
            if date > today {
                errors.push(FieldError::new(
                    "date",
                    "The date must be today or in the past",
                ));
            } else {
                let age = crate::domain::ssda903::age_for(
                    dob,
                    date,
                    state.config.policy.oc3_window_before_months,
                );
                for f in crate::domain::ssda903::validate(&oc3, age) {
                    if !errors.iter().any(|e| e.field == f.field) {
                        errors.push(FieldError::new(f.field, f.message));
                    }
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            timeline_event::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                kind: Set("oc3_recorded".into()),
                event_date: Set(date),
                end_date: Set(None),
                notes: Set(None),
                recorded_by: Set(Some(caller.id().to_string())),
                details: Set(Some(serde_json::to_string(&oc3).unwrap_or_default())),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            action = "add_oc3";
        }
        HistoryChange::Override { code, due, reason } => {
            if !caller.role.is_manager() {
                return Err(AppError::Forbidden);
            }
            match crate::domain::timeline::MilestoneCode::parse(&code) {
                None => errors.push(FieldError::new("code", "Choose a milestone")),
                Some(c) => {
                    if let Err(m) = crate::domain::timeline::check_override(c) {
                        errors.push(FieldError::new("code", m));
                    }
                }
            }
            if reason.trim().is_empty() {
                errors.push(FieldError::new(
                    "reason",
                    "Enter the reason for the new due date",
                ));
            }
            if due <= dob {
                errors.push(FieldError::new(
                    "due",
                    "The due date must be after the date of birth",
                ));
            }
            if !errors.is_empty() {
                return Err(AppError::Validation(errors));
            }
            crate::services::oversight::write_record(
                &txn,
                id,
                "due_date_override",
                &format!("{code} due date set to {}", due.format("%-d %B %Y")),
                Some(reason.trim().to_string()),
                None,
                &[],
                Some(new_id.clone()),
                caller.id(),
                today,
                now,
            )
            .await?;
            milestone_override::ActiveModel {
                id: Set(new_id.clone()),
                young_person_id: Set(id.to_string()),
                code: Set(code),
                due: Set(due),
                reason: Set(reason.trim().chars().take(2000).collect()),
                user_id: Set(caller.id().to_string()),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
            action = "override_due_date";
        }
    }
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        action,
        Some(Target::young_person(id)),
        "success",
        meta,
    )
    .await?;
    let fresh = young_person::Entity::find_by_id(id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let tl = recompute_in(state, &txn, fresh).await?;
    txn.commit().await?;
    Ok(tl)
}

/// The full record for display, loaded in the caller's scope and audited as a view.
pub async fn record(
    state: &AppState,
    caller: &CurrentUser,
    id: &str,
    meta: &RequestMeta,
) -> Result<timeline::Record, AppError> {
    let person = get(state, caller, id, meta).await?;
    timeline::load(&state.db, person).await
}
