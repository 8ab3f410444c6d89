//! The "All about me" pathway plan: its content and the quality checks that stop a plan from
//! having the faults Ofsted found in Barnet (RULES.md section 4): missing voice, vague actions,
//! no contingency, unanalysed risk.
//!
//! Sections follow CLR 2010 Schedule 1 and CPPCR 2010 Schedule 8 (REFERENCE.md 2.1, 2.2, 6.4).
//! Each matter sets out how needs will be met and "the date by which, and by whom, any action
//! ... will be carried out" (CLR 2010 reg 6; REFERENCE.md 2.3).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::age::add_months;

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Action {
    /// What will be done.
    #[serde(default)]
    pub what: String,
    /// Who will do it: a person or an agency.
    #[serde(default)]
    pub who: String,
    /// By when.
    #[serde(default)]
    pub by_when: Option<NaiveDate>,
    /// not_started | in_progress | done | stopped
    #[serde(default = "default_status")]
    pub status: String,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

fn default_status() -> String {
    "not_started".into()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Goal {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Section {
    pub code: String,
    /// The young person's own words.
    #[serde(default)]
    pub in_my_words: String,
    /// Why their words are not recorded, if they are not.
    #[serde(default)]
    pub no_voice_reason: String,
    #[serde(default)]
    pub going_well: String,
    #[serde(default)]
    pub worries: String,
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// The views of others: carer, family, professionals.
    #[serde(default)]
    pub others_views: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    #[serde(default)]
    pub history: String,
    #[serde(default)]
    pub family_views: String,
    #[serde(default)]
    pub risk_analysis: String,
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Risk {
    #[serde(default)]
    pub description: String,
    /// low | medium | high
    #[serde(default)]
    pub likelihood: String,
    /// low | medium | high
    #[serde(default)]
    pub impact: String,
    #[serde(default)]
    pub protective_factors: String,
    #[serde(default)]
    pub mitigation: String,
    /// Plan B: what would tell us the plan is not working.
    #[serde(default)]
    pub plan_b_trigger: String,
    /// Plan B: what we will do then.
    #[serde(default)]
    pub plan_b_response: String,
    /// Plan B: who will do it.
    #[serde(default)]
    pub plan_b_owner: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccommodationPlan {
    #[serde(default)]
    pub description: String,
    /// Schedule 2 factor code -> "met" | "not_met" (every factor must be answered).
    #[serde(default)]
    pub factors: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub temporary: bool,
    /// What happens next.
    #[serde(default)]
    pub next_steps: String,
    /// And when.
    #[serde(default)]
    pub next_steps_by: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ToldAbout {
    pub topic: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub by: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingAction {
    #[serde(default)]
    pub text: String,
    /// pending | incorporated | declined
    #[serde(default = "default_decision")]
    pub decision: String,
    /// Required when declined.
    #[serde(default)]
    pub reason: String,
}

fn default_decision() -> String {
    "pending".into()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meeting {
    /// marac | varp | exploitation | other
    pub kind: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub outcomes: String,
    #[serde(default)]
    pub actions: Vec<MeetingAction>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    /// true: agrees; false: disagrees; none: not recorded.
    #[serde(default)]
    pub agrees: Option<bool>,
    /// Their agreement or disagreement, in their words.
    #[serde(default)]
    pub in_their_words: String,
    #[serde(default)]
    pub copy_given_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanContent {
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub assessment: Assessment,
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// The overall contingency: what happens if the plan stops working.
    #[serde(default)]
    pub contingency: String,
    #[serde(default)]
    pub accommodation: AccommodationPlan,
    #[serde(default)]
    pub told_about: Vec<ToldAbout>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
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
pub const CHECKS: &[(&str, &str)] = &[
    ("VOICE", "The young person's own words in every section"),
    (
        "SMART",
        "Every goal has an action with what, who and by when",
    ),
    (
        "CONTINGENCY",
        "Every risk has a Plan B, and the plan has an overall contingency",
    ),
    (
        "ASSESSMENT",
        "The needs assessment records history, family and carer views and an analysis of risk",
    ),
    (
        "ACCOMMODATION",
        "Accommodation assessed against every CLR Schedule 2 factor",
    ),
    (
        "MEETINGS",
        "Actions from multi-agency meetings incorporated or declined with a reason",
    ),
    (
        "RIGHTS",
        "Told about the Local Offer, the Pledge, entitlements, money tools and advocacy",
    ),
    (
        "AGREEMENT",
        "Their agreement or disagreement recorded and a copy given",
    ),
    (
        "NEXT_REVIEW",
        "The next review is set within the statutory interval",
    ),
];

/// Something a check found missing, with the part of the plan to fix it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Missing {
    pub message: String,
    /// The part of the plan to edit: a section code, or assessment, risks, accommodation,
    /// rights, meetings, agreement.
    pub part: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CheckResult {
    /// VOICE, SMART, CONTINGENCY, ASSESSMENT, ACCOMMODATION, MEETINGS, RIGHTS, AGREEMENT, NEXT_REVIEW
    pub check: String,
    pub title: String,
    pub passed: bool,
    pub missing: Vec<Missing>,
}

/// What the checks need besides the plan itself.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext {
    /// The date the checks are run for (today).
    pub today: NaiveDate,
    /// The longest allowed interval to the next review, in months: 6 normally (CLR 2010 reg 7;
    /// CPPCR 2010 reg 33), 3 for a relevant child in authority accommodation (CLR reg 7(3)).
    pub review_interval_months: u32,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn miss(out: &mut Vec<Missing>, part: &str, message: String) {
    out.push(Missing {
        message,
        part: part.into(),
    });
}

/// Runs every quality check (RULES.md section 4).
pub fn check(plan: &PlanContent, ctx: &CheckContext) -> Vec<CheckResult> {
    let mut plan = plan.clone();
    plan.normalise();
    let title = |code: &str| section_title(code).unwrap_or("Section");
    let mut results = vec![];
    let mut push = |code: &str, missing: Vec<Missing>| {
        results.push(CheckResult {
            check: code.into(),
            title: CHECKS
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, t)| (*t).to_string())
                .unwrap_or_default(),
            passed: missing.is_empty(),
            missing,
        });
    };

    // VOICE: "their voices and views are not clearly represented".
    let mut m = vec![];
    for s in &plan.sections {
        if blank(&s.in_my_words) && blank(&s.no_voice_reason) {
            miss(
                &mut m,
                &s.code,
                format!(
                    "{}: the young person's own words, or why they are not recorded",
                    title(&s.code)
                ),
            );
        }
    }
    push("VOICE", m);

    // SMART: "actions ... insufficiently detailed".
    let mut m = vec![];
    let goals: usize = plan
        .sections
        .iter()
        .map(|s| s.goals.iter().filter(|g| !blank(&g.text)).count())
        .sum();
    if goals == 0 {
        miss(
            &mut m,
            "about_me",
            "At least one goal, in any section".into(),
        );
    }
    for s in &plan.sections {
        for g in s.goals.iter().filter(|g| !blank(&g.text)) {
            let complete = g
                .actions
                .iter()
                .any(|a| !blank(&a.what) && !blank(&a.who) && a.by_when.is_some());
            if !complete {
                miss(
                    &mut m,
                    &s.code,
                    format!(
                        "{}: the goal \"{}\" needs an action with what, who and by when",
                        title(&s.code),
                        short(&g.text)
                    ),
                );
            }
            for a in g.actions.iter().filter(|a| !blank(&a.what)) {
                if blank(&a.who) || a.by_when.is_none() {
                    miss(
                        &mut m,
                        &s.code,
                        format!(
                            "{}: the action \"{}\" needs who and by when",
                            title(&s.code),
                            short(&a.what)
                        ),
                    );
                }
            }
        }
    }
    push("SMART", m);

    // CONTINGENCY: "risks ... including appropriate contingency planning, are not fully identified".
    let mut m = vec![];
    let risks: Vec<&Risk> = plan
        .risks
        .iter()
        .filter(|r| !blank(&r.description))
        .collect();
    if risks.is_empty() {
        miss(
            &mut m,
            "risks",
            "At least one risk in the risk register".into(),
        );
    }
    for r in &risks {
        let mut parts = vec![];
        if blank(&r.plan_b_trigger) {
            parts.push("trigger");
        }
        if blank(&r.plan_b_response) {
            parts.push("response");
        }
        if blank(&r.plan_b_owner) {
            parts.push("owner");
        }
        if !parts.is_empty() {
            miss(
                &mut m,
                "risks",
                format!(
                    "The risk \"{}\" needs a Plan B {}",
                    short(&r.description),
                    parts.join(", ")
                ),
            );
        }
    }
    if blank(&plan.contingency) {
        miss(&mut m, "risks", "The overall contingency plan".into());
    }
    push("CONTINGENCY", m);

    // ASSESSMENT: CPPCR 2010 reg 42(2).
    let mut m = vec![];
    let a = &plan.assessment;
    if blank(&a.history) {
        miss(
            &mut m,
            "assessment",
            "The needs assessment's history".into(),
        );
    }
    if blank(&a.family_views) {
        miss(
            &mut m,
            "assessment",
            "The views of family and carers".into(),
        );
    }
    if blank(&a.risk_analysis) {
        miss(&mut m, "assessment", "The analysis of risk".into());
    }
    if a.completed_on.is_none() {
        miss(
            &mut m,
            "assessment",
            "The date the assessment was completed".into(),
        );
    }
    push("ASSESSMENT", m);

    // ACCOMMODATION: CLR 2010 Schedule 2.
    let mut m = vec![];
    let acc = &plan.accommodation;
    if blank(&acc.description) {
        miss(
            &mut m,
            "accommodation",
            "Where the young person lives or will live".into(),
        );
    }
    for (code, label) in ACCOMMODATION_FACTORS {
        if !matches!(
            acc.factors.get(*code).map(String::as_str),
            Some("met" | "not_met")
        ) {
            miss(&mut m, "accommodation", format!("Suitability: {label}"));
        }
    }
    if acc.temporary && (blank(&acc.next_steps) || acc.next_steps_by.is_none()) {
        miss(
            &mut m,
            "accommodation",
            "Temporary accommodation: what happens next and by when".into(),
        );
    }
    push("ACCOMMODATION", m);

    // MEETINGS: Ofsted 2019 recommendations.
    let mut m = vec![];
    for mt in &plan.meetings {
        let name = MEETING_KINDS
            .iter()
            .find(|(k, _)| *k == mt.kind)
            .map(|(_, l)| *l)
            .unwrap_or("Meeting");
        let when = mt.date.map(|d| format!(" on {d}")).unwrap_or_default();
        for act in mt.actions.iter().filter(|a| !blank(&a.text)) {
            match act.decision.as_str() {
                "incorporated" => {}
                "declined" if !blank(&act.reason) => {}
                "declined" => miss(
                    &mut m,
                    "meetings",
                    format!(
                        "{name}{when}: the reason for declining \"{}\"",
                        short(&act.text)
                    ),
                ),
                _ => miss(
                    &mut m,
                    "meetings",
                    format!(
                        "{name}{when}: incorporate or decline \"{}\"",
                        short(&act.text)
                    ),
                ),
            }
        }
    }
    push("MEETINGS", m);

    // RIGHTS: CSWA 2017 s.2.
    let mut m = vec![];
    for (topic, label, required) in TOLD_ABOUT {
        if !required {
            continue;
        }
        let t = plan.told_about.iter().find(|t| t.topic == *topic);
        if !t.is_some_and(|t| t.date.is_some() && !blank(&t.by)) {
            miss(
                &mut m,
                "rights",
                format!("{label}: when they were told, and by whom"),
            );
        }
    }
    push("RIGHTS", m);

    // AGREEMENT: CLR 2010 reg 4.
    let mut m = vec![];
    let ag = &plan.agreement;
    if ag.agrees.is_none() {
        miss(
            &mut m,
            "agreement",
            "Whether the young person agrees with the plan".into(),
        );
    }
    if blank(&ag.in_their_words) {
        miss(
            &mut m,
            "agreement",
            "Their agreement or disagreement in their own words".into(),
        );
    }
    if ag.copy_given_on.is_none() {
        miss(
            &mut m,
            "agreement",
            "The date they were given a copy".into(),
        );
    }
    push("AGREEMENT", m);

    // NEXT_REVIEW: CLR 2010 reg 7; CPPCR 2010 reg 33.
    let mut m = vec![];
    let latest = add_months(ctx.today, ctx.review_interval_months);
    match plan.next_review {
        None => miss(&mut m, "agreement", "The date of the next review".into()),
        Some(d) if d <= ctx.today => miss(
            &mut m,
            "agreement",
            "The next review must be after today".into(),
        ),
        Some(d) if d > latest => miss(
            &mut m,
            "agreement",
            format!(
                "The next review must be no later than {latest} ({} months)",
                ctx.review_interval_months
            ),
        ),
        Some(_) => {}
    }
    push("NEXT_REVIEW", m);
    results
}

fn short(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(57).collect::<String>())
    } else {
        t.to_string()
    }
}

/// A field-level problem found when saving (not a quality check: bad input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

/// The longest text accepted in one field.
pub const MAX_TEXT: usize = 10_000;
pub const MAX_SHORT: usize = 200;
pub const MAX_GOALS: usize = 30;
pub const MAX_ACTIONS: usize = 30;
pub const MAX_RISKS: usize = 40;
pub const MAX_MEETINGS: usize = 30;

/// Checks limits and dates against each other. `plan_started` is the day the draft was begun:
/// no action may be due before it.
pub fn validate(plan: &PlanContent, plan_started: NaiveDate) -> Vec<InputError> {
    validate_part(plan, None, plan_started)
}

/// `validate` for one part of the plan as edited on one page (a section code, `risks`,
/// `accommodation`, `meetings` or `rights`), or the whole plan with `None`. Field names are
/// those of the part's page, so they only mean something within one part.
pub fn validate_part(
    plan: &PlanContent,
    part: Option<&str>,
    plan_started: NaiveDate,
) -> Vec<InputError> {
    let in_part = |p: &str| part.is_none_or(|x| x == p);
    let mut e = vec![];
    let mut err = |field: String, message: String| e.push(InputError { field, message });
    let long = |s: &str, max: usize| s.chars().count() > max;
    for s in plan.sections.iter().filter(|s| in_part(&s.code)) {
        if section_title(&s.code).is_none() {
            err(
                format!("sections.{}", s.code),
                format!("{} is not a section of the plan", s.code),
            );
            continue;
        }
        for (name, v) in [
            ("in_my_words", &s.in_my_words),
            ("no_voice_reason", &s.no_voice_reason),
            ("going_well", &s.going_well),
            ("worries", &s.worries),
            ("others_views", &s.others_views),
        ] {
            if long(v, MAX_TEXT) {
                err(
                    name.into(),
                    format!("This must be {MAX_TEXT} characters or fewer"),
                );
            }
        }
        if s.goals.len() > MAX_GOALS {
            err(
                "goals".into(),
                format!("A section can have at most {MAX_GOALS} goals"),
            );
        }
        for (gi, g) in s.goals.iter().enumerate() {
            if long(&g.text, MAX_TEXT) {
                err(
                    format!("goal_{gi}_text"),
                    format!("A goal must be {MAX_TEXT} characters or fewer"),
                );
            }
            if g.actions.len() > MAX_ACTIONS {
                err(
                    format!("goal_{gi}_text"),
                    format!("A goal can have at most {MAX_ACTIONS} actions"),
                );
            }
            for (ai, a) in g.actions.iter().enumerate() {
                let f = |n: &str| format!("act_{gi}_{ai}_{n}");
                if long(&a.what, MAX_TEXT) {
                    err(
                        f("what"),
                        format!("What must be {MAX_TEXT} characters or fewer"),
                    );
                }
                if long(&a.who, MAX_SHORT) {
                    err(
                        f("who"),
                        format!("Who must be {MAX_SHORT} characters or fewer"),
                    );
                }
                if !ACTION_STATUSES.iter().any(|(c, _)| *c == a.status) {
                    err(f("status"), "Choose the action's status".into());
                }
                if let Some(d) = a.by_when
                    && d < plan_started
                {
                    err(
                        f("by"),
                        format!(
                            "By when must be on or after {plan_started}, when this plan was started"
                        ),
                    );
                }
                if a.completed_on.is_some() && a.status != "done" {
                    err(f("done"), "A completion date needs the status Done".into());
                }
                if let (Some(done), Some(by)) = (a.completed_on, a.by_when)
                    && done < plan_started.min(by)
                {
                    err(
                        f("done"),
                        "The completion date cannot be before the plan started".into(),
                    );
                }
            }
        }
    }
    if in_part("risks") && plan.risks.len() > MAX_RISKS {
        err(
            "risks".into(),
            format!("The risk register can have at most {MAX_RISKS} risks"),
        );
    }
    for (i, r) in plan.risks.iter().enumerate().filter(|_| in_part("risks")) {
        for (name, v) in [("likelihood", &r.likelihood), ("impact", &r.impact)] {
            if !v.is_empty() && !LEVELS.iter().any(|(c, _)| c == v) {
                err(
                    format!("risk_{i}_{name}"),
                    "Choose low, medium or high".into(),
                );
            }
        }
        for v in [
            &r.description,
            &r.protective_factors,
            &r.mitigation,
            &r.plan_b_trigger,
            &r.plan_b_response,
        ] {
            if long(v, MAX_TEXT) {
                err(
                    format!("risk_{i}_description"),
                    format!("Risk fields must be {MAX_TEXT} characters or fewer"),
                );
            }
        }
        if long(&r.plan_b_owner, MAX_SHORT) {
            err(
                format!("risk_{i}_plan_b_owner"),
                format!("The owner must be {MAX_SHORT} characters or fewer"),
            );
        }
    }
    for (k, v) in plan
        .accommodation
        .factors
        .iter()
        .filter(|_| in_part("accommodation"))
    {
        if !ACCOMMODATION_FACTORS.iter().any(|(c, _)| c == k) {
            err(
                "accommodation".into(),
                format!("{k} is not a Schedule 2 factor"),
            );
        } else if !matches!(v.as_str(), "met" | "not_met" | "") {
            err(format!("factor_{k}"), "Choose met or not met".into());
        }
    }
    if let Some(d) = plan.accommodation.next_steps_by
        && in_part("accommodation")
        && d < plan_started
    {
        err(
            "next_steps_by".into(),
            format!("This date must be on or after {plan_started}, when this plan was started"),
        );
    }
    if in_part("meetings") && plan.meetings.len() > MAX_MEETINGS {
        err(
            "meetings".into(),
            format!("At most {MAX_MEETINGS} meetings"),
        );
    }
    for (i, mt) in plan
        .meetings
        .iter()
        .enumerate()
        .filter(|_| in_part("meetings"))
    {
        if !MEETING_KINDS.iter().any(|(k, _)| *k == mt.kind) {
            err(
                format!("meeting_{i}_kind"),
                "Choose the kind of meeting".into(),
            );
        }
        for (ai, a) in mt.actions.iter().enumerate() {
            if !matches!(a.decision.as_str(), "pending" | "incorporated" | "declined") {
                err(
                    format!("meeting_{i}_{ai}_decision"),
                    "Choose incorporated, declined or not decided".into(),
                );
            }
        }
    }
    for t in plan.told_about.iter().filter(|_| in_part("rights")) {
        if !TOLD_ABOUT.iter().any(|(c, _, _)| *c == t.topic) {
            err("told_about".into(), format!("{} is not a topic", t.topic));
        }
        if long(&t.by, MAX_SHORT) {
            err(
                format!("told_{}_by", t.topic),
                format!("This must be {MAX_SHORT} characters or fewer"),
            );
        }
    }
    if in_part("risks") && long(&plan.contingency, MAX_TEXT) {
        err(
            "contingency".into(),
            format!("This must be {MAX_TEXT} characters or fewer"),
        );
    }
    e
}

/// Every field of a plan as (label, text), in reading order, for side-by-side comparison.
pub fn flatten(plan: &PlanContent) -> Vec<(String, String)> {
    let mut plan = plan.clone();
    plan.normalise();
    let mut out = vec![];
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for s in &plan.sections {
        let t = section_title(&s.code).unwrap_or("");
        out.push((format!("{t}: in my words"), s.in_my_words.clone()));
        if !s.no_voice_reason.is_empty() {
            out.push((
                format!("{t}: why not in their words"),
                s.no_voice_reason.clone(),
            ));
        }
        out.push((format!("{t}: going well"), s.going_well.clone()));
        out.push((format!("{t}: worries"), s.worries.clone()));
        for (gi, g) in s.goals.iter().enumerate() {
            out.push((format!("{t}: goal {}", gi + 1), g.text.clone()));
            for (ai, a) in g.actions.iter().enumerate() {
                out.push((
                    format!("{t}: goal {} action {}", gi + 1, ai + 1),
                    format!(
                        "{} | {} | by {} | {}{}",
                        a.what,
                        a.who,
                        d(a.by_when),
                        a.status,
                        a.completed_on
                            .map(|c| format!(" on {c}"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        out.push((format!("{t}: views of others"), s.others_views.clone()));
    }
    out.push((
        "Assessment: history".into(),
        plan.assessment.history.clone(),
    ));
    out.push((
        "Assessment: family and carer views".into(),
        plan.assessment.family_views.clone(),
    ));
    out.push((
        "Assessment: analysis of risk".into(),
        plan.assessment.risk_analysis.clone(),
    ));
    out.push((
        "Assessment: completed".into(),
        d(plan.assessment.completed_on),
    ));
    for (i, r) in plan.risks.iter().enumerate() {
        out.push((
            format!("Risk {}", i + 1),
            format!(
                "{} | likelihood {} | impact {} | protective: {} | mitigation: {} | Plan B: if {} then {} ({})",
                r.description, r.likelihood, r.impact, r.protective_factors, r.mitigation, r.plan_b_trigger, r.plan_b_response, r.plan_b_owner
            ),
        ));
    }
    out.push(("Overall contingency".into(), plan.contingency.clone()));
    out.push((
        "Accommodation".into(),
        plan.accommodation.description.clone(),
    ));
    for (code, label) in ACCOMMODATION_FACTORS {
        out.push((
            format!("Suitability: {label}"),
            plan.accommodation
                .factors
                .get(*code)
                .cloned()
                .unwrap_or_default(),
        ));
    }
    out.push((
        "Accommodation: temporary".into(),
        if plan.accommodation.temporary {
            "Yes"
        } else {
            "No"
        }
        .into(),
    ));
    out.push((
        "Accommodation: next steps".into(),
        format!(
            "{} {}",
            plan.accommodation.next_steps,
            d(plan.accommodation.next_steps_by)
        )
        .trim()
        .to_string(),
    ));
    for t in &plan.told_about {
        let label = TOLD_ABOUT
            .iter()
            .find(|(c, _, _)| *c == t.topic)
            .map(|(_, l, _)| *l)
            .unwrap_or("");
        out.push((
            format!("Told about: {label}"),
            format!("{} {}", d(t.date), t.by).trim().to_string(),
        ));
    }
    for (i, m) in plan.meetings.iter().enumerate() {
        out.push((
            format!("Meeting {}", i + 1),
            format!("{} {} {}", m.kind, d(m.date), m.outcomes),
        ));
        for (ai, a) in m.actions.iter().enumerate() {
            out.push((
                format!("Meeting {} action {}", i + 1, ai + 1),
                format!("{} | {} {}", a.text, a.decision, a.reason)
                    .trim()
                    .to_string(),
            ));
        }
    }
    out.push((
        "Agreement".into(),
        match plan.agreement.agrees {
            Some(true) => "Agrees".into(),
            Some(false) => "Disagrees".into(),
            None => String::new(),
        },
    ));
    out.push((
        "Agreement in their words".into(),
        plan.agreement.in_their_words.clone(),
    ));
    out.push(("Copy given".into(), d(plan.agreement.copy_given_on)));
    out.push(("Next review".into(), d(plan.next_review)));
    out
}

#[cfg(test)]
mod tests;
