//! The milestones that get a young person ready to live on their own: the housing plan, money
//! readiness and the 18th birthday's staying put decision.

use crate::domain::age::at_age;

use super::{Draft, Facts, MilestoneCode, TimelineInput, age_rule, first};

/// HOUSING_PLAN, MONEY_READY and TURNING_18.
pub(super) fn drafts(input: &TimelineInput, facts: &Facts) -> [Draft; 3] {
    let p = input.policy;
    let dob = input.history.dob;
    [
        // HOUSING_PLAN, MONEY_READY: local policy (Barnet findings).
        Draft {
            code: MilestoneCode::HousingPlan,
            due: at_age(dob, 0, p.housing_plan_age_months),
            done_on: first(&facts.housing),
            rule: age_rule(
                dob,
                p.housing_plan_age_months,
                "local policy age for the housing plan",
            ),
            source: "Local policy; CLR 2010 Sch 1 item 5, Sch 2",
        },
        Draft {
            code: MilestoneCode::MoneyReady,
            due: at_age(dob, 0, p.money_ready_age_months),
            done_on: first(&facts.money),
            rule: age_rule(
                dob,
                p.money_ready_age_months,
                "local policy age for money readiness",
            ),
            source: "Local policy (local offer)",
        },
        // TURNING_18: CA 1989 s.23C, s.23CZA.
        Draft {
            code: MilestoneCode::Turning18,
            due: at_age(dob, 18, 0),
            done_on: first(&facts.staying_put),
            rule: format!(
                "18th birthday (born {dob}); done when the staying put decision is recorded"
            ),
            source: "CA 1989 s.23C, s.23CZA",
        },
    ]
}
