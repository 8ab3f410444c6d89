//! Email below the services: the templates (a subject, a plain-text and an HTML part) and the
//! outbox rows they are put into. Sending is a job (`jobs::outbox`).

pub mod email;
pub mod outbox;
