//! One integration test binary: every test builds the production router on its own database.

mod support;

mod access;
mod accessibility;
mod allocation;
mod api_contract;
mod auth;
mod config;
mod headers;
mod oversight;
mod pages;
mod performance;
mod plans;
mod reminders;
mod returns;
mod young_people;
