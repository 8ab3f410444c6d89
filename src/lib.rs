//! Pathway: the care-leaver pathway-plan service.
//!
//! Layers, in one direction: `routes` (extract, call, render) → `services` (use cases,
//! authorisation on rows, transactions, audit) → `domain` (pure statutory rules: dates, statuses,
//! milestones) and `entities` (the database).

pub mod app;
pub mod audit_log;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod input;
pub mod jobs;
pub mod mail;
pub mod routes;
pub mod seed;
pub mod services;
pub mod state;
pub mod synthetic;
pub mod telemetry;
pub mod views;
