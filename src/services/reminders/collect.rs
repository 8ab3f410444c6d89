//! Every open item across the authority in a window: milestones from the stored timeline, audit
//! action points and supervision, each as something one person must do by a date.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

use crate::domain::reminders::short_name;
use crate::domain::timeline::MilestoneCode;
use crate::mail::email::Line;
use crate::services::oversight::SessionDates;
use crate::state::AppState;

use super::directory::Directory;
use super::{Item, milestone_item};

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
pub(super) enum Window {
    Coming,
    Overdue,
}

/// Every open item in `window` across the authority, as of `today`.
pub(super) async fn collect(
    state: &AppState,
    dir: &Directory,
    today: NaiveDate,
    until: NaiveDate,
    window: Window,
) -> Result<Vec<Item>, DbErr> {
    let mut items = milestone_items(state, dir, today, until, window).await?;
    items.extend(action_items(state, until).await?);
    items.extend(supervision_items(state, dir, until).await?);
    items.retain(|i| match window {
        Window::Coming => i.line.due >= today || i.return_interview,
        Window::Overdue => i.line.due < today,
    });
    Ok(items)
}

/// Milestones (the stored timeline). The state filter and the due range use the (state, due)
/// index; `done` is final, so a stale stored state can only include too much, never too little.
/// A young person with no personal adviser is their team manager's to act on.
async fn milestone_items(
    state: &AppState,
    dir: &Directory,
    today: NaiveDate,
    until: NaiveDate,
    window: Window,
) -> Result<Vec<Item>, DbErr> {
    let db = &state.db;
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
    let mut items = Vec::new();
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
                &state.config.base_url,
                &r.young_person_id,
                code,
                r.due,
                &to,
                who.clone(),
                awaiting,
            ));
        }
    }
    Ok(items)
}

/// Audit action points, to their owner. The action's text stays out of the email.
async fn action_items(state: &AppState, until: NaiveDate) -> Result<Vec<Item>, DbErr> {
    let db = &state.db;
    let base = &state.config.base_url;
    let rows = ActionRow::find_by_statement(stmt(
        db,
        "SELECT a.id, a.audit_id, a.owner_id, a.due, y.given_name, y.family_name, y.preferred_name \
         FROM audit_actions a JOIN young_people y ON y.id = a.young_person_id \
         WHERE a.status = 'open' AND a.due <= $1",
        vec![until.into()],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Item {
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
        })
        .collect())
}

/// Supervision: due from the latest session (policy interval per role); the supervisor (the
/// team's manager, or a senior manager for a manager) is the one who must hold it.
/// Only the dates and who held it: never what was discussed.
async fn supervision_items(
    state: &AppState,
    dir: &Directory,
    until: NaiveDate,
) -> Result<Vec<Item>, DbErr> {
    let db = &state.db;
    let base = &state.config.base_url;
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
    let mut items = Vec::new();
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
    Ok(items)
}
