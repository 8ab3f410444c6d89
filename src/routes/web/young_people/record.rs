//! The record page: details, legal status, the transition timeline, the care history and the
//! chronology, each section built by its own function.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::auth::WebUser;
use crate::domain::timeline::{Milestone, MilestoneState, Timeline};
use crate::entities::{
    accommodation, allocation, audit_action, care_episode, case_audit, oversight_record,
    parent_period, timeline_event, young_person,
};
use crate::error::AppError;
use crate::routes::web::{forms, render};
use crate::services::audit::RequestMeta;
use crate::services::oversight::{self, AreaGrade};
use crate::services::timeline as tl;
use crate::services::{users, young_people};
use crate::state::AppState;
use crate::views::Layout;

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

fn fmt_date(d: NaiveDate) -> String {
    crate::views::date(d)
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
    let (as_of, as_of_error) = as_of_from(&q, today);
    let timeline = record.timeline(&state.config.policy, &state.holidays, as_of);
    let p = &record.person;
    let name = young_people::display_name(p);
    let milestones = milestone_rows(&timeline.milestones);
    let overdue = milestones.iter().filter(|m| m.state == "overdue").count();
    // The chronology: events, oversight and plan decisions on one line of time, newest first.
    let names = users::names(&state).await?;
    let oversight_records = oversight::for_person(&state, &p.id).await?;
    let case_audits = oversight::audits_for(&state, &p.id).await?;
    let audit_actions = oversight::audit_actions_for(&state, &p.id).await?;
    let chronology = chronology(
        &record.events,
        &oversight_records,
        &timeline,
        &case_audits,
        &audit_actions,
        &names,
    );
    let page = ShowPage {
        is_manager: user.role.is_manager(),
        chronology,
        audits: audit_rows(case_audits),
        layout: Layout::for_user(&name, &user, "/caseload"),
        id: p.id.clone(),
        local_id: p.local_id.clone(),
        details: details(p, today),
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
        episodes: episode_rows(&record.episodes),
        parent_periods: parent_period_rows(&record.parent_periods),
        accommodations: accommodation_rows(&record.accommodations),
        allocations: allocation_rows(&record.allocations),
        events: event_rows(&record.events),
        can_override: user.role.is_manager(),
        as_of_error,
        name,
    };
    render(&page)
}

/// The day the page shows the record as at: today unless asked, and today with a message when
/// the date asked for is not a real one.
fn as_of_from(q: &ShowQuery, today: NaiveDate) -> (NaiveDate, Option<String>) {
    match q.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        None => (today, None),
        Some(s) => match forms::parse_date(s) {
            Some(d) => (d, None),
            None => (
                today,
                Some("The date must be a real date, for example 2027-03-27".to_string()),
            ),
        },
    }
}

fn milestone_rows(milestones: &[Milestone]) -> Vec<MilestoneRow> {
    milestones
        .iter()
        .map(|m| MilestoneRow {
            code: m.code.code(),
            title: m.code.title(),
            due: fmt_date(m.due),
            state: tl::state_code(m.state),
            state_label: tl::state_label(m.state),
            tag: match m.state {
                MilestoneState::Overdue => "app-tag--red",
                MilestoneState::DueSoon => "app-tag--yellow",
                MilestoneState::Done => "app-tag--green",
                MilestoneState::Upcoming => "app-tag--grey",
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
        .collect()
}

fn details(p: &young_person::Model, today: NaiveDate) -> Vec<(&'static str, String)> {
    vec![
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
    ]
}

// ----- the chronology -------------------------------------------------------------------------

/// A user's name by id, or nothing when unknown.
fn who(names: &HashMap<String, String>, id: Option<&str>) -> String {
    id.and_then(|i| names.get(i).cloned()).unwrap_or_default()
}

/// Events, oversight, milestones done late and case audits, newest first (on one day, in that
/// order).
fn chronology(
    events: &[timeline_event::Model],
    oversight_records: &[oversight_record::Model],
    timeline: &Timeline,
    case_audits: &[case_audit::Model],
    audit_actions: &[audit_action::Model],
    names: &HashMap<String, String>,
) -> Vec<ChronologyRow> {
    let mut chronology: Vec<(NaiveDate, ChronologyRow)> = vec![];
    chronology.extend(event_entries(events, names));
    chronology.extend(oversight_entries(oversight_records, names));
    chronology.extend(late_entries(&timeline.milestones));
    chronology.extend(audit_entries(case_audits, audit_actions, names));
    chronology.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    chronology.into_iter().map(|(_, r)| r).collect()
}

fn event_entries(
    events: &[timeline_event::Model],
    names: &HashMap<String, String>,
) -> Vec<(NaiveDate, ChronologyRow)> {
    events
        .iter()
        .map(|e| {
            (
                e.event_date,
                ChronologyRow {
                    date: fmt_date(e.event_date),
                    what: tl::event_label(&e.kind).to_string(),
                    detail: event_detail(e),
                    by: who(names, e.recorded_by.as_deref()),
                    href: None,
                },
            )
        })
        .collect()
}

fn oversight_entries(
    records: &[oversight_record::Model],
    names: &HashMap<String, String>,
) -> Vec<(NaiveDate, ChronologyRow)> {
    records
        .iter()
        .map(|o| {
            let actions = oversight::parse_actions(&o.actions);
            let mut detail = o.rationale.clone().unwrap_or_default();
            for a in actions {
                detail.push_str(&format!(
                    " Action: {} ({}, by {}).",
                    a.what,
                    a.who,
                    a.by_when.map(fmt_date).unwrap_or_default()
                ));
            }
            (
                o.recorded_on,
                ChronologyRow {
                    date: fmt_date(o.recorded_on),
                    what: format!("{}: {}", oversight::kind_label(&o.kind), o.decision),
                    detail: detail.trim().to_string(),
                    by: who(names, Some(&o.recorded_by)),
                    href: None,
                },
            )
        })
        .collect()
}

/// Milestones done after their due date: how late, on the day they were done.
fn late_entries(milestones: &[Milestone]) -> Vec<(NaiveDate, ChronologyRow)> {
    milestones
        .iter()
        .filter_map(|m| {
            let done = m.done_on.filter(|d| *d > m.due)?;
            Some((
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
            ))
        })
        .collect()
}

fn audit_entries(
    case_audits: &[case_audit::Model],
    audit_actions: &[audit_action::Model],
    names: &HashMap<String, String>,
) -> Vec<(NaiveDate, ChronologyRow)> {
    case_audits
        .iter()
        .map(|a| {
            let mut detail = a.summary.clone().unwrap_or_default();
            for act in audit_actions.iter().filter(|x| x.audit_id == a.id) {
                detail.push_str(&format!(
                    " Action: {} ({}, by {}).",
                    act.text,
                    who(names, Some(&act.owner_id)),
                    fmt_date(act.due)
                ));
            }
            (
                a.audit_date,
                ChronologyRow {
                    date: fmt_date(a.audit_date),
                    what: format!("Case audit: overall {}", overall_grade(a).to_lowercase()),
                    detail: detail.trim().to_string(),
                    by: who(names, Some(&a.auditor_id)),
                    href: Some(format!("/audits/{}", a.id)),
                },
            )
        })
        .collect()
}

/// The label of an audit's overall grade.
fn overall_grade(a: &case_audit::Model) -> &'static str {
    let grades: BTreeMap<String, AreaGrade> = serde_json::from_str(&a.grades).unwrap_or_default();
    oversight::grade_label(
        &grades
            .get("overall")
            .map(|g| g.grade.clone())
            .unwrap_or_default(),
    )
}

/// The case audits: (id, date, overall grade).
fn audit_rows(case_audits: Vec<case_audit::Model>) -> Vec<(String, String, String)> {
    case_audits
        .into_iter()
        .map(|a| {
            (
                a.id.clone(),
                fmt_date(a.audit_date),
                overall_grade(&a).to_string(),
            )
        })
        .collect()
}

// ----- the care history -----------------------------------------------------------------------

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(fmt_date).unwrap_or_else(|| "Open".into())
}

fn yes_no(b: bool) -> String {
    if b { "Yes".into() } else { "No".into() }
}

fn episode_rows(episodes: &[care_episode::Model]) -> Vec<Row> {
    episodes
        .iter()
        .map(|e| Row {
            cells: vec![
                fmt_date(e.start_date),
                opt_date(e.end_date),
                e.legal_basis.clone(),
                yes_no(e.short_breaks_only),
            ],
        })
        .collect()
}

fn parent_period_rows(periods: &[parent_period::Model]) -> Vec<Row> {
    periods
        .iter()
        .map(|e| Row {
            cells: vec![fmt_date(e.start_date), opt_date(e.end_date)],
        })
        .collect()
}

fn accommodation_rows(accommodations: &[accommodation::Model]) -> Vec<Row> {
    accommodations
        .iter()
        .map(|a| Row {
            cells: vec![
                a.kind.clone(),
                fmt_date(a.start_date),
                opt_date(a.end_date),
                yes_no(a.provided_by_authority),
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
        .collect()
}

fn allocation_rows(allocations: &[allocation::Model]) -> Vec<Row> {
    allocations
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
        .collect()
}

/// Events, newest first.
fn event_rows(events: &[timeline_event::Model]) -> Vec<Row> {
    events
        .iter()
        .rev()
        .map(|e| Row {
            cells: vec![
                fmt_date(e.event_date),
                tl::event_label(&e.kind).to_string(),
                e.end_date.map(fmt_date).unwrap_or_default(),
            ],
        })
        .collect()
}

/// A recorded event's particulars for the chronology: the return date, and who offered a return
/// home interview, advocacy or an independent visitor, whether it was accepted, what was learned.
fn event_detail(e: &timeline_event::Model) -> String {
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
