//! The milestones around the 16th birthday that prepare a young person for leaving care: a
//! personal adviser, the needs assessment and the first pathway plan.

use chrono::NaiveDate;

use super::{
    Draft, Facts, LATE_ELIGIBILITY_PA_WORKING_DAYS, MilestoneCode, TimelineInput, age_rule, days,
    first,
};
use crate::domain::age::{add_months, at_age, describe_months};
use crate::domain::policy::Policy;

/// The statutory needs assessment due date for an eligible child.
/// CPPCR 2010 reg 42(1): "not more than three months after the date on which C reaches the age
/// of 16 or becomes an eligible child after that age"; the policy may only shorten the 3 months.
pub fn needs_assessment_due(dob: NaiveDate, eligibility: NaiveDate, policy: &Policy) -> NaiveDate {
    let months = policy.assessment_months_after_16;
    at_age(dob, 16, months).max(add_months(eligibility, months))
}

/// PA_ALLOCATED, NEEDS_ASSESSMENT and PATHWAY_PLAN for a young person eligible on `elig`.
pub(super) fn drafts(input: &TimelineInput, facts: &Facts, elig: NaiveDate) -> [Draft; 3] {
    let assessment = needs_assessment(input, facts, elig);
    let plan = pathway_plan(input.policy, facts, assessment.due);
    [pa_allocated(input, facts, elig), assessment, plan]
}

/// PA_ALLOCATED: policy age, or 20 working days after a later eligibility.
/// CA 1989 Sch 2 para 19C; s.23B(2). "Later" means after both the policy age and the 16th
/// birthday: a policy earlier than 16 (Barnet's 15y6m) is kept for a child who becomes
/// eligible on the 16th birthday, and the late-eligibility rule only applies to children
/// who become eligible after 16.
fn pa_allocated(input: &TimelineInput, facts: &Facts, elig: NaiveDate) -> Draft {
    let p = input.policy;
    let dob = input.history.dob;
    let policy_pa = at_age(dob, 0, p.pa_allocation_age_months);
    let (pa_due, pa_rule) = if elig > policy_pa.max(at_age(dob, 16, 0)) {
        (
            input
                .holidays
                .add_working_days(elig, LATE_ELIGIBILITY_PA_WORKING_DAYS),
            format!(
                "{LATE_ELIGIBILITY_PA_WORKING_DAYS} working days after becoming eligible on {elig} (later than the policy age of {})",
                describe_months(p.pa_allocation_age_months)
            ),
        )
    } else {
        (
            policy_pa,
            age_rule(
                dob,
                p.pa_allocation_age_months,
                "local policy age for allocating a personal adviser",
            ),
        )
    };
    Draft {
        code: MilestoneCode::PaAllocated,
        due: pa_due,
        done_on: first(&facts.pa_allocated),
        rule: pa_rule,
        source: "CA 1989 Sch 2 para 19C; s.23B(2)",
    }
}

/// NEEDS_ASSESSMENT: CPPCR 2010 reg 42(1).
fn needs_assessment(input: &TimelineInput, facts: &Facts, elig: NaiveDate) -> Draft {
    let p = input.policy;
    let dob = input.history.dob;
    let months = p.assessment_months_after_16;
    let at_16 = at_age(dob, 16, months);
    let assess_due = needs_assessment_due(dob, elig, p);
    let assess_rule = if assess_due > at_16 {
        format!(
            "{} after becoming eligible on {elig} (later than {} (born {dob}))",
            describe_months(months),
            describe_months(16 * 12 + months)
        )
    } else {
        format!(
            "{} (born {dob}); eligible on {elig}",
            describe_months(16 * 12 + months)
        )
    };
    Draft {
        code: MilestoneCode::NeedsAssessment,
        due: assess_due,
        done_on: first(&facts.assessments),
        rule: assess_rule,
        source: "CPPCR 2010 reg 42(1)",
    }
}

/// PATHWAY_PLAN: CPPCR 2010 reg 43, "as soon as possible" after the assessment, capped at
/// the assessment's due date + plan days.
fn pathway_plan(p: &Policy, facts: &Facts, assess_due: NaiveDate) -> Draft {
    let assessment_done = first(&facts.assessments);
    let plan_days = days(p.plan_days_after_assessment);
    let cap = assess_due + plan_days;
    let (plan_due, plan_rule) = match assessment_done {
        Some(a) if a + plan_days < cap => (
            a + plan_days,
            format!(
                "{} days after the needs assessment completed on {a}",
                p.plan_days_after_assessment
            ),
        ),
        _ => (
            cap,
            format!(
                "{} days after the needs assessment due date {assess_due}",
                p.plan_days_after_assessment
            ),
        ),
    };
    Draft {
        code: MilestoneCode::PathwayPlan,
        due: plan_due,
        done_on: first(&facts.plans_approved),
        rule: plan_rule,
        source: "CPPCR 2010 reg 43",
    }
}
