//! Use cases: authorisation on rows, transactions, and the audit trail. Routes call these;
//! these call the pure `domain` rules and the `entities`.

pub mod audit;
pub mod auth;
pub mod emails;
pub mod indicators;
pub mod oversight;
pub mod plans;
pub mod reminders;
pub mod scope;
pub mod ssda903;
pub mod team;
pub mod timeline;
pub mod users;
pub mod young_people;
