//! A young person's details: adding a record and changing it. The same struct is the page's
//! form and the API's body; its derives say what each field may hold, and the OpenAPI document
//! carries the same limits.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
};
use validator::{Validate, ValidateArgs, ValidationError};

use super::{recompute_in, scoped_in_txn};
use crate::auth::{CurrentUser, Role};
use crate::entities::{allocation, team, user, young_person};
use crate::error::{AppError, FieldError};
use crate::input::{self, Labels, de};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::scope::{clean, home_team};
use crate::state::AppState;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema, Validate)]
#[validate(context = NaiveDate)]
pub struct PersonDetails {
    #[serde(default)]
    /// The case number in the authority's records (`domain::text::LOCAL_ID_PATTERN`).
    #[validate(
        custom(function = "input::not_blank"),
        length(max = 40),
        custom(function = "input::one_line"),
        custom(function = "input::local_id")
    )]
    #[schema(
        required = true,
        min_length = 1,
        max_length = 40,
        pattern = "^[A-Za-z0-9][A-Za-z0-9/._-]*$",
        example = "BAR-1001"
    )]
    pub local_id: String,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the young person's given name"
        ),
        length(max = 100),
        custom(function = "input::one_line")
    )]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub given_name: String,
    #[serde(default)]
    #[validate(
        custom(
            function = "input::not_blank",
            message = "Enter the young person's family name"
        ),
        length(max = 100),
        custom(function = "input::one_line")
    )]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub family_name: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub preferred_name: Option<String>,
    /// In the last 30 years, and not in the future.
    #[serde(default, deserialize_with = "de::opt_date")]
    #[validate(required, custom(function = "born", use_context))]
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub gender: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 40), custom(function = "input::one_line"))]
    #[schema(max_length = 40)]
    pub pronouns: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub ethnicity: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub first_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 200), custom(function = "input::one_line"))]
    #[schema(max_length = 200)]
    pub disability: Option<String>,
    #[serde(default)]
    pub uasc: bool,
    #[serde(default)]
    pub trafficked: bool,
    #[serde(default)]
    pub special_guardianship: bool,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 40), custom(function = "input::one_line"))]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(
        length(max = 200),
        custom(function = "input::one_line"),
        custom(function = "input::email")
    )]
    #[schema(max_length = 200, format = Email)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 500), custom(function = "input::lines"))]
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    #[validate(length(max = 100), custom(function = "input::one_line"))]
    #[schema(max_length = 100)]
    pub social_worker: Option<String>,
    /// The personal adviser to allocate (managers only; an adviser's new young person is theirs).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub adviser_id: Option<String>,
    /// The team the young person belongs to (managers only; the manager's own team by default,
    /// the adviser's team when one is chosen; an adviser's new young person is in their team).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub team_id: Option<String>,
}

impl Labels for PersonDetails {
    const LABELS: &'static [(&'static str, &'static str)] = &[
        ("given_name", "Given name"),
        ("family_name", "Family name"),
        ("preferred_name", "Preferred name"),
        ("date_of_birth", "Date of birth"),
        ("local_id", "The local identifier"),
        ("pronouns", "Pronouns"),
        ("gender", "Gender"),
        ("ethnicity", "Ethnicity"),
        ("first_language", "First language"),
        ("disability", "Disability"),
        ("uasc", "Unaccompanied asylum-seeking child"),
        ("trafficked", "Known or suspected victim of trafficking"),
        (
            "special_guardianship",
            "Subject to a special guardianship order",
        ),
        ("phone", "Phone number"),
        ("email", "Email address"),
        ("address", "Address"),
        ("social_worker", "Social worker"),
        ("adviser_id", "Personal adviser"),
        ("team_id", "Team"),
    ];
}

/// A date of birth is in the past and within the last 30 years.
fn born(dob: &NaiveDate, today: &NaiveDate) -> Result<(), ValidationError> {
    let message = if dob > today {
        "Date of birth must be in the past"
    } else if crate::domain::age::age_years(*dob, *today) > 30 {
        "Date of birth must be within the last 30 years"
    } else {
        return Ok(());
    };
    Err(ValidationError::new("born").with_message(message.into()))
}

/// Checks the details as typed, with every message at its field.
pub fn validate_details(d: &PersonDetails, today: NaiveDate) -> Vec<FieldError> {
    d.validate_with_args(&today)
        .err()
        .map(|e| input::field_errors::<PersonDetails>(&e))
        .unwrap_or_default()
}

/// Whether a practitioner works in the team `team_id` names (see [`scope::works_in`]).
pub(super) async fn in_team<C: sea_orm::ConnectionTrait>(
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

/// Adds a young person: an adviser's own, or one a manager places in a team (and allocates, if
/// they choose an adviser).
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
    let person = insert_person(&txn, &d, dob, adviser_id.clone(), team_id, now).await?;
    if let Some(adviser) = &adviser_id {
        first_allocation(&txn, &person, adviser, state.clock.today()).await?;
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

/// Writes a new young person's record from their details, in the creating transaction.
async fn insert_person<C: sea_orm::ConnectionTrait>(
    db: &C,
    d: &PersonDetails,
    dob: NaiveDate,
    adviser_id: Option<String>,
    team_id: Option<String>,
    now: DateTime<Utc>,
) -> Result<young_person::Model, AppError> {
    Ok(young_person::ActiveModel {
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
        adviser_id: Set(adviser_id),
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
    .insert(db)
    .await?)
}

/// The allocation history starts with the adviser chosen when the record was created.
async fn first_allocation<C: sea_orm::ConnectionTrait>(
    db: &C,
    person: &young_person::Model,
    adviser: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    if let Some(u) = user::Entity::find_by_id(adviser.to_string())
        .one(db)
        .await?
    {
        allocation::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(person.id.clone()),
            role: Set("personal_adviser".into()),
            user_id: Set(Some(u.id.clone())),
            person_name: Set(u.name.clone()),
            start_date: Set(today),
            end_date: Set(None),
            reason: Set(Some("Allocated when the record was created".into())),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// What someone is told when another person saved the record after they opened it.
const CHANGED_SINCE: &str = "Someone else changed this record since you opened it. Your changes have not been saved: reload the page to see theirs, then make your changes again.";

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
        return Err(AppError::Conflict(CHANGED_SINCE.into()));
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
        return Err(AppError::Conflict(CHANGED_SINCE.into()));
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
