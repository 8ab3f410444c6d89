//! The "All about me" pathway plan: its content and the quality checks that stop a plan from
//! having the faults Ofsted found in Barnet (RULES.md section 4): missing voice, vague actions,
//! no contingency, unanalysed risk.
//!
//! Sections follow CLR 2010 Schedule 1 and CPPCR 2010 Schedule 8 (REFERENCE.md 2.1, 2.2, 6.4).
//! Each matter sets out how needs will be met and "the date by which, and by whom, any action
//! ... will be carried out" (CLR 2010 reg 6; REFERENCE.md 2.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::Validate;

use input::{
    action_status, factors, level, lines, meeting_decision, meeting_kind, one_line, section_code,
    topic,
};

/// The plan's sections, in order: (code, title, what it covers and its source).
pub const SECTIONS: &[(&str, &str, &str)] = &[
    ("about_me", "About me", "Who I am, what matters to me"),
    (
        "support",
        "My support and my personal adviser",
        "Contact and personal support, and by whom (CLR Sch 1 para 1; CPPCR Sch 8 paras 1-2)",
    ),
    (
        "where_i_live",
        "Where I live",
        "Accommodation and its suitability (CLR Sch 1 para 5, Sch 2)",
    ),
    (
        "education",
        "Education and training",
        "A detailed plan for education or training (CLR Sch 1 para 2)",
    ),
    (
        "work",
        "Work",
        "Employment or other purposeful activity (CLR Sch 1 para 3)",
    ),
    (
        "health",
        "Health and wellbeing",
        "Health needs, including mental health, and how they are met (CLR Sch 1 para 9)",
    ),
    (
        "relationships",
        "Family, friends and relationships",
        "Support to develop and sustain family and social relationships (CLR Sch 1 para 6)",
    ),
    (
        "life_skills",
        "Life skills",
        "A programme to develop the skills to live independently (CLR Sch 1 para 7)",
    ),
    (
        "money",
        "Money",
        "Financial support, including for accommodation and maintenance (CLR Sch 1 para 8)",
    ),
    (
        "identity",
        "Identity",
        "Religion, racial origin, culture and language; immigration status where it applies (CLR Sch 1 paras 10-11)",
    ),
    (
        "staying_safe",
        "Staying safe",
        "Risks, contingency and missing episodes (CLR Sch 1 para 4)",
    ),
    (
        "rights",
        "My rights and the Local Offer",
        "What I am entitled to and how to get it (CSWA 2017 s.2)",
    ),
    (
        "review",
        "Review record",
        "What has changed since the last plan",
    ),
];

pub fn section_title(code: &str) -> Option<&'static str> {
    SECTIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, t, _)| *t)
}

/// What the young person must have been told about, with the date and who told them
/// (RULES.md section 4, RIGHTS). `required` marks those the RIGHTS check needs.
pub const TOLD_ABOUT: &[(&str, &str, bool)] = &[
    ("local_offer", "The Local Offer for care leavers", true),
    ("pledge", "The Pledge", true),
    (
        "entitlements",
        "Entitlements (grants, bursaries, council tax exemption)",
        true,
    ),
    (
        "money_tools",
        "Money tools (budgeting, bank account, credit)",
        true,
    ),
    ("advocacy", "Advocacy and how to get an advocate", true),
    ("complaints", "How to complain", false),
];

/// Kinds of multi-agency meeting whose actions must be taken into the plan.
pub const MEETING_KINDS: &[(&str, &str)] = &[
    ("marac", "MARAC (multi-agency risk assessment conference)"),
    ("varp", "VARP (vulnerable adolescents at risk panel)"),
    ("exploitation", "Exploitation strategy meeting"),
    ("other", "Other multi-agency meeting"),
];

/// CLR 2010 Schedule 2 factors, as in the accommodation record.
pub const ACCOMMODATION_FACTORS: &[(&str, &str)] = &[
    ("facilities", "Facilities and services"),
    ("state_of_repair", "State of repair"),
    ("safety", "Safety"),
    ("location", "Location"),
    ("support", "Support"),
    ("tenancy", "Tenancy status"),
    (
        "financial_commitments",
        "Financial commitments and affordability",
    ),
    ("views", "The young person's views"),
    (
        "rights_understood",
        "Their understanding of their rights and responsibilities",
    ),
    (
        "funding_understood",
        "Their understanding of the funding arrangements",
    ),
];

pub const ACTION_STATUSES: &[(&str, &str)] = &[
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("stopped", "No longer needed"),
];

pub const LEVELS: &[(&str, &str)] = &[("low", "Low"), ("medium", "Medium"), ("high", "High")];

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Action {
    /// What will be done.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub what: String,
    /// Who will do it: a person or an agency.
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "one_line"))]
    #[schema(max_length = 200)]
    pub who: String,
    /// By when.
    #[serde(default)]
    pub by_when: Option<NaiveDate>,
    /// not_started | in_progress | done | stopped
    #[serde(default = "default_status")]
    #[validate(custom(function = "action_status"))]
    pub status: String,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

fn default_status() -> String {
    "not_started".into()
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Goal {
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub text: String,
    #[serde(default)]
    #[validate(
        length(max = 30, message = "A goal can have at most 30 actions"),
        nested
    )]
    #[schema(max_items = 30)]
    pub actions: Vec<Action>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Section {
    #[validate(custom(function = "section_code"))]
    pub code: String,
    /// The young person's own words.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub in_my_words: String,
    /// Why their words are not recorded, if they are not.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub no_voice_reason: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub going_well: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub worries: String,
    #[serde(default)]
    #[validate(
        length(max = 30, message = "A section can have at most 30 goals"),
        nested
    )]
    #[schema(max_items = 30)]
    pub goals: Vec<Goal>,
    /// The views of others: carer, family, professionals.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub others_views: String,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Assessment {
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub history: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub family_views: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub risk_analysis: String,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Risk {
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub description: String,
    /// low | medium | high
    #[serde(default)]
    #[validate(custom(function = "level"))]
    pub likelihood: String,
    /// low | medium | high
    #[serde(default)]
    #[validate(custom(function = "level"))]
    pub impact: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub protective_factors: String,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub mitigation: String,
    /// Plan B: what would tell us the plan is not working.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub plan_b_trigger: String,
    /// Plan B: what we will do then.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub plan_b_response: String,
    /// Plan B: who will do it.
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "one_line"))]
    #[schema(max_length = 200)]
    pub plan_b_owner: String,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct AccommodationPlan {
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub description: String,
    /// Schedule 2 factor code -> "met" | "not_met" (every factor must be answered).
    #[serde(default)]
    #[validate(custom(function = "factors"))]
    pub factors: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub temporary: bool,
    /// What happens next.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub next_steps: String,
    /// And when.
    #[serde(default)]
    pub next_steps_by: Option<NaiveDate>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct ToldAbout {
    #[validate(custom(function = "topic"))]
    pub topic: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "one_line"))]
    #[schema(max_length = 200)]
    pub by: String,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct MeetingAction {
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub text: String,
    /// pending | incorporated | declined
    #[serde(default = "default_decision")]
    #[validate(custom(function = "meeting_decision"))]
    pub decision: String,
    /// Required when declined.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub reason: String,
}

fn default_decision() -> String {
    "pending".into()
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Meeting {
    /// marac | varp | exploitation | other
    #[validate(custom(function = "meeting_kind"))]
    pub kind: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub outcomes: String,
    #[serde(default)]
    #[validate(nested)]
    pub actions: Vec<MeetingAction>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct Agreement {
    /// true: agrees; false: disagrees; none: not recorded.
    #[serde(default)]
    pub agrees: Option<bool>,
    /// Their agreement or disagreement, in their words.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub in_their_words: String,
    #[serde(default)]
    pub copy_given_on: Option<NaiveDate>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, Validate,
)]
pub struct PlanContent {
    #[serde(default)]
    #[validate(nested)]
    pub sections: Vec<Section>,
    #[serde(default)]
    #[validate(nested)]
    pub assessment: Assessment,
    #[serde(default)]
    #[validate(
        length(max = 40, message = "The risk register can have at most 40 risks"),
        nested
    )]
    #[schema(max_items = 40)]
    pub risks: Vec<Risk>,
    /// The overall contingency: what happens if the plan stops working.
    #[serde(default)]
    #[validate(length(max = 10000), custom(function = "lines"))]
    #[schema(max_length = 10000)]
    pub contingency: String,
    #[serde(default)]
    #[validate(nested)]
    pub accommodation: AccommodationPlan,
    #[serde(default)]
    #[validate(nested)]
    pub told_about: Vec<ToldAbout>,
    #[serde(default)]
    #[validate(length(max = 30, message = "At most 30 meetings"), nested)]
    #[schema(max_items = 30)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    #[validate(nested)]
    pub agreement: Agreement,
    #[serde(default)]
    pub next_review: Option<NaiveDate>,
}

impl PlanContent {
    /// An empty plan with every section present.
    pub fn empty() -> Self {
        let mut c = PlanContent::default();
        c.normalise();
        c
    }

    /// Every section present once, in order; every told-about topic present once.
    pub fn normalise(&mut self) {
        let mut sections = Vec::with_capacity(SECTIONS.len());
        for (code, _, _) in SECTIONS {
            let s = self
                .sections
                .iter()
                .find(|s| s.code == *code)
                .cloned()
                .unwrap_or_else(|| Section {
                    code: (*code).into(),
                    ..Default::default()
                });
            sections.push(s);
        }
        self.sections = sections;
        let mut told = Vec::with_capacity(TOLD_ABOUT.len());
        for (topic, _, _) in TOLD_ABOUT {
            told.push(
                self.told_about
                    .iter()
                    .find(|t| t.topic == *topic)
                    .cloned()
                    .unwrap_or_else(|| ToldAbout {
                        topic: (*topic).into(),
                        ..Default::default()
                    }),
            );
        }
        self.told_about = told;
    }

    pub fn section(&self, code: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.code == code)
    }

    pub fn action_count(&self) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.goals)
            .map(|g| g.actions.len())
            .sum()
    }
}

/// The nine checks, by RULES.md name.
mod checks;
mod compare;
mod input;

pub use checks::{CHECKS, CheckContext, CheckResult, Missing, check};
pub use compare::flatten;
pub use input::{
    InputError, MAX_ACTIONS, MAX_GOALS, MAX_MEETINGS, MAX_RISKS, MAX_SHORT, MAX_TEXT, validate,
    validate_part,
};

#[cfg(test)]
mod tests;
