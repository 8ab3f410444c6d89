//! sea-orm entities: one file per table. Entities are never deserialized from requests;
//! request types live beside the routes with their own validation.

pub mod accommodation;
pub mod allocation;
pub mod audit_action;
pub mod audit_event;
pub mod audit_moderation;
pub mod care_episode;
pub mod case_audit;
pub mod email_outbox;
pub mod indicator_value;
pub mod login_attempt;
pub mod milestone;
pub mod milestone_override;
pub mod oversight_record;
pub mod parent_period;
pub mod plan;
pub mod session;
pub mod supervision;
pub mod team;
pub mod timeline_event;
pub mod user;
pub mod young_person;
