//! Background work: the reminder scheduler and the outbox workers.
//!
//! Every `serve` node (unless `RUN_JOBS=false`) and every `worker` process runs both. That is
//! safe with any number of nodes against one PostgreSQL: the scheduler only inserts under the
//! outbox's unique key, and workers claim rows with a lease. The first tick runs at start-up.

pub mod email;
pub mod outbox;
pub mod reminders;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use outbox::{Mailer, Worker};

/// One scheduler pass: reminders, then housekeeping.
pub async fn scheduler_pass(state: &AppState) {
    let started = Instant::now();
    match reminders::tick(state).await {
        Ok(r) => tracing::info!(
            items = r.items,
            new_reminders = r.new_reminders,
            digests = r.digests,
            took_ms = started.elapsed().as_millis() as u64,
            "reminder tick"
        ),
        Err(e) => tracing::warn!(error = %e, "reminder tick failed; the next tick will try again"),
    }
    let now = state.clock.now();
    let due = state
        .indicators_refreshed_at
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_none_or(|at| {
            now - at >= chrono::Duration::minutes(state.config.indicators_refresh_minutes)
        });
    if due {
        let started = Instant::now();
        match crate::services::indicators::refresh(state).await {
            Ok(rows) => {
                *state
                    .indicators_refreshed_at
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(now);
                tracing::info!(
                    rows,
                    took_ms = started.elapsed().as_millis() as u64,
                    "indicators worked out"
                );
            }
            Err(e) => tracing::warn!(error = %e, "working out the indicators failed"),
        }
    }
    if let Err(e) = outbox::purge_bodies(state).await {
        tracing::warn!(error = %e, "clearing old email bodies failed");
    }
    if let Err(e) = crate::services::auth::prune_login_attempts(state).await {
        tracing::warn!(error = %e, "pruning old sign-in attempts failed");
    }
}

/// Starts the scheduler and `mail.workers` outbox workers; they stop when `stop` turns true,
/// each finishing the email in hand and releasing the rest of its batch.
pub fn spawn(
    state: &AppState,
    mailer: Arc<Mailer>,
    stop: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let mut handles = Vec::new();
    let sched_state = state.clone();
    let mut sched_stop = stop.clone();
    handles.push(tokio::spawn(async move {
        let every = Duration::from_secs(sched_state.config.mail.tick_seconds);
        loop {
            scheduler_pass(&sched_state).await;
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = sched_stop.changed() => {}
            }
            if *sched_stop.borrow() {
                break;
            }
        }
    }));
    for n in 0..state.config.mail.workers.max(1) {
        let w = Worker::new(state.clone(), mailer.clone(), &format!("worker{n}"));
        handles.push(tokio::spawn(w.run(stop.clone())));
    }
    handles
}

/// Waits for background work to stop, up to `limit` (an SMTP send has its own timeout).
pub async fn join(handles: Vec<JoinHandle<()>>, limit: Duration) {
    let all = async {
        for h in handles {
            let _ = h.await;
        }
    };
    if tokio::time::timeout(limit, all).await.is_err() {
        tracing::warn!(
            "background work did not stop in time; unsent claims expire with their lease"
        );
    }
}
