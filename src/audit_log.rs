//! The audit trail's group commit, below the services and the state that holds it: one task per
//! process inserts every entry waiting in one statement (see [`AuditWriter`]).

use std::sync::OnceLock;

use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait};
use tokio::sync::{mpsc, oneshot};

use crate::entities::audit_event;
use crate::error::AppError;

/// The most entries committed in one statement (9 columns each, well inside SQLite's limit of
/// 32,766 bound values).
const BATCH: usize = 256;

struct Pending {
    entry: audit_event::ActiveModel,
    done: oneshot::Sender<Result<(), DbErr>>,
}

/// Group commit for audit entries written outside a change's own transaction: views, sign-ins,
/// refusals. One task per process takes every entry waiting and commits them as one multi-row
/// insert, while each caller waits for its own entry's outcome. Under load, the 32 views in flight
/// cost one commit instead of 32 commits queueing for SQLite's single writer or PostgreSQL's WAL
/// flush; with one request at a time there is no added wait, because the task never holds an entry
/// back to gather more.
#[derive(Default)]
pub struct AuditWriter {
    queue: OnceLock<mpsc::Sender<Pending>>,
}

impl AuditWriter {
    pub async fn write(
        &self,
        db: &DatabaseConnection,
        entry: audit_event::ActiveModel,
    ) -> Result<(), AppError> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * BATCH);
            tokio::spawn(commit_loop(db.clone(), rx));
            tx
        });
        let (done, outcome) = oneshot::channel();
        let unavailable = || AppError::Internal(anyhow::anyhow!("the audit writer has stopped"));
        queue
            .send(Pending { entry, done })
            .await
            .map_err(|_| unavailable())?;
        Ok(outcome.await.map_err(|_| unavailable())??)
    }
}

async fn commit_loop(db: DatabaseConnection, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let entries: Vec<_> = batch.iter().map(|p| p.entry.clone()).collect();
        match audit_event::Entity::insert_many(entries).exec(&db).await {
            Ok(_) => {
                for p in batch.drain(..) {
                    let _ = p.done.send(Ok(()));
                }
            }
            // One at a time, so an entry the database refuses fails only its own request.
            Err(_) => {
                for p in batch.drain(..) {
                    let outcome = p.entry.insert(&db).await.map(|_| ());
                    let _ = p.done.send(outcome);
                }
            }
        }
    }
}
