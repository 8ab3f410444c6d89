//! The daily digest: for each person, what is overdue, what has escalated to them, what is
//! coming up (the reminders they chose to have held for it) and the young people waiting for an
//! adviser.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QuerySelect, TryInsertResult,
};

use crate::domain::reminders::Standing;
use crate::entities::{email_outbox, user};
use crate::mail::email::{self, Line};
use crate::mail::outbox::{self, DIGESTED, HELD, PENDING};
use crate::state::AppState;

use super::directory::Directory;
use super::{DIGEST, Item, row, standing_on};

/// The overdue lines by the person responsible, the escalated lines by their managers, and the
/// lines for young people waiting for an adviser.
#[derive(Default)]
struct Groups {
    overdue: HashMap<String, Vec<Line>>,
    escalated: HashMap<String, Vec<Line>>,
    /// Young people with no personal adviser, overdue or coming up: a group of their own.
    waiting: HashMap<String, Vec<Line>>,
}

/// Builds today's digest for everyone who has something in it and has not had one today.
pub(super) async fn digests(
    state: &AppState,
    dir: &Directory,
    items: &[Item],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<usize, DbErr> {
    let done = digested_today(state, today).await?;
    let groups = group(state, dir, items, &done, today);
    let coming = held(state).await?;

    let mut recipients: Vec<&String> = groups
        .overdue
        .keys()
        .chain(groups.escalated.keys())
        .chain(groups.waiting.keys())
        .chain(coming.keys())
        .collect::<HashSet<_>>()
        .into_iter()
        .filter(|r| !done.contains(*r))
        .collect();
    recipients.sort();
    let mut built = 0;
    let empty_held: Vec<(String, Line)> = Vec::new();
    tracing::debug!(recipients = recipients.len(), "digest recipients");
    for chunk in recipients.chunks(200) {
        let txn = crate::db::begin_write(&state.db).await?;
        for r in chunk {
            let Some(recipient) = dir.active(r) else {
                continue;
            };
            let h = coming.get(*r).unwrap_or(&empty_held);
            let day = (now, today);
            if insert_digest(state, &txn, recipient, &groups, h, day).await? {
                built += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(built)
}

/// Who has had today's digest already.
async fn digested_today(state: &AppState, today: NaiveDate) -> Result<HashSet<String>, DbErr> {
    Ok(email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::RecipientId)
        .filter(email_outbox::Column::Kind.eq(DIGEST))
        .filter(email_outbox::Column::Due.eq(today))
        .into_tuple()
        .all(&state.db)
        .await?
        .into_iter()
        .collect())
}

/// Sorts the items into the digest's groups, leaving out anyone who has had today's digest.
fn group(
    state: &AppState,
    dir: &Directory,
    items: &[Item],
    done: &HashSet<String>,
    today: NaiveDate,
) -> Groups {
    let mut g = Groups::default();
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
                &mut g.waiting
            } else {
                &mut g.overdue
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
                    g.escalated.entry(m).or_default().push(line.clone());
                }
            }
        }
    }
    g
}

/// The reminders held for the digest, by recipient: (outbox id, line).
async fn held(state: &AppState) -> Result<HashMap<String, Vec<(String, Line)>>, DbErr> {
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
    Ok(coming)
}

/// Renders and inserts one person's digest, marking the held reminders it lists as digested;
/// whether it was inserted (not already there, and rendered).
async fn insert_digest(
    state: &AppState,
    txn: &DatabaseTransaction,
    recipient: &user::Model,
    groups: &Groups,
    h: &[(String, Line)],
    (now, today): (DateTime<Utc>, NaiveDate),
) -> Result<bool, DbErr> {
    let cfg = &state.config;
    let r = &recipient.id;
    let o = groups.overdue.get(r).map_or(&[][..], Vec::as_slice);
    let e = groups.escalated.get(r).map_or(&[][..], Vec::as_slice);
    let (mut w, c): (Vec<Line>, Vec<Line>) =
        h.iter().map(|(_, l)| l.clone()).partition(|l| l.awaiting);
    w.extend(groups.waiting.get(r).into_iter().flatten().cloned());
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
            return Ok(false);
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
        .exec_without_returning(txn)
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
            .exec(txn)
            .await?;
    }
    Ok(inserted)
}
