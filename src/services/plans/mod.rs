//! Pathway plans: drafting, saving part by part with optimistic concurrency, submitting behind the
//! quality checks, a manager's approval or return, reviews that start from the approved version,
//! and the timeline events that approval records.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::auth::CurrentUser;
use crate::domain::plan::{self, Agreement, CheckContext, CheckResult, PlanContent};
use crate::entities::{plan as plan_entity, young_person};
use crate::error::AppError;
use crate::services::audit::{self, RequestMeta, Target};
use crate::state::AppState;

mod decisions;
mod save;

pub use decisions::*;
pub use save::*;

pub const OPEN: [&str; 3] = ["draft", "submitted", "returned"];

pub fn status_label(s: &str) -> &'static str {
    match s {
        "draft" => "Draft",
        "submitted" => "Waiting for approval",
        "approved" => "Approved",
        "returned" => "Returned for changes",
        "superseded" => "Superseded by a review",
        _ => "Unknown",
    }
}

/// A plan with its young person and parsed content, as the caller may see it.
pub struct Loaded {
    pub person: young_person::Model,
    pub plan: plan_entity::Model,
    pub content: PlanContent,
    /// Whether MARAC content is shown to this caller (the allocated adviser and managers only).
    pub marac_visible: bool,
}

impl Loaded {
    pub fn editable(&self) -> bool {
        matches!(self.plan.status.as_str(), "draft" | "returned")
    }
}

fn parse_content(s: &str) -> Result<PlanContent, AppError> {
    let mut c: PlanContent = serde_json::from_str(s).map_err(|e| {
        AppError::Internal(anyhow::anyhow!("stored plan content is unreadable: {e}"))
    })?;
    c.normalise();
    Ok(c)
}

/// MARAC content is visible only to the allocated adviser and managers (issue: plans).
pub fn can_see_marac(caller: &CurrentUser, person: &young_person::Model) -> bool {
    caller.role.is_manager() || person.adviser_id.as_deref() == Some(caller.id())
}

fn redact(mut c: PlanContent, visible: bool) -> PlanContent {
    if !visible {
        c.meetings.retain(|m| m.kind != "marac");
    }
    c
}

use crate::services::young_people::in_scope as person_in_scope;

/// The young person and their plans, newest first.
pub async fn list(
    state: &AppState,
    caller: &CurrentUser,
    young_person_id: &str,
    meta: &RequestMeta,
) -> Result<(young_person::Model, Vec<plan_entity::Model>), AppError> {
    let person = crate::services::young_people::get(state, caller, young_person_id, meta).await?;
    let plans = plan_entity::Entity::find()
        .filter(plan_entity::Column::YoungPersonId.eq(person.id.clone()))
        .order_by_desc(plan_entity::Column::VersionNo)
        .all(&state.db)
        .await?;
    Ok((person, plans))
}

/// Loads a plan in the caller's scope and audits the view.
pub async fn get(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    meta: &RequestMeta,
) -> Result<Loaded, AppError> {
    let found = plan_entity::Entity::find_by_id(plan_id.to_string())
        .one(&state.db)
        .await?;
    // A plan that is missing and one out of scope are recorded, and answered, alike.
    let not_found = || async {
        let target = Target {
            kind: "plan",
            id: plan_id,
        };
        audit::record(
            state,
            Some(caller.id()),
            "view_plan",
            Some(target),
            "not_found",
            meta,
        )
        .await
    };
    let Some(p) = found else {
        not_found().await?;
        return Err(AppError::NotFound);
    };
    let person = match person_in_scope(state, caller, &p.young_person_id).await {
        Ok(person) => person,
        Err(e) => {
            not_found().await?;
            return Err(e);
        }
    };
    audit::record(
        state,
        Some(caller.id()),
        "view_plan",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    let visible = can_see_marac(caller, &person);
    let content = redact(parse_content(&p.content)?, visible);
    Ok(Loaded {
        person,
        plan: p,
        content,
        marac_visible: visible,
    })
}

/// The longest interval to the next review for this young person today: 3 months for a relevant
/// child in accommodation the authority provides (CLR 2010 reg 7(3)), otherwise the policy
/// interval (at most 6 months: CLR 2010 reg 7; CPPCR 2010 reg 33).
pub async fn check_context(
    state: &AppState,
    person: &young_person::Model,
) -> Result<CheckContext, AppError> {
    let today = state.clock.today();
    let mut months = state.config.policy.review_interval_months;
    if person.legal_status == "relevant" {
        let in_authority_accommodation = crate::entities::accommodation::Entity::find()
            .filter(crate::entities::accommodation::Column::YoungPersonId.eq(person.id.clone()))
            .filter(crate::entities::accommodation::Column::ProvidedByAuthority.eq(true))
            .all(&state.db)
            .await?
            .iter()
            .any(|a| a.start_date <= today && a.end_date.is_none_or(|e| e > today));
        if in_authority_accommodation {
            months = months.min(crate::domain::timeline::ACCOMMODATION_REVIEW_MONTHS);
        }
    }
    Ok(CheckContext {
        today,
        review_interval_months: months,
    })
}

pub async fn checks(state: &AppState, loaded: &Loaded) -> Result<Vec<CheckResult>, AppError> {
    // Checks always run on the whole plan, MARAC included, whoever is looking.
    let full = parse_content(&loaded.plan.content)?;
    Ok(plan::check(
        &full,
        &check_context(state, &loaded.person).await?,
    ))
}

/// Starts a new draft: the first plan, or a review starting from the latest approved version.
/// While a plan is open (draft, submitted or returned) that one is returned instead.
pub async fn start(
    state: &AppState,
    caller: &CurrentUser,
    young_person_id: &str,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let person = person_in_scope(state, caller, young_person_id).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    let existing = plan_entity::Entity::find()
        .filter(plan_entity::Column::YoungPersonId.eq(person.id.clone()))
        .order_by_desc(plan_entity::Column::VersionNo)
        .all(&txn)
        .await?;
    if let Some(open) = existing.iter().find(|p| OPEN.contains(&p.status.as_str())) {
        return Ok(open.clone());
    }
    let approved = existing.iter().find(|p| p.status == "approved");
    let mut content = match approved {
        Some(a) => parse_content(&a.content)?,
        None => PlanContent::empty(),
    };
    // A review records what has changed, agrees the plan again and sets a new review date.
    if approved.is_some() {
        content.agreement = Agreement::default();
        content.next_review = None;
        for m in content.meetings.iter_mut() {
            m.actions.retain(|a| a.decision == "pending");
        }
        content.meetings.retain(|m| !m.actions.is_empty());
    }
    let now = state.clock.now();
    let p = plan_entity::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        young_person_id: Set(person.id.clone()),
        version_no: Set(existing.first().map_or(1, |p| p.version_no + 1)),
        status: Set("draft".into()),
        content: Set(serde_json::to_string(&content).map_err(|e| AppError::Internal(e.into()))?),
        lock_version: Set(1),
        previous_plan_id: Set(approved.map(|a| a.id.clone())),
        started_on: Set(state.clock.today()),
        created_by: Set(caller.id().to_string()),
        created_at: Set(now),
        updated_by: Set(caller.id().to_string()),
        updated_at: Set(now),
        submitted_at: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        decision: Set(None),
        approved_on: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        if approved.is_some() {
            "start_plan_review"
        } else {
            "start_plan"
        },
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

/// Two versions of the same young person's plan, for side-by-side comparison.
pub async fn compare(
    state: &AppState,
    caller: &CurrentUser,
    a: &str,
    b: &str,
    meta: &RequestMeta,
) -> Result<(Loaded, Loaded), AppError> {
    let la = get(state, caller, a, meta).await?;
    let lb = get(state, caller, b, meta).await?;
    if la.person.id != lb.person.id {
        return Err(AppError::NotFound);
    }
    Ok((la, lb))
}
