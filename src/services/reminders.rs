//! Reminders, the scheduler's use case (`jobs::reminders` runs it): from the stored milestones,
//! supervision and audit action points to outbox rows.
//!
//! A tick may run on every node at once: it only inserts rows under the outbox's unique key
//! (recipient, kind, item, due date), so a second tick, a second node or a restart adds nothing.
//! A change to a young person's record enqueues that young person's reminders in the change's own
//! transaction ([`enqueue_for_person`]), so a return home interview reminder leaves the moment the
//! return is recorded, not at the next tick.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    Statement, TryInsertResult,
};

use crate::domain::reminders::{Standing, horizon, short_name, standing};
use crate::domain::timeline::{MilestoneCode, Timeline};
use crate::entities::{email_outbox, team, user, young_person};
use crate::mail::email::{self, Line, ReminderKind, Rendered};
use crate::mail::outbox::{self, DIGESTED, HELD, PENDING};
use crate::services::oversight::SessionDates;
use crate::state::AppState;

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

/// Who is who: people, their managers, and the senior managers above teams.
struct Directory {
    users: HashMap<String, user::Model>,
    team_manager: HashMap<String, String>,
    seniors: Vec<String>,
}

impl Directory {
    async fn load<C: ConnectionTrait>(db: &C) -> Result<Directory, DbErr> {
        let users: HashMap<String, user::Model> = user::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let team_manager = team::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|t| t.manager_id.map(|m| (t.id, m)))
            .collect();
        let mut seniors: Vec<String> = users
            .values()
            .filter(|u| u.role == "senior_manager" && !u.disabled)
            .map(|u| u.id.clone())
            .collect();
        seniors.sort();
        Ok(Directory {
            users,
            team_manager,
            seniors,
        })
    }

    fn active(&self, id: &str) -> Option<&user::Model> {
        self.users.get(id).filter(|u| !u.disabled)
    }

    /// Who answers for a young person with no personal adviser: their team's manager, or the
    /// senior managers where the team has none (or the young person no team).
    fn waiting_recipients(&self, team_id: Option<&str>) -> Vec<String> {
        match team_id
            .and_then(|t| self.team_manager.get(t))
            .filter(|m| self.active(m).is_some())
        {
            Some(m) => vec![m.clone()],
            None => self.seniors.clone(),
        }
    }

    /// Who hears when this person's work escalates: their team's manager, or for a team's
    /// manager (or someone with no team manager) the senior managers.
    fn managers_of(&self, id: &str) -> Vec<String> {
        let team_mgr = self
            .users
            .get(id)
            .and_then(|u| u.team_id.as_ref())
            .and_then(|t| self.team_manager.get(t))
            .filter(|m| m.as_str() != id && self.active(m).is_some());
        match team_mgr {
            Some(m) => vec![m.clone()],
            None => self
                .seniors
                .iter()
                .filter(|s| s.as_str() != id)
                .cloned()
                .collect(),
        }
    }
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

#[derive(Debug, FromQueryResult)]
struct MilestoneRow {
    young_person_id: String,
    code: String,
    due: NaiveDate,
    adviser_id: Option<String>,
    team_id: Option<String>,
    given_name: String,
    family_name: String,
    preferred_name: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct ActionRow {
    id: String,
    audit_id: String,
    owner_id: String,
    due: NaiveDate,
    given_name: String,
    family_name: String,
    preferred_name: Option<String>,
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    crate::db::statement(db.get_database_backend(), sql, values)
}

/// Which items a pass needs: those coming up (with any return home interview past its 72 hours),
/// or those overdue (for the digests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    Coming,
    Overdue,
}

/// Every open item in `window` across the authority, as of `today`.
async fn collect(
    state: &AppState,
    dir: &Directory,
    today: NaiveDate,
    until: NaiveDate,
    window: Window,
) -> Result<Vec<Item>, DbErr> {
    let db = &state.db;
    let base = &state.config.base_url;
    let mut items = Vec::new();

    // Milestones (the stored timeline). The state filter and the due range use the (state, due)
    // index; `done` is final, so a stale stored state can only include too much, never too little.
    // A young person with no personal adviser is their team manager's to act on.
    let select = "SELECT m.young_person_id, m.code, m.due, y.adviser_id, y.team_id, \
                y.given_name, y.family_name, y.preferred_name \
         FROM milestones m JOIN young_people y ON y.id = m.young_person_id \
         WHERE m.state IN ('upcoming', 'due_soon', 'overdue')";
    let queries: Vec<(String, Vec<sea_orm::Value>)> = match window {
        Window::Coming => vec![
            (
                format!("{select} AND m.due >= $1 AND m.due <= $2"),
                vec![today.into(), until.into()],
            ),
            (
                format!("{select} AND m.code = 'RETURN_INTERVIEW' AND m.due < $1"),
                vec![today.into()],
            ),
        ],
        Window::Overdue => vec![(format!("{select} AND m.due < $1"), vec![today.into()])],
    };
    let mut rows = Vec::new();
    for (sql, values) in queries {
        rows.extend(
            MilestoneRow::find_by_statement(stmt(db, &sql, values))
                .all(db)
                .await?,
        );
    }
    for r in rows {
        let Some(code) = MilestoneCode::parse(&r.code) else {
            continue;
        };
        let who = short_name(&r.given_name, r.preferred_name.as_deref(), &r.family_name);
        let (recipients, awaiting) = match &r.adviser_id {
            Some(a) => (vec![a.clone()], false),
            None => (dir.waiting_recipients(r.team_id.as_deref()), true),
        };
        for to in recipients {
            items.push(milestone_item(
                base,
                &r.young_person_id,
                code,
                r.due,
                &to,
                who.clone(),
                awaiting,
            ));
        }
    }

    // Audit action points, to their owner. The action's text stays out of the email.
    let rows = ActionRow::find_by_statement(stmt(
        db,
        "SELECT a.id, a.audit_id, a.owner_id, a.due, y.given_name, y.family_name, y.preferred_name \
         FROM audit_actions a JOIN young_people y ON y.id = a.young_person_id \
         WHERE a.status = 'open' AND a.due <= $1",
        vec![until.into()],
    ))
    .all(db)
    .await?;
    for r in rows {
        items.push(Item {
            responsible: r.owner_id,
            key: format!("audit_action:{}", r.id),
            return_interview: false,
            can_be_overdue: true,
            line: Line {
                what: "Case audit action point".into(),
                who: Some(short_name(
                    &r.given_name,
                    r.preferred_name.as_deref(),
                    &r.family_name,
                )),
                due: r.due,
                link: format!("{base}/audits/{}", r.audit_id),
                responsible: None,
                awaiting: false,
            },
        });
    }

    // Supervision: due from the latest session (policy interval per role); the supervisor (the
    // team's manager, or a senior manager for a manager) is the one who must hold it.
    // Only the dates and who held it: never what was discussed.
    let latest: Vec<SessionDates> = SessionDates::find_by_statement(stmt(
        db,
        "SELECT s.adviser_id, s.supervisor_id, s.session_date, s.next_date FROM supervisions s \
         WHERE s.session_date = \
           (SELECT MAX(s2.session_date) FROM supervisions s2 WHERE s2.adviser_id = s.adviser_id)",
        vec![],
    ))
    .all(db)
    .await?;
    let mut last_by: HashMap<&str, &SessionDates> = HashMap::new();
    for s in &latest {
        last_by.insert(s.adviser_id.as_str(), s);
    }
    for u in dir.users.values() {
        if u.disabled || !matches!(u.role.as_str(), "adviser" | "manager") {
            continue;
        }
        let sessions: Vec<SessionDates> = last_by
            .get(u.id.as_str())
            .map(|s| (*s).clone())
            .into_iter()
            .collect();
        let status = crate::services::oversight::supervision_status(
            u,
            &sessions,
            state.config.supervision_interval_months(&u.role),
            i64::from(state.config.policy.due_soon_days),
            state.clock.today(),
        );
        if status.due > until {
            continue;
        }
        for supervisor in dir.managers_of(&u.id) {
            items.push(Item {
                responsible: supervisor,
                key: format!("supervision:{}", u.id),
                return_interview: false,
                can_be_overdue: true,
                line: Line {
                    what: "Supervision".into(),
                    who: Some(u.name.clone()),
                    due: status.due,
                    link: format!("{base}/advisers/{}/supervision", u.id),
                    responsible: None,
                    awaiting: false,
                },
            });
        }
    }
    items.retain(|i| match window {
        Window::Coming => i.line.due >= today || i.return_interview,
        Window::Overdue => i.line.due < today,
    });
    Ok(items)
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
    // The personal adviser; for a young person waiting for one, the team's manager (or the
    // senior managers where the team has none).
    let awaiting = person.adviser_id.is_none();
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
    let recipients: Vec<user::Model> = recipients.into_iter().filter(|u| !u.disabled).collect();
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
    // this only saves rendering them again every tick). Lead-time keys are due today or later;
    // overdue return home interview keys are few.
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
    let skip: HashSet<_> = existing.into_iter().collect();
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

/// Builds today's digest for everyone who has something in it and has not had one today.
async fn digests(
    state: &AppState,
    dir: &Directory,
    items: &[Item],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<usize, DbErr> {
    let cfg = &state.config;
    let done: HashSet<String> = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::RecipientId)
        .filter(email_outbox::Column::Kind.eq(DIGEST))
        .filter(email_outbox::Column::Due.eq(today))
        .into_tuple()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();

    let mut overdue: HashMap<String, Vec<Line>> = HashMap::new();
    let mut escalated: HashMap<String, Vec<Line>> = HashMap::new();
    // Young people with no personal adviser, overdue or coming up: a group of their own.
    let mut waiting: HashMap<String, Vec<Line>> = HashMap::new();
    for it in items {
        if !it.can_be_overdue {
            continue;
        }
        let s = standing_on(state, it.line.due, today);
        if matches!(s, Standing::Overdue | Standing::Escalated)
            && !it.return_interview
            && !done.contains(&it.responsible)
        {
            if it.line.awaiting {
                &mut waiting
            } else {
                &mut overdue
            }
            .entry(it.responsible.clone())
            .or_default()
            .push(it.line.clone());
        }
        if s == Standing::Escalated {
            let mut line = it.line.clone();
            line.responsible = dir.users.get(&it.responsible).map(|u| u.name.clone());
            for m in dir.managers_of(&it.responsible) {
                if !done.contains(&m) {
                    escalated.entry(m).or_default().push(line.clone());
                }
            }
        }
    }
    let held = email_outbox::Entity::find()
        .filter(email_outbox::Column::Status.eq(HELD))
        .all(&state.db)
        .await?;
    let mut coming: HashMap<String, Vec<(String, Line)>> = HashMap::new();
    for h in held {
        if let Ok(line) = serde_json::from_str::<Line>(&h.payload) {
            coming.entry(h.recipient_id).or_default().push((h.id, line));
        }
    }

    let mut recipients: Vec<&String> = overdue
        .keys()
        .chain(escalated.keys())
        .chain(waiting.keys())
        .chain(coming.keys())
        .collect::<HashSet<_>>()
        .into_iter()
        .filter(|r| !done.contains(*r))
        .collect();
    recipients.sort();
    let mut built = 0;
    let empty_lines: Vec<Line> = Vec::new();
    let empty_held: Vec<(String, Line)> = Vec::new();
    tracing::debug!(recipients = recipients.len(), "digest recipients");
    for chunk in recipients.chunks(200) {
        let txn = crate::db::begin_write(&state.db).await?;
        for r in chunk {
            let Some(recipient) = dir.active(r) else {
                continue;
            };
            let o = overdue.get(*r).unwrap_or(&empty_lines);
            let e = escalated.get(*r).unwrap_or(&empty_lines);
            let h = coming.get(*r).unwrap_or(&empty_held);
            let (mut w, c): (Vec<Line>, Vec<Line>) =
                h.iter().map(|(_, l)| l.clone()).partition(|l| l.awaiting);
            w.extend(waiting.get(*r).unwrap_or(&empty_lines).iter().cloned());
            let rendered = match email::digest(
                &cfg.base_url,
                &recipient.name,
                today,
                cfg.policy.escalation_working_days,
                email::DigestGroups {
                    overdue: o,
                    escalated: e,
                    coming: &c,
                    waiting: &w,
                },
            ) {
                Ok(x) => x,
                Err(err) => {
                    tracing::error!(error = %err, "digest email could not be rendered");
                    continue;
                }
            };
            let summary = Line {
                what: format!(
                    "{} overdue, {} escalated, {} coming up, {} waiting for an adviser",
                    o.len(),
                    e.len(),
                    c.len(),
                    w.len()
                ),
                who: None,
                due: today,
                link: format!("{}/caseload", cfg.base_url),
                responsible: None,
                awaiting: false,
            };
            let am = row(
                state, now, recipient, DIGEST, "digest", today, &summary, rendered, PENDING,
            );
            let id = am.id.clone().unwrap();
            let res = email_outbox::Entity::insert(am)
                .on_conflict_do_nothing_on(outbox::KEY)
                .exec_without_returning(&txn)
                .await?;
            let inserted = matches!(res, TryInsertResult::Inserted(n) if n > 0);
            if inserted && !h.is_empty() {
                // Only the held rows this digest lists; one held after it was read waits for
                // tomorrow's.
                email_outbox::Entity::update_many()
                    .col_expr(
                        email_outbox::Column::Status,
                        sea_orm::sea_query::Expr::value(DIGESTED),
                    )
                    .col_expr(
                        email_outbox::Column::DigestId,
                        sea_orm::sea_query::Expr::value(id.clone()),
                    )
                    .filter(email_outbox::Column::Id.is_in(h.iter().map(|(i, _)| i.clone())))
                    .filter(email_outbox::Column::Status.eq(HELD))
                    .exec(&txn)
                    .await?;
            }
            if inserted {
                built += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(built)
}
