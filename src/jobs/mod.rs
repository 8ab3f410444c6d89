//! Background work: the reminder scheduler, the calendar refresh and the outbox workers.
//!
//! Every `serve` node (unless `RUN_JOBS=false`) and every `worker` process runs all three. That
//! is safe with any number of nodes against one PostgreSQL: the scheduler only inserts under the
//! outbox's unique key, workers claim rows with a lease, and a calendar refresh rewrites the same
//! result in its own transactions. The first pass of each runs at start-up.
//!
//! The calendar refresh (stored timelines once a day, indicators every
//! `INDICATORS_REFRESH_MINUTES`) runs in its own task: at 100,000 young people it takes tens of
//! seconds, and the reminder tick must not wait behind it.

pub mod outbox;
pub mod reminders;

/// The email templates, now below the services (`mail::email`).
pub use crate::mail::email;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use outbox::{Mailer, Worker};

/// One calendar pass. Stored timelines follow the calendar (a milestone becomes due soon, then
/// overdue; a birthday changes what is owed), so they are worked out again on the first pass of
/// each day; then the indicators, when `INDICATORS_REFRESH_MINUTES` have passed. `refreshed_on`
/// is this task's memory of the last day it refreshed the timelines.
pub async fn calendar_pass(state: &AppState, refreshed_on: &mut Option<chrono::NaiveDate>) {
    let today = state.clock.today();
    if *refreshed_on != Some(today) {
        let started = Instant::now();
        match crate::services::young_people::refresh_all(state).await {
            Ok(n) => {
                *refreshed_on = Some(today);
                tracing::info!(
                    young_people = n,
                    took_ms = started.elapsed().as_millis() as u64,
                    "timelines refreshed"
                );
            }
            Err(e) => {
                tracing::warn!(error = %e, "timeline refresh failed; the next pass will try again")
            }
        }
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
}

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
    if let Err(e) = outbox::purge_bodies(state).await {
        tracing::warn!(error = %e, "clearing old email bodies failed");
    }
    if let Err(e) = crate::services::auth::prune_login_attempts(state).await {
        tracing::warn!(error = %e, "pruning old sign-in attempts failed");
    }
}

/// Starts the scheduler, the calendar refresh and `mail.workers` outbox workers; they stop when
/// `stop` turns true, each worker finishing the email in hand and releasing the rest of its batch.
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
    let cal_state = state.clone();
    let mut cal_stop = stop.clone();
    handles.push(tokio::spawn(async move {
        let every = Duration::from_secs(cal_state.config.mail.tick_seconds);
        let mut refreshed_on = None;
        loop {
            tokio::select! {
                _ = calendar_pass(&cal_state, &mut refreshed_on) => {}
                _ = cal_stop.changed() => {}
            }
            if *cal_stop.borrow() {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = cal_stop.changed() => {}
            }
            if *cal_stop.borrow() {
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
