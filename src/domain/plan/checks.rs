//! The nine quality checks a plan must pass before it can be approved (RULES.md section 4), each
//! answering one of Ofsted's findings. Each check is one function; `check` runs them in order.

use chrono::NaiveDate;
use serde::Serialize;

use super::*;
use crate::domain::age::add_months;

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

/// One check: what it finds missing in a plan.
type Run = fn(&PlanContent, &CheckContext) -> Vec<Missing>;

/// The checks in the order they are shown, each with the function that runs it.
const RUNS: &[(&str, Run)] = &[
    ("VOICE", voice),
    ("SMART", smart),
    ("CONTINGENCY", contingency),
    ("ASSESSMENT", assessment),
    ("ACCOMMODATION", accommodation),
    ("MEETINGS", meetings),
    ("RIGHTS", rights),
    ("AGREEMENT", agreement),
    ("NEXT_REVIEW", next_review),
];

/// Runs every quality check (RULES.md section 4).
pub fn check(plan: &PlanContent, ctx: &CheckContext) -> Vec<CheckResult> {
    let mut plan = plan.clone();
    plan.normalise();
    RUNS.iter()
        .map(|(code, run)| {
            let missing = run(&plan, ctx);
            CheckResult {
                check: (*code).into(),
                title: CHECKS
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, t)| (*t).to_string())
                    .unwrap_or_default(),
                passed: missing.is_empty(),
                missing,
            }
        })
        .collect()
}

/// VOICE: "their voices and views are not clearly represented".
fn voice(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
    let mut m = vec![];
    let title = |code: &str| section_title(code).unwrap_or("Section");
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
    m
}

/// SMART: "actions ... insufficiently detailed".
fn smart(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
    let mut m = vec![];
    let title = |code: &str| section_title(code).unwrap_or("Section");
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
    m
}

/// CONTINGENCY: "risks ... including appropriate contingency planning, are not fully identified".
fn contingency(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// ASSESSMENT: CPPCR 2010 reg 42(2).
fn assessment(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// ACCOMMODATION: CLR 2010 Schedule 2.
fn accommodation(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// MEETINGS: Ofsted 2019 recommendations.
fn meetings(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// RIGHTS: CSWA 2017 s.2.
fn rights(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// AGREEMENT: CLR 2010 reg 4.
fn agreement(plan: &PlanContent, _: &CheckContext) -> Vec<Missing> {
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
    m
}

/// NEXT_REVIEW: CLR 2010 reg 7; CPPCR 2010 reg 33.
fn next_review(plan: &PlanContent, ctx: &CheckContext) -> Vec<Missing> {
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
    m
}

fn short(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(57).collect::<String>())
    } else {
        t.to_string()
    }
}
