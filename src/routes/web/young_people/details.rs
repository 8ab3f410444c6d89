//! Adding a young person and changing their details.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Values, form_page};
use crate::auth::{CurrentUser, WebUser};
use crate::error::{AppError, FieldError};
use crate::routes::web::forms::{self, Field, date_field, get as value};
use crate::services::audit::RequestMeta;
use crate::services::young_people::{self, PersonDetails};
use crate::state::AppState;

async fn detail_fields(
    state: &AppState,
    user: &CurrentUser,
    with_adviser: bool,
) -> Result<Vec<Field>, AppError> {
    let mut f = vec![
        Field::new("given_name", "Given name", "text"),
        Field::new("family_name", "Family name", "text"),
        Field::new("preferred_name", "Preferred name (optional)", "text")
            .hint("What they like to be called"),
        date_field("date_of_birth", "Date of birth"),
        Field::new("local_id", "Local identifier", "text")
            .hint("The case number in the authority's records"),
        Field::new("pronouns", "Pronouns (optional)", "text"),
        Field::new("gender", "Gender (optional)", "text"),
        Field::new("ethnicity", "Ethnicity (optional)", "text"),
        Field::new("first_language", "First language (optional)", "text"),
        Field::new("disability", "Disability (optional)", "text"),
        Field::new("uasc", "Unaccompanied asylum-seeking child", "checkbox"),
        Field::new(
            "trafficked",
            "Known or suspected victim of trafficking",
            "checkbox",
        ),
        Field::new(
            "special_guardianship",
            "Subject to a special guardianship order",
            "checkbox",
        ),
        Field::new("phone", "Phone (optional)", "tel"),
        Field::new("email", "Email (optional)", "email"),
        Field::new("address", "Address (optional)", "textarea"),
        Field::new("social_worker", "Social worker (optional)", "text"),
    ];
    if with_adviser && user.role.is_manager() {
        let mut choices = vec![(String::new(), "Not allocated yet".to_string())];
        choices.extend(
            young_people::allocatable_advisers(state, user)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name)),
        );
        f.push(Field::new("adviser_id", "Personal adviser", "select").owned_choices(choices));
        // The team the young person belongs to from today, allocated or not: a manager's own
        // team first (the default), a senior manager's choice or the adviser's team.
        let mut teams: Vec<(String, String)> = crate::services::team::managed_teams(state, user)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        if user.role == crate::auth::Role::Manager {
            let own = young_people::home_team(&state.db, &user.user).await?;
            teams.sort_by_key(|(id, _)| Some(id) != own.as_ref());
        } else {
            teams.insert(
                0,
                (String::new(), "The personal adviser's team".to_string()),
            );
        }
        f.push(
            Field::new("team_id", "Team", "select")
                .hint("The team that plans with them and allocates their personal adviser")
                .owned_choices(teams),
        );
    }
    Ok(f)
}

pub async fn new_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
) -> Result<Response, AppError> {
    if !user.role.has_casework() {
        return Err(AppError::NotFound);
    }
    let fields = detail_fields(&state, &user, true).await?;
    form_page(
        &user,
        "",
        "Add a young person",
        None,
        "/young-people/new".into(),
        "/caseload".into(),
        fields,
        &vec![],
        vec![],
        vec![],
        "Add young person",
    )
}

pub async fn create(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    if !user.role.has_casework() {
        return Err(AppError::NotFound);
    }
    let fields = detail_fields(&state, &user, true).await?;
    let result = match forms::read::<PersonDetails>(&values, &fields, &[]) {
        Ok(d) => young_people::create(&state, &user, d, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/young-people/{}", p.id)).into_response()),
        Err(AppError::Validation(errs)) => form_page(
            &user,
            "",
            "Add a young person",
            None,
            "/young-people/new".into(),
            "/caseload".into(),
            fields,
            &values,
            errs,
            vec![],
            "Add young person",
        ),
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let values: Values = [
        ("given_name", p.given_name.clone()),
        ("family_name", p.family_name.clone()),
        (
            "preferred_name",
            p.preferred_name.clone().unwrap_or_default(),
        ),
        ("date_of_birth", p.date_of_birth.to_string()),
        ("local_id", p.local_id.clone()),
        ("pronouns", p.pronouns.clone().unwrap_or_default()),
        ("gender", p.gender.clone().unwrap_or_default()),
        ("ethnicity", p.ethnicity.clone().unwrap_or_default()),
        (
            "first_language",
            p.first_language.clone().unwrap_or_default(),
        ),
        ("disability", p.disability.clone().unwrap_or_default()),
        ("phone", p.phone.clone().unwrap_or_default()),
        ("email", p.email.clone().unwrap_or_default()),
        ("address", p.address.clone().unwrap_or_default()),
        ("social_worker", p.social_worker.clone().unwrap_or_default()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .chain(
        [
            ("uasc", p.uasc),
            ("trafficked", p.trafficked),
            ("special_guardianship", p.special_guardianship),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(k, _)| (k.to_string(), "true".to_string())),
    )
    .collect();
    let fields = detail_fields(&state, &user, false).await?;
    let name = young_people::display_name(&p);
    form_page(
        &user,
        &name,
        "Change details",
        None,
        format!("/young-people/{id}/edit"),
        format!("/young-people/{id}"),
        fields,
        &values,
        vec![],
        vec![("version".into(), p.version.to_string())],
        "Save changes",
    )
}

pub async fn update(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let fields = detail_fields(&state, &user, false).await?;
    // The version the page was opened at; a missing or altered one can only conflict.
    let version: i32 = value(&values, "version").parse().unwrap_or(0);
    let result = match forms::read::<PersonDetails>(&values, &fields, &[]) {
        Ok(d) => young_people::update_details(&state, &user, &id, version, d, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/young-people/{id}")).into_response()),
        Err(AppError::Validation(errs)) => form_page(
            &user,
            "",
            "Change details",
            None,
            format!("/young-people/{id}/edit"),
            format!("/young-people/{id}"),
            fields,
            &values,
            errs,
            vec![("version".into(), version.to_string())],
            "Save changes",
        ),
        Err(AppError::Conflict(msg)) => {
            // Keep what they typed on screen, say what happened, and do not overwrite.
            let mut res = form_page(
                &user,
                "",
                "Change details",
                Some(msg.clone()),
                format!("/young-people/{id}/edit"),
                format!("/young-people/{id}"),
                fields,
                &values,
                vec![FieldError::new("given_name", msg)],
                vec![("version".into(), version.to_string())],
                "Save changes",
            )?;
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}
