//! The care history and events: the form for each kind of change (an episode, a period with a
//! parent, accommodation, an allocation, an event, OC3 data, a policy due date) and its submission.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Values, form_page};
use crate::auth::{CurrentUser, WebUser};
use crate::domain::timeline::MilestoneCode;
use crate::error::{AppError, FieldError};
use crate::routes::web::forms::{self, Field, date_field, get as value};
use crate::services::audit::RequestMeta;
use crate::services::timeline::EVENT_KINDS;
use crate::services::young_people::{self, HistoryChange, SUITABILITY_FACTORS};
use crate::state::AppState;

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
        "episode" => episode_fields(),
        "parent-period" => vec![
            date_field("start_date", "Start date"),
            date_field("end_date", "End date (optional)"),
        ],
        "accommodation" => accommodation_fields(),
        "allocation" => allocation_fields(state, user).await?,
        "event" => event_fields(),
        "oc3" => oc3_fields(),
        "override" => override_fields(),
        _ => return Err(AppError::NotFound),
    })
}

fn episode_fields() -> Vec<Field> {
    vec![
        date_field("start_date", "Start date"),
        date_field("end_date", "End date (optional)"),
        Field::new("legal_basis", "Legal basis", "text")
            .hint("For example, s20 accommodation or s31 care order"),
        Field::new("short_breaks_only", "Short breaks only", "checkbox")
            .hint("Short breaks do not count towards the 13 weeks (CPPCR 2010 reg 48)"),
    ]
}

fn accommodation_fields() -> Vec<Field> {
    vec![
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
    ]
}

async fn allocation_fields(state: &AppState, user: &CurrentUser) -> Result<Vec<Field>, AppError> {
    let mut advisers = vec![(String::new(), "Choose a personal adviser".to_string())];
    advisers.extend(
        young_people::allocatable_advisers(state, user)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name)),
    );
    Ok(vec![
        Field::new("role", "Role", "select").choices([
            ("personal_adviser", "Personal adviser"),
            ("social_worker", "Social worker"),
        ]),
        Field::new("user_id", "Personal adviser", "select").owned_choices(advisers),
        Field::new("person_name", "Social worker's name", "text").hint("Only for a social worker"),
        date_field("start_date", "Start date"),
        Field::new("reason", "Reason for the change", "textarea"),
    ])
}

fn event_fields() -> Vec<Field> {
    let mut kinds = vec![("", "Choose what happened")];
    kinds.extend(
        EVENT_KINDS
            .iter()
            .copied()
            .filter(|(k, _)| *k != "oc3_recorded"),
    );
    vec![
        Field::new("kind", "What happened", "select").choices(kinds),
        date_field("date", "Date"),
        date_field("end_date", "Return date (missing episodes only)"),
        Field::new(
            "offered_by",
            "Offered by (return home interview, advocacy, independent visitor)",
            "text",
        ),
        Field::new("accepted", "Accepted or taken up?", "select").choices([
            ("", "Not known yet"),
            ("yes", "Yes"),
            ("no", "No"),
        ]),
        Field::new(
            "learned",
            "What was learned, and the actions taken into the plan (return home interview)",
            "textarea",
        ),
        Field::new("notes", "Notes (optional)", "textarea")
            .hint("Do not put details here that belong in the plan"),
    ]
}

fn oc3_fields() -> Vec<Field> {
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

/// Only the milestones whose due date local policy sets can be moved.
fn override_fields() -> Vec<Field> {
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
