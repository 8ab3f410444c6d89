//! The append-only audit log (ASVS 4.0.3 7.1.3, 7.2.1, 8.3.5): who did what to which record,
//! when, from where, and with what outcome. Never the record's content.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::audit_event;
use crate::error::AppError;
use crate::state::AppState;

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl RequestMeta {
    fn from_parts_ref(ext: &axum::http::Extensions, headers: &axum::http::HeaderMap) -> Self {
        RequestMeta {
            ip: ext
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| a.ip().to_string()),
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(64).collect()),
        }
    }
    pub fn from_request(req: &Request) -> Self {
        Self::from_parts_ref(req.extensions(), req.headers())
    }
    pub fn ip_or_unknown(&self) -> String {
        self.ip.clone().unwrap_or_else(|| "unknown".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts_ref(&parts.extensions, &parts.headers))
    }
}

/// A record the audit entry is about.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: &'a str,
    pub id: &'a str,
}

impl<'a> Target<'a> {
    pub fn young_person(id: &'a str) -> Self {
        Target {
            kind: "young_person",
            id,
        }
    }
    pub fn user(id: &'a str) -> Self {
        Target { kind: "user", id }
    }
}

/// Writes one audit entry on the state's connection, through the process's [`AuditWriter`]: the
/// call returns once the entry is committed, so nothing is shown before its view is on record.
pub async fn record(
    state: &AppState,
    actor: Option<&str>,
    action: &str,
    target: Option<Target<'_>>,
    outcome: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let entry = entry(state.clock.now(), actor, action, target, outcome, meta);
    state.audit.write(&state.db, entry).await
}

fn entry(
    at: DateTime<Utc>,
    actor: Option<&str>,
    action: &str,
    target: Option<Target<'_>>,
    outcome: &str,
    meta: &RequestMeta,
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        at: Set(at),
        actor_id: Set(actor.map(str::to_string)),
        action: Set(action.to_string()),
        record_type: Set(target.map(|t| t.kind.to_string())),
        record_id: Set(target.map(|t| t.id.chars().take(64).collect())),
        outcome: Set(outcome.to_string()),
        ip: Set(meta.ip.clone()),
        request_id: Set(meta.request_id.clone()),
        ..Default::default()
    }
}

/// Writes one audit entry on any connection or transaction, so a change and its audit entry
/// commit together.
pub async fn record_on<C: ConnectionTrait>(
    db: &C,
    at: DateTime<Utc>,
    actor: Option<&str>,
    action: &str,
    target: Option<Target<'_>>,
    outcome: &str,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    entry(at, actor, action, target, outcome, meta)
        .insert(db)
        .await?;
    Ok(())
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub record: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

pub async fn search(
    state: &AppState,
    f: &AuditFilter,
    limit: u64,
) -> Result<Vec<audit_event::Model>, AppError> {
    let mut q = audit_event::Entity::find();
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::ActorId.eq(a));
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::Action.eq(a));
    }
    if let Some(r) = f.record.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::RecordId.eq(r));
    }
    if let Some(d) = f.from {
        q = q.filter(audit_event::Column::At.gte(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(audit_event::Column::At.lt(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    Ok(q.order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(&state.db)
        .await?)
}
