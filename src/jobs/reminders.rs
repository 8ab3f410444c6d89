//! The reminder scheduler's work is a use case (`services::reminders`): which reminders and
//! digests are due, enqueued under the outbox's unique key. The job loop (`jobs::spawn`) calls
//! its [`tick`] every `REMINDER_TICK_SECONDS`.

pub use crate::services::reminders::{
    DIGEST, RETURN_INTERVIEW, RETURN_INTERVIEW_OVERDUE, TickReport, kind_label, tick,
};
