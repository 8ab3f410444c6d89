//! Keeping in touch: personal adviser visits in authority accommodation, contact once an adviser
//! is allocated, and return home interviews after a missing episode.

use chrono::{Duration, NaiveDate};

use crate::domain::age::{add_months, at_age, describe_months};
use crate::domain::policy::Policy;
use crate::domain::status::{CareHistory, relevant_on};

use super::{
    ACCOMMODATION_REVIEW_DAYS, Draft, Facts, MilestoneCode, TimelineInput, days, first_on_or_after,
};

/// PA_VISIT in authority accommodation: CLR 2010 reg 8(2): "(a) within 7 days of the
/// accommodation first being provided, (b) subsequently, before the pathway plan is reviewed
/// under regulation 7(3), and (c) at subsequent intervals of not more than two months".
pub(super) fn pa_visit(input: &TimelineInput, facts: &Facts) -> Option<Draft> {
    let p = input.policy;
    let (start, end) = facts.accommodation.last().copied()?;
    let visits: Vec<NaiveDate> = facts
        .pa_visits
        .iter()
        .copied()
        .filter(|v| *v >= start && end.is_none_or(|e| *v < e))
        .collect();
    let (due, rule, source) = match visits.last().copied() {
        None => (
            start + days(p.pa_visit_first_days),
            format!(
                "within {} days of authority accommodation first being provided on {start}",
                p.pa_visit_first_days
            ),
            "CLR 2010 reg 8(2)(a)",
        ),
        Some(last) => {
            let regular = add_months(last, p.pa_visit_interval_months);
            let review_28 = start + Duration::days(ACCOMMODATION_REVIEW_DAYS);
            let reviewed_since = facts.plan_reviews.iter().any(|r| *r >= start);
            if visits.len() == 1
                && !reviewed_since
                && relevant_on(input.history, start)
                && review_28 < regular
            {
                (
                    review_28,
                    format!(
                        "before the 28-day review of the pathway plan (authority accommodation from {start})"
                    ),
                    "CLR 2010 reg 8(2)(b)",
                )
            } else {
                (
                    regular,
                    format!(
                        "{} after the last visit on {last} (authority accommodation from {start})",
                        describe_months(p.pa_visit_interval_months)
                    ),
                    "CLR 2010 reg 8(2)(c)",
                )
            }
        }
    };
    // Once the accommodation has ended, only a visit missed while it lasted is shown.
    if end.is_some_and(|e| e <= input.as_of && due >= e) {
        return None;
    }
    Some(Draft {
        code: MilestoneCode::PaVisit,
        due,
        done_on: None,
        rule,
        source,
    })
}

/// PA_CONTACT: local policy, once a personal adviser is allocated.
pub(super) fn pa_contact(p: &Policy, facts: &Facts) -> Option<Draft> {
    if facts.pa_allocated.is_empty() {
        return None;
    }
    let last = facts
        .pa_contacts
        .iter()
        .chain(&facts.pa_visits)
        .chain(&facts.pa_allocated)
        .max()
        .copied()?;
    Some(Draft {
        code: MilestoneCode::PaContact,
        due: add_months(last, p.pa_contact_interval_months),
        done_on: None,
        rule: format!(
            "{} after the last personal adviser contact, visit or allocation on {last}",
            describe_months(p.pa_contact_interval_months)
        ),
        source: "Local policy (local offer)",
    })
}

/// RETURN_INTERVIEW for the latest missing episode with a return date, if the young person
/// returned before the 18th birthday. DfE statutory guidance on children who run away or go
/// missing from home or care (2014): offered within 72 hours of return.
pub(super) fn return_interview(h: &CareHistory, p: &Policy, facts: &Facts) -> Option<Draft> {
    let (start, returned) = facts.missing.iter().copied().max_by_key(|m| (m.1, m.0))?;
    if returned >= at_age(h.dob, 18, 0) {
        return None;
    }
    let day_count = p.return_interview_hours.div_ceil(24);
    Some(Draft {
        code: MilestoneCode::ReturnInterview,
        due: returned + days(day_count),
        done_on: first_on_or_after(&facts.interviews, returned),
        rule: format!(
            "{} hours ({day_count} days) after returning on {returned} from the missing episode that began on {start}",
            p.return_interview_hours
        ),
        source: "DfE statutory guidance on children who run away or go missing (2014)",
    })
}
