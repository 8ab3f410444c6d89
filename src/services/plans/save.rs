//! Saving a draft part by part, with optimistic concurrency: a save made from an older version
//! writes nothing and reports the conflict.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::{can_see_marac, parse_content, status_label};
use crate::auth::CurrentUser;
use crate::domain::plan::{
    self, AccommodationPlan, Agreement, Assessment, Meeting, PlanContent, Risk, Section, ToldAbout,
};
use crate::entities::{plan as plan_entity, young_person};
use crate::error::{AppError, FieldError};
use crate::services::audit::{self, RequestMeta, Target};
use crate::services::young_people::scope;
use crate::state::AppState;

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
    check_editable(&p)?;
    if p.lock_version != lock_version {
        return Err(AppError::Conflict(CONFLICT_MESSAGE.into()));
    }
    let content = applied(&p, part, can_see_marac(caller, &person))?;
    let now = state.clock.now();
    write_content(&txn, caller, plan_id, lock_version, &content, now).await?;
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

/// Only a draft or a returned plan can be changed.
fn check_editable(p: &plan_entity::Model) -> Result<(), AppError> {
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
    Ok(())
}

/// The stored content with the part applied, once the part passes its checks.
fn applied(
    p: &plan_entity::Model,
    part: Part,
    marac_visible: bool,
) -> Result<PlanContent, AppError> {
    let mut content = parse_content(&p.content)?;
    // Only the part being saved is checked: a review carries the last plan's actions, whose
    // dates may be before the review began, and another part's fields share these names.
    let code = part.code();
    part.apply(&mut content, marac_visible);
    let problems = plan::validate_part(&content, code.as_deref(), p.started_on);
    if !problems.is_empty() {
        return Err(AppError::Validation(
            problems
                .into_iter()
                .map(|e| FieldError::new(e.field, e.message))
                .collect(),
        ));
    }
    Ok(content)
}

/// Writes the content and the next lock version, only over the version the page was loaded at.
async fn write_content(
    txn: &DatabaseTransaction,
    caller: &CurrentUser,
    plan_id: &str,
    lock_version: i32,
    content: &PlanContent,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let json = serde_json::to_string(content).map_err(|e| AppError::Internal(e.into()))?;
    let res = plan_entity::Entity::update_many()
        .col_expr(plan_entity::Column::Content, Expr::value(json))
        .col_expr(
            plan_entity::Column::LockVersion,
            Expr::value(lock_version + 1),
        )
        .col_expr(
            plan_entity::Column::UpdatedBy,
            Expr::value(caller.id().to_string()),
        )
        .col_expr(plan_entity::Column::UpdatedAt, Expr::value(now))
        .filter(plan_entity::Column::Id.eq(plan_id))
        .filter(plan_entity::Column::LockVersion.eq(lock_version))
        .exec(txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict(CONFLICT_MESSAGE.into()));
    }
    Ok(())
}
