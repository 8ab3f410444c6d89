//! Local policy settings and their statutory limits (RULES.md sections 2-3).
//!
//! An authority may be stricter than the law, never looser: [`Policy::validate`] refuses any
//! setting that would relax a statutory rule, naming the rule.

use super::milestone::MilestoneCode;

/// Local settings. Months are calendar months from the date of birth or the previous event
/// (see [`super::age::add_months`]); days are calendar days unless named working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Age in months by which a personal adviser is allocated (default 16y0m; statutory limit
    /// 16y0m: CA 1989 Sch 2 para 19C, every eligible child has a PA, eligibility starts at 16).
    pub pa_allocation_age_months: u32,
    /// Months after the 16th birthday (or eligibility) for the needs assessment (max 3:
    /// CPPCR 2010 reg 42(1)).
    pub assessment_months_after_16: u32,
    /// Days from the needs assessment to the approved pathway plan (max 28 here: CPPCR 2010
    /// reg 43 "as soon as possible").
    pub plan_days_after_assessment: u32,
    /// Age in months for the housing plan (policy, default 17y0m).
    pub housing_plan_age_months: u32,
    /// Age in months for money readiness (policy, default 17y6m).
    pub money_ready_age_months: u32,
    /// Months between pathway plan reviews (max 6: CLR 2010 reg 7; CPPCR 2010 reg 33).
    pub review_interval_months: u32,
    /// Days from a recorded change of circumstances to a plan review (policy, default 28).
    pub change_review_days: u32,
    /// Days from the young person's request to a plan review (policy, default 28).
    pub request_review_days: u32,
    /// Days from a change of circumstances to the updated needs assessment (policy, default 28).
    pub assessment_update_days: u32,
    /// Months between personal adviser contacts (policy, default 2).
    pub pa_contact_interval_months: u32,
    /// Days from authority accommodation first being provided to the first PA visit
    /// (max 7: CLR 2010 reg 8(2)(a)).
    pub pa_visit_first_days: u32,
    /// Months between PA visits in authority accommodation (max 2: CLR 2010 reg 8(2)(c)).
    pub pa_visit_interval_months: u32,
    /// Hours from return to the return home interview (max 72: DfE missing children guidance
    /// 2014).
    pub return_interview_hours: u32,
    /// Days before the due date at which a milestone shows as due soon (policy, default 14).
    pub due_soon_days: u32,
    /// Working days overdue after which a milestone escalates to the manager (policy, default 5).
    pub escalation_working_days: u32,
    /// OC3 window: months before the birthday (default 3; SSDA903 window unverified).
    pub oc3_window_before_months: u32,
    /// OC3 window: months after the birthday; the OC3 record is due at the end of the window
    /// (default 1; SSDA903 window unverified).
    pub oc3_window_after_months: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            pa_allocation_age_months: 16 * 12,
            assessment_months_after_16: 3,
            plan_days_after_assessment: 28,
            housing_plan_age_months: 17 * 12,
            money_ready_age_months: 17 * 12 + 6,
            review_interval_months: 6,
            change_review_days: 28,
            request_review_days: 28,
            assessment_update_days: 28,
            pa_contact_interval_months: 2,
            pa_visit_first_days: 7,
            pa_visit_interval_months: 2,
            return_interview_hours: 72,
            due_soon_days: 14,
            escalation_working_days: 5,
            oc3_window_before_months: 3,
            oc3_window_after_months: 1,
        }
    }
}

/// A setting that the service must refuse at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The milestone the setting drives; `None` for settings that apply to every milestone
    /// (`due_soon_days`, `escalation_working_days`).
    pub code: Option<MilestoneCode>,
    /// The field name, e.g. `assessment_months_after_16`.
    pub setting: &'static str,
    pub message: String,
}

/// A statutory upper limit on a setting.
struct Limit {
    setting: &'static str,
    code: MilestoneCode,
    max: u32,
    rule: &'static str,
}

/// The statutory upper limits: a setting above its limit would relax the law.
const LIMITS: &[Limit] = &[
    Limit {
        setting: "pa_allocation_age_months",
        code: MilestoneCode::PaAllocated,
        max: 16 * 12,
        rule: "CA 1989 Sch 2 para 19C: every eligible child has a personal adviser, and a child can be eligible from the 16th birthday (192 months)",
    },
    Limit {
        setting: "assessment_months_after_16",
        code: MilestoneCode::NeedsAssessment,
        max: 3,
        rule: "CPPCR 2010 reg 42(1): the needs assessment is due within 3 months of the 16th birthday",
    },
    Limit {
        setting: "plan_days_after_assessment",
        code: MilestoneCode::PathwayPlan,
        max: 28,
        rule: "CPPCR 2010 reg 43: the pathway plan is prepared as soon as possible after the assessment (at most 28 days)",
    },
    Limit {
        setting: "review_interval_months",
        code: MilestoneCode::PlanReview,
        max: 6,
        rule: "CLR 2010 reg 7 and CPPCR 2010 reg 33: the pathway plan is reviewed at least every 6 months",
    },
    Limit {
        setting: "pa_visit_first_days",
        code: MilestoneCode::PaVisit,
        max: 7,
        rule: "CLR 2010 reg 8(2)(a): the personal adviser visits within 7 days of authority accommodation first being provided",
    },
    Limit {
        setting: "pa_visit_interval_months",
        code: MilestoneCode::PaVisit,
        max: 2,
        rule: "CLR 2010 reg 8(2)(c): the personal adviser visits authority accommodation at least every 2 months",
    },
    Limit {
        setting: "return_interview_hours",
        code: MilestoneCode::ReturnInterview,
        max: 72,
        rule: "DfE statutory guidance on children who go missing (2014): the return home interview is within 72 hours of return",
    },
];

/// The milestone a setting sets the date of.
fn milestone_of(setting: &str) -> Option<MilestoneCode> {
    match setting {
        "pa_allocation_age_months" => Some(MilestoneCode::PaAllocated),
        "assessment_months_after_16" => Some(MilestoneCode::NeedsAssessment),
        "plan_days_after_assessment" => Some(MilestoneCode::PathwayPlan),
        "housing_plan_age_months" => Some(MilestoneCode::HousingPlan),
        "money_ready_age_months" => Some(MilestoneCode::MoneyReady),
        "review_interval_months" | "change_review_days" | "request_review_days" => {
            Some(MilestoneCode::PlanReview)
        }
        "assessment_update_days" => Some(MilestoneCode::AssessmentUpdate),
        "pa_contact_interval_months" => Some(MilestoneCode::PaContact),
        "pa_visit_first_days" | "pa_visit_interval_months" => Some(MilestoneCode::PaVisit),
        "return_interview_hours" => Some(MilestoneCode::ReturnInterview),
        "oc3_window_before_months" | "oc3_window_after_months" => Some(MilestoneCode::Oc3Record),
        _ => None,
    }
}

impl Policy {
    /// Names of every setting, in declaration order.
    pub const FIELD_NAMES: [&'static str; 17] = [
        "pa_allocation_age_months",
        "assessment_months_after_16",
        "plan_days_after_assessment",
        "housing_plan_age_months",
        "money_ready_age_months",
        "review_interval_months",
        "change_review_days",
        "request_review_days",
        "assessment_update_days",
        "pa_contact_interval_months",
        "pa_visit_first_days",
        "pa_visit_interval_months",
        "return_interview_hours",
        "due_soon_days",
        "escalation_working_days",
        "oc3_window_before_months",
        "oc3_window_after_months",
    ];

    fn fields_mut(&mut self) -> [(&'static str, &mut u32); 17] {
        [
            (
                "pa_allocation_age_months",
                &mut self.pa_allocation_age_months,
            ),
            (
                "assessment_months_after_16",
                &mut self.assessment_months_after_16,
            ),
            (
                "plan_days_after_assessment",
                &mut self.plan_days_after_assessment,
            ),
            ("housing_plan_age_months", &mut self.housing_plan_age_months),
            ("money_ready_age_months", &mut self.money_ready_age_months),
            ("review_interval_months", &mut self.review_interval_months),
            ("change_review_days", &mut self.change_review_days),
            ("request_review_days", &mut self.request_review_days),
            ("assessment_update_days", &mut self.assessment_update_days),
            (
                "pa_contact_interval_months",
                &mut self.pa_contact_interval_months,
            ),
            ("pa_visit_first_days", &mut self.pa_visit_first_days),
            (
                "pa_visit_interval_months",
                &mut self.pa_visit_interval_months,
            ),
            ("return_interview_hours", &mut self.return_interview_hours),
            ("due_soon_days", &mut self.due_soon_days),
            ("escalation_working_days", &mut self.escalation_working_days),
            (
                "oc3_window_before_months",
                &mut self.oc3_window_before_months,
            ),
            ("oc3_window_after_months", &mut self.oc3_window_after_months),
        ]
    }

    /// Every setting with its value, in declaration order.
    pub fn fields(&self) -> [(&'static str, u32); 17] {
        [
            ("pa_allocation_age_months", self.pa_allocation_age_months),
            (
                "assessment_months_after_16",
                self.assessment_months_after_16,
            ),
            (
                "plan_days_after_assessment",
                self.plan_days_after_assessment,
            ),
            ("housing_plan_age_months", self.housing_plan_age_months),
            ("money_ready_age_months", self.money_ready_age_months),
            ("review_interval_months", self.review_interval_months),
            ("change_review_days", self.change_review_days),
            ("request_review_days", self.request_review_days),
            ("assessment_update_days", self.assessment_update_days),
            (
                "pa_contact_interval_months",
                self.pa_contact_interval_months,
            ),
            ("pa_visit_first_days", self.pa_visit_first_days),
            ("pa_visit_interval_months", self.pa_visit_interval_months),
            ("return_interview_hours", self.return_interview_hours),
            ("due_soon_days", self.due_soon_days),
            ("escalation_working_days", self.escalation_working_days),
            ("oc3_window_before_months", self.oc3_window_before_months),
            ("oc3_window_after_months", self.oc3_window_after_months),
        ]
    }

    fn value(&self, setting: &str) -> Option<u32> {
        self.fields()
            .into_iter()
            .find(|(name, _)| *name == setting)
            .map(|(_, v)| v)
    }

    /// The environment variable for a setting: `POLICY_` + the upper-case field name.
    pub fn env_name(setting: &str) -> String {
        format!("POLICY_{}", setting.to_ascii_uppercase())
    }

    /// Checks every setting. Statutory settings may be stricter (smaller) than the law, never
    /// looser; every setting must be greater than zero, except the two OC3 window widths,
    /// which may be zero but together must stay under 12 months so that yearly windows never
    /// overlap.
    pub fn validate(&self) -> Result<(), Vec<PolicyError>> {
        let mut errors = Vec::new();
        for limit in LIMITS {
            let value = self.value(limit.setting).unwrap_or(0);
            if value > limit.max {
                errors.push(PolicyError {
                    code: Some(limit.code),
                    setting: limit.setting,
                    message: format!("{} = {} would relax {}", limit.setting, value, limit.rule),
                });
            }
        }
        for setting in Self::FIELD_NAMES {
            let may_be_zero = setting.starts_with("oc3_window");
            if !may_be_zero && self.value(setting) == Some(0) {
                errors.push(PolicyError {
                    code: milestone_of(setting),
                    setting,
                    message: format!("{setting} = 0 is not allowed: it must be greater than 0"),
                });
            }
        }
        let window = self
            .oc3_window_before_months
            .saturating_add(self.oc3_window_after_months);
        if window >= 12 {
            errors.push(PolicyError {
                code: Some(MilestoneCode::Oc3Record),
                setting: "oc3_window_before_months",
                message: format!(
                    "oc3_window_before_months + oc3_window_after_months = {window}: the SSDA903 OC3 window around each birthday must be shorter than 12 months"
                ),
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Reads settings through `get` (e.g. `|k| std::env::var(k).ok()`) under the names
    /// `POLICY_<FIELD>`; missing names keep their defaults. Refuses values that are not whole
    /// numbers (naming the variable) and then any setting that [`Policy::validate`] refuses,
    /// with all the messages joined into one.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Policy, String> {
        let mut policy = Policy::default();
        let mut problems = Vec::new();
        for (name, slot) in policy.fields_mut() {
            let var = Self::env_name(name);
            if let Some(raw) = get(&var) {
                match raw.trim().parse::<u32>() {
                    Ok(v) => *slot = v,
                    Err(_) => problems.push(format!(
                        "{var} must be a whole number (0 or more), got '{}'",
                        raw.trim()
                    )),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        policy.validate().map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    format!(
                        "{} ({}): {}",
                        Self::env_name(e.setting),
                        code_text(e.code),
                        e.message
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        Ok(policy)
    }
}

fn code_text(code: Option<MilestoneCode>) -> &'static str {
    code.map_or("all milestones", |c| c.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_are_valid_and_match_rules() {
        let p = Policy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.pa_allocation_age_months, 192);
        assert_eq!(p.money_ready_age_months, 210);
        assert_eq!(Policy::from_lookup(|_| None), Ok(p));
    }

    #[test]
    fn refuses_relaxing_the_assessment_deadline() {
        let p = Policy {
            assessment_months_after_16: 4,
            ..Policy::default()
        };
        let errors = p.validate().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, Some(MilestoneCode::NeedsAssessment));
        assert_eq!(errors[0].setting, "assessment_months_after_16");
        assert_eq!(
            errors[0].message,
            "assessment_months_after_16 = 4 would relax CPPCR 2010 reg 42(1): the needs assessment is due within 3 months of the 16th birthday"
        );
    }

    #[test]
    fn each_statutory_limit_is_enforced() {
        let cases: [(&str, u32, MilestoneCode, &str); 7] = [
            (
                "pa_allocation_age_months",
                193,
                MilestoneCode::PaAllocated,
                "para 19C",
            ),
            (
                "assessment_months_after_16",
                4,
                MilestoneCode::NeedsAssessment,
                "reg 42(1)",
            ),
            (
                "plan_days_after_assessment",
                29,
                MilestoneCode::PathwayPlan,
                "reg 43",
            ),
            (
                "review_interval_months",
                7,
                MilestoneCode::PlanReview,
                "reg 7",
            ),
            (
                "pa_visit_first_days",
                8,
                MilestoneCode::PaVisit,
                "reg 8(2)(a)",
            ),
            (
                "pa_visit_interval_months",
                3,
                MilestoneCode::PaVisit,
                "reg 8(2)(c)",
            ),
            (
                "return_interview_hours",
                73,
                MilestoneCode::ReturnInterview,
                "72 hours",
            ),
        ];
        for (setting, bad, code, cite) in cases {
            let var = Policy::env_name(setting);
            let value = bad.to_string();
            let err = Policy::from_lookup(lookup(&[(var.as_str(), value.as_str())])).unwrap_err();
            assert!(err.contains(cite), "{setting}: {err}");
            assert!(err.contains(&var), "{setting}: {err}");
            assert!(err.contains(code.code()), "{setting}: {err}");
            // The limit itself and stricter values are accepted.
            let ok = (bad - 1).to_string();
            assert!(
                Policy::from_lookup(lookup(&[(var.as_str(), ok.as_str())])).is_ok(),
                "{setting}"
            );
        }
    }

    #[test]
    fn stricter_and_policy_values_accepted() {
        let p = Policy::from_lookup(lookup(&[
            ("POLICY_PA_ALLOCATION_AGE_MONTHS", "186"),
            ("POLICY_HOUSING_PLAN_AGE_MONTHS", " 200 "),
            ("POLICY_ESCALATION_WORKING_DAYS", "30"),
            ("POLICY_DUE_SOON_DAYS", "60"),
        ]))
        .unwrap();
        assert_eq!(p.pa_allocation_age_months, 186);
        assert_eq!(p.housing_plan_age_months, 200);
        assert_eq!(p.escalation_working_days, 30);
        assert_eq!(p.due_soon_days, 60);
    }

    #[test]
    fn rejects_non_numbers_and_zero() {
        let err =
            Policy::from_lookup(lookup(&[("POLICY_DUE_SOON_DAYS", "two weeks")])).unwrap_err();
        assert!(err.contains("POLICY_DUE_SOON_DAYS"), "{err}");
        assert!(err.contains("two weeks"), "{err}");
        let err =
            Policy::from_lookup(lookup(&[("POLICY_REVIEW_INTERVAL_MONTHS", "-1")])).unwrap_err();
        assert!(err.contains("POLICY_REVIEW_INTERVAL_MONTHS"), "{err}");
        let err =
            Policy::from_lookup(lookup(&[("POLICY_PA_CONTACT_INTERVAL_MONTHS", "0")])).unwrap_err();
        assert!(err.contains("greater than 0"), "{err}");
    }

    #[test]
    fn joins_several_errors() {
        let err = Policy::from_lookup(lookup(&[
            ("POLICY_ASSESSMENT_MONTHS_AFTER_16", "6"),
            ("POLICY_RETURN_INTERVIEW_HOURS", "96"),
        ]))
        .unwrap_err();
        assert!(
            err.contains("reg 42(1)") && err.contains("72 hours"),
            "{err}"
        );
        assert!(err.contains("; "), "{err}");
    }

    #[test]
    fn oc3_windows_must_not_overlap() {
        let p = Policy {
            oc3_window_before_months: 6,
            oc3_window_after_months: 6,
            ..Policy::default()
        };
        assert!(p.validate().is_err());
        let p = Policy {
            oc3_window_before_months: 0,
            ..Policy::default()
        };
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn field_names_match_fields() {
        let mut p = Policy::default();
        let names: Vec<&str> = p.fields_mut().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, Policy::FIELD_NAMES.to_vec());
        // Each name reads and writes its own field.
        for (i, (_, slot)) in p.fields_mut().into_iter().enumerate() {
            *slot = 1000 + i as u32;
        }
        for (i, (name, value)) in p.fields().into_iter().enumerate() {
            assert_eq!(name, Policy::FIELD_NAMES[i]);
            assert_eq!(value, 1000 + i as u32, "{name}");
        }
    }
}
