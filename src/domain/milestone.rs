//! The milestones a young person's timeline tracks (RULES.md section 2): their codes, what each
//! asks to be done, and whether law or local policy sets its date. Apart from the engine
//! (`timeline`) so that local policy (`policy`) can name them without the two importing each other.

use serde::{Deserialize, Serialize};

/// The milestones the engine tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MilestoneCode {
    PaAllocated,
    NeedsAssessment,
    PathwayPlan,
    HousingPlan,
    MoneyReady,
    #[serde(rename = "TURNING_18")]
    Turning18,
    PlanReview,
    AssessmentUpdate,
    PaVisit,
    PaContact,
    ReturnInterview,
    #[serde(rename = "OC3_RECORD")]
    Oc3Record,
    DutiesEnd,
}

impl MilestoneCode {
    pub const ALL: [MilestoneCode; 13] = [
        MilestoneCode::PaAllocated,
        MilestoneCode::NeedsAssessment,
        MilestoneCode::PathwayPlan,
        MilestoneCode::HousingPlan,
        MilestoneCode::MoneyReady,
        MilestoneCode::Turning18,
        MilestoneCode::PlanReview,
        MilestoneCode::AssessmentUpdate,
        MilestoneCode::PaVisit,
        MilestoneCode::PaContact,
        MilestoneCode::ReturnInterview,
        MilestoneCode::Oc3Record,
        MilestoneCode::DutiesEnd,
    ];

    /// Stable code, the same as the serde name.
    pub fn code(&self) -> &'static str {
        match self {
            MilestoneCode::PaAllocated => "PA_ALLOCATED",
            MilestoneCode::NeedsAssessment => "NEEDS_ASSESSMENT",
            MilestoneCode::PathwayPlan => "PATHWAY_PLAN",
            MilestoneCode::HousingPlan => "HOUSING_PLAN",
            MilestoneCode::MoneyReady => "MONEY_READY",
            MilestoneCode::Turning18 => "TURNING_18",
            MilestoneCode::PlanReview => "PLAN_REVIEW",
            MilestoneCode::AssessmentUpdate => "ASSESSMENT_UPDATE",
            MilestoneCode::PaVisit => "PA_VISIT",
            MilestoneCode::PaContact => "PA_CONTACT",
            MilestoneCode::ReturnInterview => "RETURN_INTERVIEW",
            MilestoneCode::Oc3Record => "OC3_RECORD",
            MilestoneCode::DutiesEnd => "DUTIES_END",
        }
    }

    /// Parses a [`MilestoneCode::code`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    /// What is to be done, named as an action ("Get the pathway plan approved", never
    /// "Pathway plan approved", which reads as done): in emails, lists and the timeline.
    pub fn title(&self) -> &'static str {
        match self {
            MilestoneCode::PaAllocated => "Allocate a personal adviser",
            MilestoneCode::NeedsAssessment => "Complete the needs assessment",
            MilestoneCode::PathwayPlan => "Get the pathway plan approved",
            MilestoneCode::HousingPlan => "Agree the housing plan for 18",
            MilestoneCode::MoneyReady => "Get money ready (bank account, NI number, ID, benefits)",
            MilestoneCode::Turning18 => "Settle staying put before 18",
            MilestoneCode::PlanReview => "Review the pathway plan",
            MilestoneCode::AssessmentUpdate => "Update the needs assessment after a change",
            MilestoneCode::PaVisit => "Visit them in authority accommodation",
            MilestoneCode::PaContact => "Be in touch (personal adviser contact)",
            MilestoneCode::ReturnInterview => "Offer a return home interview",
            MilestoneCode::Oc3Record => "Record the OC3 care-leaver data",
            MilestoneCode::DutiesEnd => "Prepare for leaving-care duties ending",
        }
    }

    /// Whether the date is set by law (a manager may not override it). PA_ALLOCATED is a
    /// statutory duty with a policy date (REFERENCE.md 1.3 T5: no statutory deadline), so its
    /// date is policy.
    pub fn is_statutory(&self) -> bool {
        !matches!(
            self,
            MilestoneCode::PaAllocated
                | MilestoneCode::HousingPlan
                | MilestoneCode::MoneyReady
                | MilestoneCode::AssessmentUpdate
                | MilestoneCode::PaContact
        )
    }

    /// The statutory source that forbids overriding this milestone.
    pub(crate) fn statutory_source(&self) -> &'static str {
        match self {
            MilestoneCode::NeedsAssessment => "CPPCR 2010 reg 42(1)",
            MilestoneCode::PathwayPlan => "CPPCR 2010 reg 43",
            MilestoneCode::Turning18 => "CA 1989 s.23C, s.23CZA",
            MilestoneCode::PlanReview => {
                "CA 1989 Sch 2 para 19B(5)-(6); CPPCR 2010 reg 33; CLR 2010 reg 7"
            }
            MilestoneCode::PaVisit => "CLR 2010 reg 8(2)",
            MilestoneCode::ReturnInterview => {
                "DfE statutory guidance on children who go missing (2014)"
            }
            MilestoneCode::Oc3Record => "SSDA903 OC3 return",
            MilestoneCode::DutiesEnd => "CA 1989 s.23C(6)-(7), s.23CA, s.23CZB, s.24",
            MilestoneCode::PaAllocated
            | MilestoneCode::HousingPlan
            | MilestoneCode::MoneyReady
            | MilestoneCode::AssessmentUpdate
            | MilestoneCode::PaContact => "",
        }
    }
}
