//! Reviews of the pathway plan and of the needs assessment.

use chrono::{Duration, NaiveDate};

use crate::domain::age::{add_months, describe_months};
use crate::domain::policy::Policy;
use crate::domain::status::{LegalStatus, StatusExplanation, relevant_on};

use super::{
    ACCOMMODATION_REVIEW_DAYS, ACCOMMODATION_REVIEW_MONTHS, Draft, Facts, MilestoneCode,
    SECOND_LAC_REVIEW_MONTHS, TimelineInput, days, first, first_on_or_after,
};

/// A possible review date: (due, rule, source).
type Candidate = (NaiveDate, String, &'static str);

/// PLAN_REVIEW: the earliest of the scheduled review and any event-driven review.
/// Eligible: CA 1989 Sch 2 para 19B(5)-(6), CPPCR 2010 reg 33 (second review 3 months after
/// the first, then every 6 months). Relevant and former relevant: CLR 2010 reg 7 (at least
/// every 6 months; on request). Relevant child in authority accommodation: CLR 2010 reg 7(3)
/// (28 days after moving in, then every 3 months).
pub(super) fn plan_review(
    input: &TimelineInput,
    status: &StatusExplanation,
    facts: &Facts,
) -> Option<Draft> {
    let p = input.policy;
    let first_plan = first(&facts.plans_approved)?;
    let last = facts
        .plans_approved
        .iter()
        .chain(&facts.plan_reviews)
        .max()
        .copied()
        .unwrap_or(first_plan);
    let reviews_since_plan = facts
        .plan_reviews
        .iter()
        .filter(|r| **r >= first_plan)
        .count();

    let mut candidates = vec![scheduled_review(status, p, last, reviews_since_plan)];
    candidates.extend(accommodation_review(input, status, facts, last));
    candidates.extend(requested_reviews(p, facts, last));
    let (due, rule, source) = candidates.into_iter().min_by_key(|c| c.0)?;
    Some(Draft {
        code: MilestoneCode::PlanReview,
        due,
        done_on: None,
        rule,
        source,
    })
}

/// The review the cycle sets from the last plan approval or review on `last`.
fn scheduled_review(
    status: &StatusExplanation,
    p: &Policy,
    last: NaiveDate,
    reviews_since_plan: usize,
) -> Candidate {
    if status.status == LegalStatus::Eligible {
        // The plan approval counts as the first review of the plan.
        let months = if reviews_since_plan == 0 {
            SECOND_LAC_REVIEW_MONTHS.min(p.review_interval_months)
        } else {
            p.review_interval_months
        };
        (
            add_months(last, months),
            format!(
                "{} after the last plan approval or review on {last} (looked-after review cycle)",
                describe_months(months)
            ),
            "CA 1989 Sch 2 para 19B(5)-(6); CPPCR 2010 reg 33",
        )
    } else {
        (
            add_months(last, p.review_interval_months),
            format!(
                "{} after the last plan approval or review on {last}",
                describe_months(p.review_interval_months)
            ),
            "CLR 2010 reg 7",
        )
    }
}

/// A relevant child in authority accommodation: CLR 2010 reg 7(3), 28 days after moving in,
/// then every 3 months.
fn accommodation_review(
    input: &TimelineInput,
    status: &StatusExplanation,
    facts: &Facts,
    last: NaiveDate,
) -> Option<Candidate> {
    let (start, end) = facts
        .accommodation
        .last()
        .copied()
        .filter(|(start, _)| relevant_on(input.history, *start))?;
    let ongoing = end.is_none_or(|e| e > input.as_of);
    if start >= last {
        Some((
            start + Duration::days(ACCOMMODATION_REVIEW_DAYS),
            format!(
                "{ACCOMMODATION_REVIEW_DAYS} days after moving into authority accommodation on {start}"
            ),
            "CLR 2010 reg 7(3)",
        ))
    } else if ongoing && status.status == LegalStatus::Relevant {
        Some((
            add_months(last, ACCOMMODATION_REVIEW_MONTHS),
            format!(
                "{} after the last review on {last} while in authority accommodation (since {start})",
                describe_months(ACCOMMODATION_REVIEW_MONTHS)
            ),
            "CLR 2010 reg 7(3)",
        ))
    } else {
        None
    }
}

/// Reviews a change of circumstances or the young person's request after `last` calls for
/// (CLR 2010 reg 7).
fn requested_reviews(p: &Policy, facts: &Facts, last: NaiveDate) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    if let Some(change) = facts.changes.iter().copied().find(|c| *c > last) {
        candidates.push((
            change + days(p.change_review_days),
            format!(
                "{} days after the change of circumstances recorded on {change}",
                p.change_review_days
            ),
            "CLR 2010 reg 7 (local policy: review after a change of circumstances)",
        ));
    }
    if let Some(request) = facts.requests.iter().copied().find(|r| *r > last) {
        candidates.push((
            request + days(p.request_review_days),
            format!(
                "{} days after the young person asked for a review on {request}",
                p.request_review_days
            ),
            "CLR 2010 reg 7 (review at the young person's request)",
        ));
    }
    candidates
}

/// ASSESSMENT_UPDATE: local policy (Ofsted 2019 recommendation).
pub(super) fn assessment_update(p: &Policy, facts: &Facts) -> Option<Draft> {
    let change = facts.changes.last().copied()?;
    Some(Draft {
        code: MilestoneCode::AssessmentUpdate,
        due: change + days(p.assessment_update_days),
        done_on: first_on_or_after(&facts.assessments, change),
        rule: format!(
            "{} days after the change of circumstances recorded on {change}",
            p.assessment_update_days
        ),
        source: "Local policy (Ofsted 2019 recommendation)",
    })
}
