//! A young person's record: details, legal status, the transition timeline, the care history and
//! the forms that change them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::forms::{self, Field, FormPage, date_field, get as value};
use super::render;
use crate::auth::{CurrentUser, WebUser};
use crate::domain::timeline::MilestoneCode;
use crate::error::{AppError, FieldError};
use crate::services::audit::RequestMeta;
use crate::services::timeline::{self as tl, EVENT_KINDS};
use crate::services::young_people::{self, HistoryChange, PersonDetails, SUITABILITY_FACTORS};
use crate::state::AppState;
use crate::views::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/young-people/new", get(new_form).post(create))
        .route("/young-people/{id}", get(show))
        .route("/young-people/{id}/edit", get(edit_form).post(update))
        .route(
            "/young-people/{id}/add/{kind}",
            get(change_form).post(change_submit),
        )
        .route(
            "/young-people/{id}/allocate",
            get(allocate_form).post(allocate),
        )
}

// ----- allocation from the awaiting list ----------------------------------------------------

/// The one-step allocation form (the team page's awaiting list posts the same fields).
async fn allocate_page(
    state: &AppState,
    user: &CurrentUser,
    person: &crate::entities::young_person::Model,
    values: &Values,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let mut choices = vec![(String::new(), "Choose a personal adviser".to_string())];
    choices.extend(
        young_people::team_advisers(state, user, person.team_id.as_deref())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    let name = young_people::display_name(person);
    form_page(
        user,
        &name,
        "Allocate a personal adviser",
        Some(format!(
            "Choose a personal adviser in {name}'s team. The allocation and its reason go into the allocation history."
        )),
        format!("/young-people/{}/allocate", person.id),
        "/team#awaiting".into(),
        vec![
            Field::new("adviser_id", "Personal adviser", "select").owned_choices(choices),
            Field::new("reason", "Reason (optional)", "text")
                .hint("For example: first allocation, referred from the children in care team"),
        ],
        values,
        errors,
        vec![],
        "Allocate",
    )
}

pub async fn allocate_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let person = young_people::get(&state, &user, &id, &meta).await?;
    allocate_page(&state, &user, &person, &vec![], vec![]).await
}

pub async fn allocate(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let choice = match forms::read::<young_people::Allocate>(
        &values,
        &[
            Field::new("adviser_id", "Personal adviser", "select"),
            Field::new("reason", "Reason", "text"),
        ],
        &[],
    ) {
        Ok(c) => young_people::allocate(&state, &user, &id, c, &meta).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match choice {
        Ok(_) => Ok(Redirect::to(&format!("/team?allocated={id}#awaiting")).into_response()),
        Err(AppError::Validation(errs)) => {
            let person = young_people::in_scope(&state, &user, &id).await?;
            allocate_page(&state, &user, &person, &values, errs).await
        }
        Err(e) => Err(e),
    }
}

type Values = Vec<(String, String)>;

fn fmt_date(d: chrono::NaiveDate) -> String {
    crate::views::date(d)
}

// ----- details ------------------------------------------------------------------------------

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

#[allow(clippy::too_many_arguments)]
fn form_page(
    user: &CurrentUser,
    caption: &str,
    heading: &str,
    intro: Option<String>,
    action: String,
    back: String,
    fields: Vec<Field>,
    values: &Values,
    errors: Vec<FieldError>,
    hidden: Vec<(String, String)>,
    submit: &str,
) -> Result<Response, AppError> {
    FormPage {
        layout: Layout::for_user(heading, user, "/caseload"),
        caption: caption.into(),
        heading: heading.into(),
        intro,
        action,
        submit: submit.into(),
        back,
        fields,
        errors,
        hidden,
    }
    .respond(values)
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

// ----- care history and events --------------------------------------------------------------

struct ChangeKind {
    heading: &'static str,
    intro: Option<&'static str>,
    submit: &'static str,
}

fn change_kind(kind: &str) -> Option<ChangeKind> {
    Some(match kind {
        "episode" => ChangeKind {
            heading: "Add a looked-after episode",
            intro: Some(
                "The end date is the day care ended. Leave it blank while the episode is open.",
            ),
            submit: "Add episode",
        },
        "parent-period" => ChangeKind {
            heading: "Add a period living with a parent",
            intro: Some(
                "Six months in a row back home with a parent ends a relevant child's status (CLR 2010 reg 3).",
            ),
            submit: "Add period",
        },
        "accommodation" => ChangeKind {
            heading: "Add accommodation",
            intro: Some(
                "Record every move with its reason. Suitability follows CLR 2010 Schedule 2.",
            ),
            submit: "Add accommodation",
        },
        "allocation" => ChangeKind {
            heading: "Change personal adviser or social worker",
            intro: Some("The previous allocation ends on the start date of the new one."),
            submit: "Save allocation",
        },
        "event" => ChangeKind {
            heading: "Record an event",
            intro: Some(
                "Events move the timeline: for example a completed assessment, a missing episode or a change of circumstances.",
            ),
            submit: "Record event",
        },
        "oc3" => ChangeKind {
            heading: "Record care-leaver data (OC3)",
            intro: Some(
                "The SSDA903 return asks, around each birthday from 17 to 21 and at the latest contact from 22 to 25, whether you are in touch, their main activity and where they live.",
            ),
            submit: "Record data",
        },
        "override" => ChangeKind {
            heading: "Change a policy due date",
            intro: Some(
                "Only local policy dates can be changed, never a statutory one. The reason is kept as an oversight record.",
            ),
            submit: "Change due date",
        },
        _ => return None,
    })
}

async fn change_fields(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
) -> Result<Vec<Field>, AppError> {
    Ok(match kind {
        "episode" => vec![
            date_field("start_date", "Start date"),
            date_field("end_date", "End date (optional)"),
            Field::new("legal_basis", "Legal basis", "text").hint("For example, s20 accommodation or s31 care order"),
            Field::new("short_breaks_only", "Short breaks only", "checkbox").hint("Short breaks do not count towards the 13 weeks (CPPCR 2010 reg 48)"),
        ],
        "parent-period" => vec![date_field("start_date", "Start date"), date_field("end_date", "End date (optional)")],
        "accommodation" => vec![
            Field::new("kind", "Type of accommodation", "text").hint("For example, foster placement, supported lodgings, one-bedroom flat"),
            date_field("start_date", "Moved in"),
            date_field("end_date", "Moved out (optional)"),
            Field::new("provided_by_authority", "Provided by the authority", "checkbox"),
            Field::new("temporary", "Temporary accommodation", "checkbox"),
            Field::new("unmet_factors", "Schedule 2 factors that are not met", "checkboxes")
                .hint("Leave all unticked if the accommodation is suitable")
                .choices(SUITABILITY_FACTORS.iter().map(|(c, l)| (*c, *l))),
            Field::new("suitability_notes", "Notes on suitability (optional)", "textarea"),
            Field::new("move_reason", "Reason for the move", "textarea"),
            date_field("pa_visit_scheduled_for", "Personal adviser's first visit").hint("Required within 7 days when a relevant child moves into accommodation the authority provides. For example, 2026-03-27"),
        ],
        "allocation" => {
            let mut advisers = vec![(String::new(), "Choose a personal adviser".to_string())];
            advisers.extend(young_people::allocatable_advisers(state, user).await?.into_iter().map(|u| (u.id, u.name)));
            vec![
                Field::new("role", "Role", "select").choices([("personal_adviser", "Personal adviser"), ("social_worker", "Social worker")]),
                Field::new("user_id", "Personal adviser", "select").owned_choices(advisers),
                Field::new("person_name", "Social worker's name", "text").hint("Only for a social worker"),
                date_field("start_date", "Start date"),
                Field::new("reason", "Reason for the change", "textarea"),
            ]
        }
        "event" => {
            let mut kinds = vec![("", "Choose what happened")];
            kinds.extend(EVENT_KINDS.iter().copied().filter(|(k, _)| *k != "oc3_recorded"));
            vec![
                Field::new("kind", "What happened", "select").choices(kinds),
                date_field("date", "Date"),
                date_field("end_date", "Return date (missing episodes only)"),
                Field::new("offered_by", "Offered by (return home interview, advocacy, independent visitor)", "text"),
                Field::new("accepted", "Accepted or taken up?", "select").choices([("", "Not known yet"), ("yes", "Yes"), ("no", "No")]),
                Field::new("learned", "What was learned, and the actions taken into the plan (return home interview)", "textarea"),
                Field::new("notes", "Notes (optional)", "textarea").hint("Do not put details here that belong in the plan"),
            ]
        }
        "oc3" => {
            use crate::domain::ssda903::{ACCOMMODATION, ACTIVITY, IN_TOUCH};
            let mut touch = vec![("", "Choose one")];
            touch.extend(IN_TOUCH.iter().copied());
            let mut activity = vec![("", "Choose one")];
            activity.extend(ACTIVITY.iter().map(|(c, l, _)| (*c, *l)));
            let mut accom = vec![("", "Choose one")];
            accom.extend(ACCOMMODATION.iter().map(|(c, l, _)| (*c, *l)));
            accom.push(("0", "Not applicable (died or returned home)"));
            vec![
                date_field("date", "Date of the contact").hint("On or around the birthday (17 to 21), or the latest contact (22 to 25). For example, 2026-03-27"),
                Field::new("in_touch", "In touch with the young person?", "select").choices(touch),
                Field::new("activity", "Main activity", "select").choices(activity),
                Field::new("accommodation", "Where they live", "select").choices(accom),
                Field::new("suitable", "Is it suitable?", "select")
                    .hint("Suitable means safe, secure and affordable; unsuitable if it exposes them to risk of harm or social exclusion. No fixed abode and custody are always unsuitable.")
                    .choices([("", "Not applicable"), ("1", "Suitable"), ("2", "Unsuitable")]),
            ]
        }
        "override" => {
            let codes: Vec<(&str, &str)> = MilestoneCode::ALL
                .iter()
                .filter(|c| crate::domain::timeline::check_override(**c).is_ok())
                .map(|c| (c.code(), c.title()))
                .collect();
            vec![
                Field::new("code", "Milestone", "select").choices(codes),
                date_field("due", "New due date"),
                Field::new("reason", "Reason", "textarea"),
            ]
        }
        _ => return Err(AppError::NotFound),
    })
}

/// Reads the form for one kind of change into the struct the API takes for it.
fn change_from(kind: &str, values: &Values, fields: &[Field]) -> Result<HistoryChange, AppError> {
    use young_people::{
        Accommodation, AllocationChange, Episode, Event, Oc3Contact, Override, ParentPeriod,
    };
    let read = |values: &Values| -> Result<HistoryChange, Vec<FieldError>> {
        Ok(match kind {
            "episode" => HistoryChange::Episode(forms::read::<Episode>(values, fields, &[])?),
            "parent-period" => {
                HistoryChange::ParentPeriod(forms::read::<ParentPeriod>(values, fields, &[])?)
            }
            "accommodation" => {
                HistoryChange::Accommodation(forms::read::<Accommodation>(values, fields, &[])?)
            }
            "allocation" => {
                HistoryChange::Allocation(forms::read::<AllocationChange>(values, fields, &[])?)
            }
            "event" => HistoryChange::Event(forms::read::<Event>(values, fields, &[])?),
            "oc3" => HistoryChange::Oc3(forms::read::<Oc3Contact>(values, fields, &[])?),
            _ => HistoryChange::Override(forms::read::<Override>(values, fields, &[])?),
        })
    };
    let values = if kind == "oc3" {
        // The page asks where they live and whether it is suitable; the return keeps one code
        // (a letter with 1 or 2, or 0).
        let accommodation = match value(values, "accommodation").as_str() {
            "0" => "0".to_string(),
            "" => String::new(),
            letter => format!("{letter}{}", value(values, "suitable")),
        };
        values
            .iter()
            .filter(|(k, _)| k != "accommodation")
            .cloned()
            .chain([("accommodation".to_string(), accommodation)])
            .collect()
    } else {
        values.clone()
    };
    read(&values).map_err(AppError::Validation)
}

pub async fn change_form(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let k = change_kind(&kind).ok_or(AppError::NotFound)?;
    if kind == "override" && !user.role.is_manager() {
        return Err(AppError::NotFound);
    }
    let p = young_people::get(&state, &user, &id, &meta).await?;
    let fields = change_fields(&state, &user, &kind).await?;
    form_page(
        &user,
        &young_people::display_name(&p),
        k.heading,
        k.intro.map(Into::into),
        format!("/young-people/{id}/add/{kind}"),
        format!("/young-people/{id}"),
        fields,
        &vec![],
        vec![],
        vec![],
        k.submit,
    )
}

pub async fn change_submit(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path((id, kind)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, AppError> {
    let k = change_kind(&kind).ok_or(AppError::NotFound)?;
    let fields = change_fields(&state, &user, &kind).await?;
    let result = match change_from(&kind, &values, &fields) {
        Ok(change) => young_people::apply_change(&state, &user, &id, change, &meta)
            .await
            .map(|_| ()),
        Err(e) => {
            // Make sure the record exists and is theirs before showing anything about it.
            young_people::get(&state, &user, &id, &meta).await?;
            Err(e)
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/young-people/{id}#timeline")).into_response()),
        Err(AppError::Validation(errs)) => form_page(
            &user,
            "",
            k.heading,
            k.intro.map(Into::into),
            format!("/young-people/{id}/add/{kind}"),
            format!("/young-people/{id}"),
            fields,
            &values,
            errs,
            vec![],
            k.submit,
        ),
        Err(AppError::Forbidden) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

// ----- the record page ----------------------------------------------------------------------

pub struct MilestoneRow {
    pub code: &'static str,
    pub title: &'static str,
    pub due: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub tag: &'static str,
    pub done_on: String,
    /// How late it was done ("4 months late"), or empty when not done or done on time.
    pub late: String,
    pub rule: String,
    pub source: &'static str,
    pub kind: &'static str,
    pub overridden: Option<String>,
    pub escalated: bool,
}

pub struct Row {
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "young_people/show.html")]
struct ShowPage {
    layout: Layout,
    id: String,
    name: String,
    local_id: String,
    details: Vec<(&'static str, String)>,
    status: String,
    status_reasons: Vec<String>,
    as_of: String,
    /// The same day for reading: "23 March 2027" (`as_of` stays ISO for the date input).
    as_of_text: String,
    as_of_is_today: bool,
    milestones: Vec<MilestoneRow>,
    overdue: usize,
    episodes: Vec<Row>,
    parent_periods: Vec<Row>,
    accommodations: Vec<Row>,
    allocations: Vec<Row>,
    events: Vec<Row>,
    can_override: bool,
    as_of_error: Option<String>,
    is_manager: bool,
    chronology: Vec<ChronologyRow>,
    audits: Vec<(String, String, String)>,
}

pub struct ChronologyRow {
    pub date: String,
    pub what: String,
    pub detail: String,
    pub by: String,
    pub href: Option<String>,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    as_of: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    meta: RequestMeta,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let record = young_people::record(&state, &user, &id, &meta).await?;
    let today = state.clock.today();
    let (as_of, as_of_error) = match q.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        None => (today, None),
        Some(s) => match forms::parse_date(s) {
            Some(d) => (d, None),
            None => (
                today,
                Some("The date must be a real date, for example 2027-03-27".to_string()),
            ),
        },
    };
    let timeline = record.timeline(&state.config.policy, &state.holidays, as_of);
    let p = &record.person;
    let name = young_people::display_name(p);
    let milestones: Vec<MilestoneRow> = timeline
        .milestones
        .iter()
        .map(|m| MilestoneRow {
            code: m.code.code(),
            title: m.code.title(),
            due: fmt_date(m.due),
            state: tl::state_code(m.state),
            state_label: tl::state_label(m.state),
            tag: match m.state {
                crate::domain::timeline::MilestoneState::Overdue => "app-tag--red",
                crate::domain::timeline::MilestoneState::DueSoon => "app-tag--yellow",
                crate::domain::timeline::MilestoneState::Done => "app-tag--green",
                crate::domain::timeline::MilestoneState::Upcoming => "app-tag--grey",
            },
            done_on: m.done_on.map(fmt_date).unwrap_or_default(),
            late: m
                .done_on
                .filter(|d| *d > m.due)
                .map(|d| crate::views::lateness(m.due, d))
                .unwrap_or_default(),
            rule: crate::views::dates_in(&m.rule),
            source: m.source,
            kind: if m.statutory {
                "Statutory"
            } else {
                "Local policy"
            },
            overridden: m.overridden.clone(),
            escalated: m.escalated,
        })
        .collect();
    let overdue = milestones.iter().filter(|m| m.state == "overdue").count();
    let opt_date = |d: Option<chrono::NaiveDate>| d.map(fmt_date).unwrap_or_else(|| "Open".into());
    let details = vec![
        (
            "Date of birth",
            format!(
                "{} (age {})",
                fmt_date(p.date_of_birth),
                crate::domain::age::age_years(p.date_of_birth, today)
            ),
        ),
        ("Pronouns", p.pronouns.clone().unwrap_or_default()),
        (
            "First language",
            p.first_language.clone().unwrap_or_default(),
        ),
        ("Ethnicity", p.ethnicity.clone().unwrap_or_default()),
        (
            "Unaccompanied asylum-seeking",
            if p.uasc { "Yes".into() } else { "No".into() },
        ),
        ("Social worker", p.social_worker.clone().unwrap_or_default()),
    ];
    // The chronology: events, oversight and plan decisions on one line of time, newest first.
    let names = crate::services::users::names(&state).await?;
    let who = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| names.get(i).cloned())
            .unwrap_or_default()
    };
    let mut chronology: Vec<(chrono::NaiveDate, ChronologyRow)> = vec![];
    for e in &record.events {
        chronology.push((
            e.event_date,
            ChronologyRow {
                date: fmt_date(e.event_date),
                what: tl::event_label(&e.kind).to_string(),
                detail: event_detail(e),
                by: who(&e.recorded_by),
                href: None,
            },
        ));
    }
    for o in crate::services::oversight::for_person(&state, &p.id).await? {
        let actions = crate::services::oversight::parse_actions(&o.actions);
        let mut detail = o.rationale.clone().unwrap_or_default();
        for a in actions {
            detail.push_str(&format!(
                " Action: {} ({}, by {}).",
                a.what,
                a.who,
                a.by_when.map(fmt_date).unwrap_or_default()
            ));
        }
        chronology.push((
            o.recorded_on,
            ChronologyRow {
                date: fmt_date(o.recorded_on),
                what: format!(
                    "{}: {}",
                    crate::services::oversight::kind_label(&o.kind),
                    o.decision
                ),
                detail: detail.trim().to_string(),
                by: who(&Some(o.recorded_by.clone())),
                href: None,
            },
        ));
    }
    // Milestones done after their due date: how late, on the day they were done.
    for m in &timeline.milestones {
        if let Some(done) = m.done_on.filter(|d| *d > m.due) {
            chronology.push((
                done,
                ChronologyRow {
                    date: fmt_date(done),
                    what: format!(
                        "Done {}: {}",
                        crate::views::lateness(m.due, done),
                        m.code.title()
                    ),
                    detail: format!("It was due {} ({}).", fmt_date(m.due), m.source),
                    by: String::new(),
                    href: None,
                },
            ));
        }
    }
    let case_audits = crate::services::oversight::audits_for(&state, &p.id).await?;
    let audit_actions = crate::services::oversight::audit_actions_for(&state, &p.id).await?;
    for a in &case_audits {
        let grades: std::collections::BTreeMap<String, crate::services::oversight::AreaGrade> =
            serde_json::from_str(&a.grades).unwrap_or_default();
        let mut detail = a.summary.clone().unwrap_or_default();
        for act in audit_actions.iter().filter(|x| x.audit_id == a.id) {
            detail.push_str(&format!(
                " Action: {} ({}, by {}).",
                act.text,
                who(&Some(act.owner_id.clone())),
                fmt_date(act.due)
            ));
        }
        chronology.push((
            a.audit_date,
            ChronologyRow {
                date: fmt_date(a.audit_date),
                what: format!(
                    "Case audit: overall {}",
                    crate::services::oversight::grade_label(
                        &grades
                            .get("overall")
                            .map(|g| g.grade.clone())
                            .unwrap_or_default()
                    )
                    .to_lowercase()
                ),
                detail: detail.trim().to_string(),
                by: who(&Some(a.auditor_id.clone())),
                href: Some(format!("/audits/{}", a.id)),
            },
        ));
    }
    chronology.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    let audits = case_audits
        .into_iter()
        .map(|a| {
            let grades: std::collections::BTreeMap<String, crate::services::oversight::AreaGrade> =
                serde_json::from_str(&a.grades).unwrap_or_default();
            (
                a.id.clone(),
                fmt_date(a.audit_date),
                crate::services::oversight::grade_label(
                    &grades
                        .get("overall")
                        .map(|g| g.grade.clone())
                        .unwrap_or_default(),
                )
                .to_string(),
            )
        })
        .collect();
    let page = ShowPage {
        is_manager: user.role.is_manager(),
        chronology: chronology.into_iter().map(|(_, r)| r).collect(),
        audits,
        layout: Layout::for_user(&name, &user, "/caseload"),
        id: p.id.clone(),
        local_id: p.local_id.clone(),
        details,
        status: timeline.status.status.label().to_string(),
        status_reasons: timeline
            .status
            .reasons
            .iter()
            .map(|r| crate::views::dates_in(r))
            .collect(),
        as_of: as_of.to_string(),
        as_of_text: fmt_date(as_of),
        as_of_is_today: as_of == today,
        overdue,
        milestones,
        episodes: record
            .episodes
            .iter()
            .map(|e| Row {
                cells: vec![
                    fmt_date(e.start_date),
                    opt_date(e.end_date),
                    e.legal_basis.clone(),
                    if e.short_breaks_only {
                        "Yes".into()
                    } else {
                        "No".into()
                    },
                ],
            })
            .collect(),
        parent_periods: record
            .parent_periods
            .iter()
            .map(|e| Row {
                cells: vec![fmt_date(e.start_date), opt_date(e.end_date)],
            })
            .collect(),
        accommodations: record
            .accommodations
            .iter()
            .map(|a| Row {
                cells: vec![
                    a.kind.clone(),
                    fmt_date(a.start_date),
                    opt_date(a.end_date),
                    if a.provided_by_authority {
                        "Yes".into()
                    } else {
                        "No".into()
                    },
                    if a.suitable {
                        "Suitable".into()
                    } else {
                        "Not suitable".into()
                    },
                    if a.temporary {
                        "Temporary".into()
                    } else {
                        "Settled".into()
                    },
                    a.move_reason.clone().unwrap_or_default(),
                ],
            })
            .collect(),
        allocations: record
            .allocations
            .iter()
            .map(|a| Row {
                cells: vec![
                    if a.role == "personal_adviser" {
                        "Personal adviser".into()
                    } else {
                        "Social worker".into()
                    },
                    a.person_name.clone(),
                    fmt_date(a.start_date),
                    opt_date(a.end_date),
                    a.reason.clone().unwrap_or_default(),
                ],
            })
            .collect(),
        events: record
            .events
            .iter()
            .rev()
            .map(|e| Row {
                cells: vec![
                    fmt_date(e.event_date),
                    tl::event_label(&e.kind).to_string(),
                    e.end_date.map(fmt_date).unwrap_or_default(),
                ],
            })
            .collect(),
        can_override: user.role.is_manager(),
        as_of_error,
        name,
    };
    render(&page)
}

/// A recorded event's particulars for the chronology: the return date, and who offered a return
/// home interview, advocacy or an independent visitor, whether it was accepted, what was learned.
fn event_detail(e: &crate::entities::timeline_event::Model) -> String {
    let mut d = e
        .end_date
        .map(|d| format!("Returned {}. ", fmt_date(d)))
        .unwrap_or_default();
    if let Some(v) = e
        .details
        .as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
    {
        if let Some(by) = v["offered_by"].as_str() {
            d.push_str(&format!("Offered by {by}. "));
        }
        match v["accepted"].as_bool() {
            Some(true) => d.push_str("Accepted. "),
            Some(false) => d.push_str("Not accepted. "),
            None => {}
        }
        if let Some(l) = v["learned"].as_str() {
            d.push_str(l);
        }
    }
    d.trim().to_string()
}
