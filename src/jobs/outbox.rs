//! The email outbox: rows enqueued in the same transaction as the change that causes them,
//! claimed by workers under a lease, sent with no transaction open, and marked sent only while
//! the lease is still held.
//!
//! Delivery is at least once. The unique key (recipient, kind, item, due date) stops a second
//! enqueue; the lease stops two workers sending one row; a worker that dies after claiming loses
//! its lease and another sends the row later. The one window left is a crash between the server's
//! `250 OK` and the `sent` update: then the email goes twice with the same Message-ID
//! (`<outbox-{id}@{domain}>`), so a receiver can tell.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, header::Header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter};
use tokio::sync::watch;

use crate::config::MailConfig;
use crate::domain::reminders::backoff_seconds;
use crate::entities::email_outbox::{self, Column};
use crate::state::AppState;

pub use crate::mail::outbox::{
    DEAD, DIGESTED, HELD, KEY, NewEmail, PENDING, SENDING, SENT, enqueue,
};

/// Claims up to `limit` rows that are due, or whose lease has expired, for `worker`.
///
/// PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers on any number of nodes take disjoint rows
/// without waiting on each other. SQLite: the same single statement inside `BEGIN IMMEDIATE`, so
/// the write lock is held from the read onwards and two claimers cannot take one row.
pub async fn claim(
    state: &AppState,
    worker: &str,
    limit: u64,
) -> Result<Vec<email_outbox::Model>, DbErr> {
    let now = state.clock.now();
    let until = now + chrono::Duration::seconds(state.config.mail.lease_seconds);
    let backend = state.db.get_database_backend();
    let lock = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let stmt = crate::db::statement(
        backend,
        &format!(
            "UPDATE email_outbox SET status = 'sending', locked_by = $1, locked_until = $2, \
             attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM email_outbox \
               WHERE (status = 'pending' AND run_at <= $3) \
                  OR (status = 'sending' AND locked_until < $3) \
               ORDER BY run_at, id LIMIT $4{lock}) \
             RETURNING *"
        ),
        vec![
            worker.into(),
            until.into(),
            now.into(),
            i64::try_from(limit).unwrap_or(10).into(),
        ],
    );
    let txn = crate::db::begin_write(&state.db).await?;
    let mut rows = email_outbox::Entity::find()
        .from_raw_sql(stmt)
        .all(&txn)
        .await?;
    txn.commit().await?;
    rows.sort_by(|a, b| a.run_at.cmp(&b.run_at).then(a.id.cmp(&b.id)));
    Ok(rows)
}

/// Updates a claimed row only while `worker` still holds its lease. Returns whether it did.
async fn fenced(
    state: &AppState,
    id: &str,
    worker: &str,
    set: Vec<(Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<bool, DbErr> {
    let mut q = email_outbox::Entity::update_many()
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    for (c, e) in set {
        q = q.col_expr(c, e);
    }
    let res = q
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(SENDING))
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Gives claimed rows back without counting an attempt (a worker shutting down).
pub async fn release(state: &AppState, worker: &str, ids: &[String]) -> Result<(), DbErr> {
    for id in ids {
        fenced(
            state,
            id,
            worker,
            vec![
                (Column::Status, Expr::value(PENDING)),
                (Column::Attempts, Expr::col(Column::Attempts).sub(1)),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Clears the bodies of emails sent more than the retention period ago: who was sent what kind
/// of email, and when, stays; the names in the body do not.
pub async fn purge_bodies(state: &AppState) -> Result<u64, DbErr> {
    let before = state.clock.now() - chrono::Duration::days(state.config.mail.retention_days);
    let res = email_outbox::Entity::update_many()
        .col_expr(Column::BodyText, Expr::value(""))
        .col_expr(Column::BodyHtml, Expr::value(""))
        .col_expr(Column::Payload, Expr::value("{}"))
        .filter(Column::Status.is_in([SENT, DIGESTED]))
        .filter(Column::CreatedAt.lt(before))
        .filter(Column::BodyText.ne(""))
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected)
}

// ----- transports ---------------------------------------------------------------------------

/// Why a send failed, without the server's own words (they can echo an address).
#[derive(Debug, Clone)]
pub struct SendError {
    /// A 5xx reply: trying again will not help.
    pub permanent: bool,
    pub detail: String,
}

/// Where emails go: an SMTP server, or `.eml` files when none is configured.
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Mailer {
    pub fn from_config(cfg: &MailConfig) -> anyhow::Result<Mailer> {
        match &cfg.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|_| anyhow::anyhow!("SMTP_URL is not a valid SMTP address"))?
                    .timeout(Some(Duration::from_secs(cfg.smtp_timeout_seconds)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(&cfg.outbox_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "the email folder {} cannot be created: {e}",
                        cfg.outbox_dir.display()
                    )
                })?;
                Ok(Mailer::Files(cfg.outbox_dir.clone()))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP".into(),
            Mailer::Files(dir) => format!("files in {}", dir.display()),
        }
    }

    async fn send(&self, id: &str, message: Message) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                let permanent = e.is_permanent();
                let detail = match e.status() {
                    Some(code) if permanent => format!("the mail server refused it ({code})"),
                    Some(code) => format!("the mail server deferred it ({code})"),
                    None if e.is_timeout() => "the mail server did not answer in time".into(),
                    None => "the mail server could not be reached".into(),
                };
                SendError { permanent, detail }
            }),
            Mailer::Files(dir) => {
                // One file per outbox row, written whole then renamed, so a retry overwrites
                // rather than duplicates and a reader never sees half a message.
                let bytes = message.formatted();
                let path = dir.join(format!("{id}.eml"));
                let tmp = dir.join(format!(".{id}.eml.tmp"));
                let write = async {
                    tokio::fs::write(&tmp, &bytes).await?;
                    tokio::fs::rename(&tmp, &path).await
                };
                write.await.map_err(|_| SendError {
                    permanent: false,
                    detail: "the email folder could not be written".into(),
                })
            }
        }
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834), so out-of-office replies do not answer back.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// The stable Message-ID of an outbox row.
pub fn message_id(cfg: &MailConfig, id: &str) -> String {
    let domain = cfg
        .mail_from
        .parse::<Mailbox>()
        .map(|m| m.email.domain().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("<outbox-{id}@{domain}>")
}

fn build_message(
    cfg: &MailConfig,
    row: &email_outbox::Model,
    now: DateTime<Utc>,
) -> Option<Message> {
    let from: Mailbox = cfg.mail_from.parse().ok()?;
    let to: Mailbox = row.to_addr.parse().ok()?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(message_id(cfg, &row.id)))
        .date(now.into())
        .header(AutoSubmitted)
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))
        .ok()
}

// ----- workers ------------------------------------------------------------------------------

/// What happened to one claimed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Sent, but the lease had passed to another worker before it could be marked.
    SentLeaseLost,
    Retry,
    Dead,
}

/// One outbox worker. Several may run in one process and on several nodes.
#[derive(Clone)]
pub struct Worker {
    pub state: AppState,
    pub mailer: Arc<Mailer>,
    pub id: String,
}

impl Worker {
    pub fn new(state: AppState, mailer: Arc<Mailer>, name: &str) -> Worker {
        // Unique per process start, so a restarted worker never inherits an old lease.
        let id = format!("{name}-{}", uuid::Uuid::new_v4().simple());
        Worker { state, mailer, id }
    }

    /// Sends one claimed row and records the outcome under the lease.
    pub async fn deliver(&self, row: &email_outbox::Model) -> Result<Delivery, DbErr> {
        let cfg = &self.state.config.mail;
        let now = self.state.clock.now();
        if row.attempts > row.max_attempts {
            self.dead(row, "gave up after the last attempt").await?;
            return Ok(Delivery::Dead);
        }
        let Some(message) = build_message(cfg, row, now) else {
            self.dead(row, "the recipient's address cannot be used")
                .await?;
            return Ok(Delivery::Dead);
        };
        match self.mailer.send(&row.id, message).await {
            Ok(()) => {
                let marked = fenced(
                    &self.state,
                    &row.id,
                    &self.id,
                    vec![
                        (Column::Status, Expr::value(SENT)),
                        (Column::SentAt, Expr::value(self.state.clock.now())),
                        (Column::LastError, Expr::value(Option::<String>::None)),
                    ],
                )
                .await?;
                tracing::info!(email = %row.id, kind = %row.kind, subject = %row.subject, "email sent");
                if marked {
                    Ok(Delivery::Sent)
                } else {
                    tracing::warn!(email = %row.id, "email sent after its lease passed to another worker");
                    Ok(Delivery::SentLeaseLost)
                }
            }
            Err(e) if e.permanent || row.attempts >= row.max_attempts => {
                self.dead(row, &e.detail).await?;
                Ok(Delivery::Dead)
            }
            Err(e) => {
                let delay = backoff_seconds(
                    row.attempts,
                    cfg.retry_base_seconds,
                    cfg.retry_max_seconds,
                    rand::random::<f64>(),
                );
                let run_at = self.state.clock.now() + chrono::Duration::seconds(delay);
                fenced(
                    &self.state,
                    &row.id,
                    &self.id,
                    vec![
                        (Column::Status, Expr::value(PENDING)),
                        (Column::RunAt, Expr::value(run_at)),
                        (Column::LastError, Expr::value(e.detail.clone())),
                    ],
                )
                .await?;
                tracing::warn!(email = %row.id, attempts = row.attempts, retry_in_seconds = delay, error = %e.detail, "email not sent; will retry");
                Ok(Delivery::Retry)
            }
        }
    }

    async fn dead(&self, row: &email_outbox::Model, why: &str) -> Result<(), DbErr> {
        fenced(
            &self.state,
            &row.id,
            &self.id,
            vec![
                (Column::Status, Expr::value(DEAD)),
                (Column::LastError, Expr::value(why)),
            ],
        )
        .await?;
        tracing::error!(email = %row.id, attempts = row.attempts, error = %why, "email given up; an administrator can retry it");
        Ok(())
    }

    /// Claims one batch and delivers its emails concurrently (an SMTP exchange is mostly
    /// waiting, so one worker keeps several connections of its pool busy). If `stop` is already
    /// true once the batch is claimed, the batch is released for another worker instead.
    /// Returns how many rows were claimed.
    pub async fn run_batch(
        &self,
        limit: u64,
        stop: Option<&watch::Receiver<bool>>,
    ) -> Result<usize, DbErr> {
        let rows = claim(&self.state, &self.id, limit).await?;
        let n = rows.len();
        if stop.is_some_and(|s| *s.borrow()) {
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            release(&self.state, &self.id, &ids).await?;
            tracing::info!(
                released = ids.len(),
                "worker stopping; released unsent emails"
            );
            return Ok(n);
        }
        let mut sends = tokio::task::JoinSet::new();
        for row in rows {
            let w = self.clone();
            sends.spawn(async move { w.deliver(&row).await });
        }
        let mut first_error = None;
        while let Some(done) = sends.join_next().await {
            let result = done.map_err(|e| DbErr::Custom(format!("email task failed: {e}")));
            if let Err(e) = result.and_then(|r| r) {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    /// Delivers until nothing is due (tests, the demo's first morning).
    pub async fn run_until_idle(&self) -> Result<usize, DbErr> {
        let mut total = 0;
        loop {
            let n = self.run_batch(20, None).await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Runs until `stop` turns true, polling when idle.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_secs(self.state.config.mail.poll_seconds);
        loop {
            if *stop.borrow() {
                break;
            }
            let busy = match self.run_batch(10, Some(&stop)).await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox worker could not reach the database");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "outbox worker stopped");
    }
}
