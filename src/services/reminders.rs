//! Reminders, the scheduler's use case (`jobs::reminders` runs it): from the stored milestones,
//! supervision and audit action points to outbox rows.
//!
//! A tick may run on every node at once: it only inserts rows under the outbox's unique key
//! (recipient, kind, item, due date), so a second tick, a second node or a restart adds nothing.
//! A change to a young person's record enqueues that young person's reminders in the change's own
//! transaction ([`enqueue_for_person`]), so a return home interview reminder leaves the moment the
//! return is recorded, not at the next tick.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::reminders::{Standing, horizon, short_name, standing};
use crate::domain::timeline::{MilestoneCode, Timeline};
use crate::entities::{email_outbox, team, user, young_person};
use crate::mail::email::{self, Line, ReminderKind, Rendered};
use crate::mail::outbox::{self, HELD, PENDING};
use crate::state::AppState;

mod collect;
mod digest;
mod directory;

use collect::{Window, collect};
use digest::digests;
use directory::Directory;

pub const DIGEST: &str = "daily_digest";
pub const RETURN_INTERVIEW: &str = "return_interview";
pub const RETURN_INTERVIEW_OVERDUE: &str = "return_interview_overdue";

/// A kind as the administrator's page names it.
pub fn kind_label(kind: &str) -> String {
    match kind {
        DIGEST => "Daily digest".into(),
        RETURN_INTERVIEW => "Return home interview".into(),
        RETURN_INTERVIEW_OVERDUE => "Return home interview overdue".into(),
        k => match k.strip_prefix("due_in_") {
            Some(n) => format!("{n}-day reminder"),
            None => k.to_string(),
        },
    }
}

/// Something someone must do by a date.
#[derive(Debug, Clone)]
struct Item {
    responsible: String,
    key: String,
    return_interview: bool,
    /// Dates that are facts rather than tasks (duties ending) are reminded of but never overdue.
    can_be_overdue: bool,
    line: Line,
}

/// A milestone as something `responsible` must do; `awaiting` when the young person has no
/// personal adviser and the responsible person is the team's manager.
fn milestone_item(
    base_url: &str,
    young_person_id: &str,
    code: MilestoneCode,
    due: NaiveDate,
    responsible: &str,
    who: String,
    awaiting: bool,
) -> Item {
    Item {
        responsible: responsible.to_string(),
        key: format!("milestone:{young_person_id}:{}", code.code()),
        return_interview: code == MilestoneCode::ReturnInterview,
        can_be_overdue: code != MilestoneCode::DutiesEnd,
        line: Line {
            what: code.title().to_string(),
            who: Some(who),
            due,
            link: format!("{base_url}/young-people/{young_person_id}#timeline"),
            responsible: None,
            awaiting,
        },
    }
}

/// Where an item due on `due` stands on `today`, with this service's lead times and escalation.
fn standing_on(state: &AppState, due: NaiveDate, today: NaiveDate) -> Standing {
    standing(
        due,
        today,
        &state.config.mail.lead_days,
        state.config.policy.escalation_working_days,
        &state.holidays,
    )
}

/// Builds one outbox row.
#[allow(clippy::too_many_arguments)]
fn row(
    state: &AppState,
    now: DateTime<Utc>,
    recipient: &user::Model,
    kind: &str,
    item: &str,
    due: NaiveDate,
    payload: &Line,
    rendered: Rendered,
    status: &str,
) -> email_outbox::ActiveModel {
    outbox::NewEmail {
        recipient_id: &recipient.id,
        to: &recipient.email,
        kind,
        item,
        due,
        payload: serde_json::to_string(payload).unwrap_or_else(|_| "{}".into()),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        status,
        max_attempts: state.config.mail.max_attempts,
    }
    .row(now)
}

/// The single (non-digest) reminders `items` call for today: lead-time reminders, sent at once
/// or held for the digest as each person chose, and return home interview reminders, always at
/// once. `skip` holds keys already in the outbox.
fn single_rows(
    state: &AppState,
    now: DateTime<Utc>,
    today: NaiveDate,
    items: &[Item],
    user_of: &dyn Fn(&str) -> Option<user::Model>,
    skip: &HashSet<(String, String, String, NaiveDate)>,
) -> Vec<email_outbox::ActiveModel> {
    let cfg = &state.config;
    let mut out = Vec::new();
    for it in items {
        let s = standing_on(state, it.line.due, today);
        let (kind, which, status) = match (s, it.return_interview) {
            (Standing::DueWithin(_), true) => (
                RETURN_INTERVIEW.to_string(),
                ReminderKind::ReturnInterview,
                PENDING,
            ),
            (Standing::Overdue | Standing::Escalated, true) => (
                RETURN_INTERVIEW_OVERDUE.to_string(),
                ReminderKind::ReturnInterviewOverdue,
                PENDING,
            ),
            (Standing::DueWithin(l), false) => {
                (format!("due_in_{l}"), ReminderKind::DueWithin(l), "")
            }
            _ => continue,
        };
        let key = (
            it.responsible.clone(),
            kind.clone(),
            it.key.clone(),
            it.line.due,
        );
        if skip.contains(&key) {
            continue;
        }
        let Some(recipient) = user_of(&it.responsible) else {
            continue;
        };
        let status = if status.is_empty() {
            if recipient.reminder_delivery == "digest" {
                HELD
            } else {
                PENDING
            }
        } else {
            status
        };
        let rendered = match email::reminder(&cfg.base_url, &recipient.name, which, &it.line, today)
        {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "reminder email could not be rendered");
                continue;
            }
        };
        out.push(row(
            state,
            now,
            &recipient,
            &kind,
            &it.key,
            it.line.due,
            &it.line,
            rendered,
            status,
        ));
    }
    out
}

/// Enqueues one young person's reminders in the caller's transaction (the change that made them
/// due). Called from every recompute of the stored timeline.
pub async fn enqueue_for_person<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    person: &young_person::Model,
    tl: &Timeline,
) -> Result<(), DbErr> {
    let now = state.clock.now();
    let today = state.clock.today();
    let until = horizon(today, &state.config.mail.lead_days);
    let due: Vec<_> = tl
        .milestones
        .iter()
        .filter(|m| m.done_on.is_none() && m.due <= until)
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let awaiting = person.adviser_id.is_none();
    let recipients = person_recipients(db, person).await?;
    let who = short_name(
        &person.given_name,
        person.preferred_name.as_deref(),
        &person.family_name,
    );
    let mut items: Vec<Item> = Vec::new();
    for r in &recipients {
        for m in &due {
            items.push(milestone_item(
                &state.config.base_url,
                &person.id,
                m.code,
                m.due,
                &r.id,
                who.clone(),
                awaiting,
            ));
        }
    }
    let rows = single_rows(
        state,
        now,
        today,
        &items,
        &|id| recipients.iter().find(|u| u.id == id).cloned(),
        &HashSet::new(),
    );
    outbox::enqueue(db, rows).await
}

/// Who hears of a young person's reminders: the personal adviser; for a young person waiting for
/// one, the team's manager (or the senior managers where the team has none). Never a disabled
/// account.
async fn person_recipients<C: ConnectionTrait>(
    db: &C,
    person: &young_person::Model,
) -> Result<Vec<user::Model>, DbErr> {
    let recipients: Vec<user::Model> = match &person.adviser_id {
        Some(a) => user::Entity::find_by_id(a.clone())
            .one(db)
            .await?
            .into_iter()
            .collect(),
        None => {
            let manager = match &person.team_id {
                Some(t) => match team::Entity::find_by_id(t.clone()).one(db).await? {
                    Some(team::Model {
                        manager_id: Some(m),
                        ..
                    }) => user::Entity::find_by_id(m).one(db).await?,
                    _ => None,
                },
                None => None,
            };
            match manager.filter(|m| !m.disabled) {
                Some(m) => vec![m],
                None => {
                    user::Entity::find()
                        .filter(user::Column::Role.eq("senior_manager"))
                        .filter(user::Column::Disabled.eq(false))
                        .all(db)
                        .await?
                }
            }
        }
    };
    Ok(recipients.into_iter().filter(|u| !u.disabled).collect())
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy)]
pub struct TickReport {
    pub items: usize,
    pub new_reminders: usize,
    pub digests: usize,
}

/// One scheduler tick: enqueue what is due, and after the digest hour build any digest not yet
/// built today. Safe to run on every node at once.
pub async fn tick(state: &AppState) -> Result<TickReport, DbErr> {
    let now = state.clock.now();
    let today = now.date_naive();
    let cfg = &state.config;
    let dir = Directory::load(&state.db).await?;
    let until = horizon(today, &cfg.mail.lead_days);
    let items = collect(state, &dir, today, until, Window::Coming).await?;
    let mut report = TickReport {
        items: items.len(),
        ..Default::default()
    };

    // Single reminders, skipping keys already present (the unique key would refuse them anyway;
    // this only saves rendering them again every tick).
    let skip = outbox_keys(state, today).await?;
    let rows = single_rows(
        state,
        now,
        today,
        &items,
        &|id| dir.active(id).cloned(),
        &skip,
    );
    report.new_reminders = rows.len();
    if !rows.is_empty() {
        let txn = crate::db::begin_write(&state.db).await?;
        outbox::enqueue(&txn, rows).await?;
        txn.commit().await?;
    }

    // The digests are built once a day per node: what is overdue changes at midnight, so a
    // second pass the same day would find every digest already there.
    let built_today = *state
        .digests_built_on
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        == Some(today);
    if now.hour() >= cfg.mail.digest_hour && !built_today {
        let started = std::time::Instant::now();
        let mut all = collect(state, &dir, today, until, Window::Overdue).await?;
        let read_ms = started.elapsed().as_millis() as u64;
        all.extend(items);
        report.digests = digests(state, &dir, &all, now, today).await?;
        tracing::debug!(
            read_ms,
            total_ms = started.elapsed().as_millis() as u64,
            "digest pass"
        );
        *state
            .digests_built_on
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(today);
    }
    Ok(report)
}

/// The keys of the single reminders already in the outbox that a tick could add again: lead-time
/// keys are due today or later; overdue return home interview keys are few.
async fn outbox_keys(
    state: &AppState,
    today: NaiveDate,
) -> Result<HashSet<(String, String, String, NaiveDate)>, DbErr> {
    let existing: Vec<(String, String, String, NaiveDate)> = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::RecipientId)
        .column(email_outbox::Column::Kind)
        .column(email_outbox::Column::Item)
        .column(email_outbox::Column::Due)
        .filter(
            sea_orm::Condition::any()
                .add(email_outbox::Column::Due.gte(today))
                .add(email_outbox::Column::Kind.eq(RETURN_INTERVIEW_OVERDUE)),
        )
        .filter(email_outbox::Column::Kind.ne(DIGEST))
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(existing.into_iter().collect())
}
