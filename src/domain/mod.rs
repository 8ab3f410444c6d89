//! The statutory and policy rules, pure: no database, no web types, no clock. Every rule cites
//! its source (see `shared/domain/RULES.md`).

pub mod age;
pub mod indicators;
pub mod milestone;
pub mod plan;
pub mod policy;
pub mod reminders;
pub mod ssda903;
pub mod status;
pub mod text;
pub mod timeline;
pub mod working_days;
