//! Pathway plans: drafting, saving part by part with optimistic concurrency, submitting behind the
//! quality checks, a manager's approval or return, reviews that start from the approved version,
//! and the timeline events that approval records.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::auth::CurrentUser;
use crate::domain::plan::{
    self, AccommodationPlan, Agreement, Assessment, CheckContext, CheckResult, Meeting,
    PlanContent, Risk, Section, ToldAbout,
};
use crate::entities::{plan as plan_entity, timeline_event, young_person};
use crate::error::{AppError, FieldError};
use crate::input;
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::young_people::scope;
use crate::state::AppState;

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
    let Some(p) = found else {
        audit::record(
            state,
            Some(caller.id()),
            "view_plan",
            Some(Target {
                kind: "plan",
                id: plan_id,
            }),
            "not_found",
            meta,
        )
        .await?;
        return Err(AppError::NotFound);
    };
    let person = match person_in_scope(state, caller, &p.young_person_id).await {
        Ok(person) => person,
        Err(e) => {
            audit::record(
                state,
                Some(caller.id()),
                "view_plan",
                Some(Target {
                    kind: "plan",
                    id: plan_id,
                }),
                "not_found",
                meta,
            )
            .await?;
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

/// One part of the plan, as edited on one page.
#[derive(Debug, Clone)]
pub enum Part {
    Section(Section),
    Assessment(Assessment),
    Risks {
        risks: Vec<Risk>,
        contingency: String,
    },
    Accommodation(AccommodationPlan),
    Rights(Vec<ToldAbout>),
    Meetings(Vec<Meeting>),
    Agreement {
        agreement: Agreement,
        next_review: Option<NaiveDate>,
    },
    Whole(PlanContent),
}

impl Part {
    /// The code of the part on the plan's pages (a section code, or `risks` and so on); `None`
    /// for the whole plan.
    fn code(&self) -> Option<String> {
        Some(match self {
            Part::Section(s) => s.code.clone(),
            Part::Assessment(_) => "assessment".into(),
            Part::Risks { .. } => "risks".into(),
            Part::Accommodation(_) => "accommodation".into(),
            Part::Rights(_) => "rights".into(),
            Part::Meetings(_) => "meetings".into(),
            Part::Agreement { .. } => "agreement".into(),
            Part::Whole(_) => return None,
        })
    }

    /// Applies the part to a copy of the content, to show what a save would change.
    pub fn apply_for_preview(self, c: &mut PlanContent) {
        self.apply(c, true);
    }

    fn apply(self, c: &mut PlanContent, marac_visible: bool) {
        match self {
            Part::Section(s) => {
                if let Some(slot) = c.sections.iter_mut().find(|x| x.code == s.code) {
                    *slot = s;
                }
            }
            Part::Assessment(a) => c.assessment = a,
            Part::Risks { risks, contingency } => {
                c.risks = risks;
                c.contingency = contingency;
            }
            Part::Accommodation(a) => c.accommodation = a,
            Part::Rights(t) => c.told_about = t,
            Part::Meetings(mut m) => {
                if !marac_visible {
                    // Someone who cannot see MARAC content must not be able to erase it.
                    m.retain(|x| x.kind != "marac");
                    m.extend(c.meetings.iter().filter(|x| x.kind == "marac").cloned());
                }
                c.meetings = m;
            }
            Part::Agreement {
                agreement,
                next_review,
            } => {
                c.agreement = agreement;
                c.next_review = next_review;
            }
            Part::Whole(mut w) => {
                if !marac_visible {
                    w.meetings.retain(|x| x.kind != "marac");
                    w.meetings
                        .extend(c.meetings.iter().filter(|x| x.kind == "marac").cloned());
                }
                *c = w;
            }
        }
        c.normalise();
    }
}

/// The save was made from an older version: nothing was written.
pub const CONFLICT_MESSAGE: &str = "Someone else saved this plan after you opened it. Your changes have not been saved yet: compare them with theirs below, then save again to keep yours.";

/// Saves one part of a draft. `lock_version` is the version the page was loaded at: if someone
/// has saved since, nothing is written and `AppError::Conflict` is returned.
pub async fn save(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    lock_version: i32,
    part: Part,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let txn = crate::db::begin_write(&state.db).await?;
    let p = plan_entity::Entity::find_by_id(plan_id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = young_person::Entity::find_by_id(p.young_person_id.clone())
        .filter(scope(caller))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(p.status.as_str(), "draft" | "returned") {
        return Err(AppError::BadRequest(
            format!(
                "This plan is {} and cannot be changed. {}",
                status_label(&p.status).to_lowercase(),
                if p.status == "approved" {
                    "Start a review to make a new version."
                } else {
                    ""
                }
            )
            .trim()
            .to_string(),
        ));
    }
    if p.lock_version != lock_version {
        return Err(AppError::Conflict(CONFLICT_MESSAGE.into()));
    }
    let mut content = parse_content(&p.content)?;
    // Only the part being saved is checked: a review carries the last plan's actions, whose
    // dates may be before the review began, and another part's fields share these names.
    let code = part.code();
    part.apply(&mut content, can_see_marac(caller, &person));
    let problems = plan::validate_part(&content, code.as_deref(), p.started_on);
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|e| FieldError::new(e.field, e.message))
                .collect(),
        ));
    }
    let now = state.clock.now();
    let json = serde_json::to_string(&content).map_err(|e| AppError::Internal(e.into()))?;
    let res = plan_entity::Entity::update_many()
        .col_expr(
            plan_entity::Column::Content,
            sea_orm::sea_query::Expr::value(json),
        )
        .col_expr(
            plan_entity::Column::LockVersion,
            sea_orm::sea_query::Expr::value(lock_version + 1),
        )
        .col_expr(
            plan_entity::Column::UpdatedBy,
            sea_orm::sea_query::Expr::value(caller.id().to_string()),
        )
        .col_expr(
            plan_entity::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(plan_entity::Column::Id.eq(plan_id))
        .filter(plan_entity::Column::LockVersion.eq(lock_version))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(CONFLICT_MESSAGE.into()));
    }
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        "update_plan",
        Some(Target::young_person(&person.id)),
        "success",
        meta,
    )
    .await?;
    let saved = plan_entity::Entity::find_by_id(plan_id.to_string())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(saved)
}

fn failures(results: &[CheckResult]) -> Vec<FieldError> {
    results
        .iter()
        .filter(|c| !c.passed)
        .flat_map(|c| {
            c.missing.iter().map(move |m| {
                FieldError::new(c.check.clone(), format!("{}: {}", c.check, m.message))
            })
        })
        .collect()
}

/// Submits a draft for approval. Refused, with every reason, while any quality check fails.
pub async fn submit(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let loaded = get(state, caller, plan_id, meta).await?;
    if !loaded.editable() {
        return Err(AppError::BadRequest(format!(
            "This plan is {} and cannot be submitted.",
            status_label(&loaded.plan.status).to_lowercase()
        )));
    }
    let results = checks(state, &loaded).await?;
    let failed = failures(&results);
    if !failed.is_empty() {
        audit::record(
            state,
            Some(caller.id()),
            "submit_plan",
            Some(Target::young_person(&loaded.person.id)),
            "refused",
            meta,
        )
        .await?;
        return Err(AppError::Validation(failed));
    }
    transition(
        state,
        caller,
        &loaded,
        &["draft", "returned"],
        "submitted",
        None,
        "submit_plan",
        meta,
    )
    .await
}

/// A manager's decision on a submitted plan: the page's form and the API's body. Approving needs
/// the rationale, returning the comments.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema, validator::Validate)]
pub struct Decision {
    /// Why the plan is approved.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub rationale: String,
    /// What needs to change.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "input::lines"))]
    #[schema(max_length = 10000)]
    pub comments: String,
}

impl input::Labels for Decision {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("rationale", "The rationale"), ("comments", "The comments")];
}

/// A manager approves a submitted plan, with a rationale. The previous approved version is
/// superseded, and the timeline records the plan (PATHWAY_PLAN) or the review (PLAN_REVIEW), and
/// the needs assessment's completion (NEEDS_ASSESSMENT, ASSESSMENT_UPDATE).
pub async fn approve(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    decision: &Decision,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    input::check(decision)?;
    let rationale = decision.rationale.as_str();
    if rationale.trim().is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "rationale",
            "Enter the reason for approving the plan",
        )]));
    }
    let loaded = get(state, caller, plan_id, meta).await?;
    let results = checks(state, &loaded).await?;
    let failed = failures(&results);
    if !failed.is_empty() {
        return Err(AppError::Validation(failed));
    }
    transition(
        state,
        caller,
        &loaded,
        &["submitted"],
        "approved",
        Some(rationale.trim()),
        "approve_plan",
        meta,
    )
    .await
}

/// A manager returns a submitted plan for changes, with comments.
pub async fn return_for_changes(
    state: &AppState,
    caller: &CurrentUser,
    plan_id: &str,
    decision: &Decision,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    if !caller.role.is_manager() {
        return Err(AppError::Forbidden);
    }
    input::check(decision)?;
    let comments = decision.comments.as_str();
    if comments.trim().is_empty() {
        return Err(AppError::Validation(vec![FieldError::new(
            "comments",
            "Enter what needs to change",
        )]));
    }
    let loaded = get(state, caller, plan_id, meta).await?;
    transition(
        state,
        caller,
        &loaded,
        &["submitted"],
        "returned",
        Some(comments.trim()),
        "return_plan",
        meta,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn transition(
    state: &AppState,
    caller: &CurrentUser,
    loaded: &Loaded,
    from: &[&str],
    to: &str,
    decision: Option<&str>,
    action: &str,
    meta: &RequestMeta,
) -> Result<plan_entity::Model, AppError> {
    let now = state.clock.now();
    let today = state.clock.today();
    let txn = crate::db::begin_write(&state.db).await?;
    let mut q = plan_entity::Entity::update_many()
        .col_expr(
            plan_entity::Column::Status,
            sea_orm::sea_query::Expr::value(to),
        )
        .col_expr(
            plan_entity::Column::LockVersion,
            sea_orm::sea_query::Expr::value(loaded.plan.lock_version + 1),
        )
        .filter(plan_entity::Column::Id.eq(loaded.plan.id.clone()))
        .filter(plan_entity::Column::Status.is_in(from.iter().copied()));
    if to == "submitted" {
        q = q.col_expr(
            plan_entity::Column::SubmittedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        );
    } else {
        q = q
            .col_expr(
                plan_entity::Column::DecidedBy,
                sea_orm::sea_query::Expr::value(Some(caller.id().to_string())),
            )
            .col_expr(
                plan_entity::Column::DecidedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .col_expr(
                plan_entity::Column::Decision,
                sea_orm::sea_query::Expr::value(decision.map(str::to_string)),
            );
    }
    if to == "approved" {
        q = q.col_expr(
            plan_entity::Column::ApprovedOn,
            sea_orm::sea_query::Expr::value(Some(today)),
        );
    }
    let res = q.exec(&txn).await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "This plan is now {} so it cannot be {}. Reload the page to see it.",
            status_label(&loaded.plan.status).to_lowercase(),
            match to {
                "submitted" => "submitted",
                "approved" => "approved",
                _ => "returned",
            }
        )));
    }
    if to == "approved" {
        let earlier_approved = plan_entity::Entity::find()
            .filter(plan_entity::Column::YoungPersonId.eq(loaded.person.id.clone()))
            .filter(plan_entity::Column::Status.eq("approved"))
            .filter(plan_entity::Column::Id.ne(loaded.plan.id.clone()))
            .all(&txn)
            .await?;
        let is_review = !earlier_approved.is_empty()
            || timeline_event::Entity::find()
                .filter(timeline_event::Column::YoungPersonId.eq(loaded.person.id.clone()))
                .filter(timeline_event::Column::Kind.eq("plan_approved"))
                .one(&txn)
                .await?
                .is_some();
        for e in earlier_approved {
            let mut am: plan_entity::ActiveModel = e.into();
            am.status = Set("superseded".into());
            am.update(&txn).await?;
        }
        let full = parse_content(&loaded.plan.content)?;
        let mut events = vec![(
            if is_review {
                "plan_reviewed"
            } else {
                "plan_approved"
            },
            today,
        )];
        if let Some(done) = full.assessment.completed_on {
            let already = timeline_event::Entity::find()
                .filter(timeline_event::Column::YoungPersonId.eq(loaded.person.id.clone()))
                .filter(timeline_event::Column::Kind.eq("assessment_completed"))
                .filter(timeline_event::Column::EventDate.eq(done))
                .one(&txn)
                .await?
                .is_some();
            if !already {
                events.push(("assessment_completed", done.min(today)));
            }
        }
        for (kind, date) in events {
            timeline_event::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                young_person_id: Set(loaded.person.id.clone()),
                kind: Set(kind.into()),
                event_date: Set(date),
                end_date: Set(None),
                notes: Set(Some(format!(
                    "Recorded by the approval of plan version {}",
                    loaded.plan.version_no
                ))),
                recorded_by: Set(Some(caller.id().to_string())),
                details: Set(None),
                created_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
    }
    if matches!(to, "approved" | "returned") {
        // A plan decision is management oversight on the young person's file.
        let (kind, words) = if to == "approved" {
            (
                "plan_approval",
                format!("Pathway plan version {} approved", loaded.plan.version_no),
            )
        } else {
            (
                "plan_return",
                format!(
                    "Pathway plan version {} returned for changes",
                    loaded.plan.version_no
                ),
            )
        };
        crate::services::oversight::write_record(
            &txn,
            &loaded.person.id,
            kind,
            &words,
            decision.map(str::to_string),
            None,
            &[],
            Some(loaded.plan.id.clone()),
            caller.id(),
            today,
            now,
        )
        .await?;
    }
    audit::record_on(
        &txn,
        now,
        Some(caller.id()),
        action,
        Some(Target::young_person(&loaded.person.id)),
        "success",
        meta,
    )
    .await?;
    if to == "approved" {
        let person = young_person::Entity::find_by_id(loaded.person.id.clone())
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::services::young_people::recompute_in(state, &txn, person).await?;
    }
    let p = plan_entity::Entity::find_by_id(loaded.plan.id.clone())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
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
