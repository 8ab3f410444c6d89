//! The whole plan as staff see it, shown to the manager deciding on it.

use super::copy::{CopyGoal, copy_goals, next_steps};
use super::fmt;
use crate::domain::plan::{self, TOLD_ABOUT};

/// One section of the whole plan, with whose words each part is.
pub struct WholeSection {
    pub title: String,
    pub in_my_words: String,
    pub no_voice_reason: String,
    pub going_well: String,
    pub worries: String,
    pub others_views: String,
    pub goals: Vec<CopyGoal>,
}

pub struct WholeRisk {
    pub description: String,
    pub likelihood: String,
    pub impact: String,
    pub protective_factors: String,
    pub mitigation: String,
    pub trigger: String,
    pub response: String,
    pub owner: String,
}

pub struct WholeMeeting {
    pub kind: String,
    pub date: String,
    pub outcomes: String,
    /// (action, what was decided, the reason when declined)
    pub actions: Vec<(String, String, String)>,
}

/// The whole plan as staff see it (MARAC only where the caller may see it: the plan was loaded
/// in the caller's view), for the manager deciding on it.
pub struct WholePlan {
    pub whose: String,
    pub counts: String,
    pub sections: Vec<WholeSection>,
    pub history: String,
    pub family_views: String,
    pub risk_analysis: String,
    pub assessed_on: String,
    pub risks: Vec<WholeRisk>,
    pub contingency: String,
    pub accommodation: String,
    pub temporary: bool,
    /// (Schedule 2 factor, met or not)
    pub factors: Vec<(String, String)>,
    pub next_steps: String,
    /// (topic, when and by whom, or "Not yet")
    pub told: Vec<(String, String)>,
    pub meetings: Vec<WholeMeeting>,
    pub agreement: String,
    pub agreement_words: String,
    pub copy_given_on: String,
    pub next_review: String,
}

fn level(s: &str) -> String {
    match s {
        "" => "not assessed".into(),
        x => x.to_string(),
    }
}

pub(super) fn whole_plan(c: &plan::PlanContent, given_name: &str) -> WholePlan {
    WholePlan {
        whose: format!("{given_name}'s words"),
        counts: counts(c),
        sections: sections(c),
        history: c.assessment.history.clone(),
        family_views: c.assessment.family_views.clone(),
        risk_analysis: c.assessment.risk_analysis.clone(),
        assessed_on: c.assessment.completed_on.map(fmt).unwrap_or_default(),
        risks: risks(c),
        contingency: c.contingency.clone(),
        accommodation: c.accommodation.description.clone(),
        temporary: c.accommodation.temporary,
        factors: factors(c),
        next_steps: next_steps(&c.accommodation),
        told: told(c),
        meetings: meetings(c),
        agreement: match c.agreement.agrees {
            Some(true) => format!("{given_name} agrees with the plan."),
            Some(false) => format!("{given_name} does not agree with all of the plan."),
            None => "Not recorded.".into(),
        },
        agreement_words: c.agreement.in_their_words.clone(),
        copy_given_on: c.agreement.copy_given_on.map(fmt).unwrap_or_default(),
        next_review: c.next_review.map(fmt).unwrap_or_else(|| "Not set".into()),
    }
}

/// How many goals, actions and risks the plan has.
fn counts(c: &plan::PlanContent) -> String {
    let goals = c.sections.iter().map(|s| s.goals.len()).sum::<usize>();
    let actions = c
        .sections
        .iter()
        .flat_map(|s| &s.goals)
        .map(|g| g.actions.len())
        .sum::<usize>();
    format!(
        "{}, {}, {}",
        crate::views::count(goals as i64, "goal", "goals"),
        crate::views::count(actions as i64, "action", "actions"),
        crate::views::count(c.risks.len() as i64, "risk", "risks"),
    )
}

fn sections(c: &plan::PlanContent) -> Vec<WholeSection> {
    c.sections
        .iter()
        .map(|s| WholeSection {
            title: plan::section_title(&s.code).unwrap_or("").into(),
            in_my_words: s.in_my_words.clone(),
            no_voice_reason: s.no_voice_reason.clone(),
            going_well: s.going_well.clone(),
            worries: s.worries.clone(),
            others_views: s.others_views.clone(),
            goals: copy_goals(&s.goals, "no date set"),
        })
        .collect()
}

fn risks(c: &plan::PlanContent) -> Vec<WholeRisk> {
    c.risks
        .iter()
        .map(|r| WholeRisk {
            description: r.description.clone(),
            likelihood: level(&r.likelihood),
            impact: level(&r.impact),
            protective_factors: r.protective_factors.clone(),
            mitigation: r.mitigation.clone(),
            trigger: r.plan_b_trigger.clone(),
            response: r.plan_b_response.clone(),
            owner: r.plan_b_owner.clone(),
        })
        .collect()
}

/// Each Schedule 2 factor with whether it is met.
fn factors(c: &plan::PlanContent) -> Vec<(String, String)> {
    plan::ACCOMMODATION_FACTORS
        .iter()
        .map(|(code, label)| {
            let answer = match c.accommodation.factors.get(*code).map(String::as_str) {
                Some("met") => "Met",
                Some("not_met") => "Not met",
                _ => "Not answered",
            };
            ((*label).to_string(), answer.to_string())
        })
        .collect()
}

/// Each topic with when and by whom the young person was told, or "Not yet".
fn told(c: &plan::PlanContent) -> Vec<(String, String)> {
    TOLD_ABOUT
        .iter()
        .map(|(code, label, _)| {
            let when = c
                .told_about
                .iter()
                .find(|t| t.topic == *code)
                .and_then(|t| t.date.map(|d| format!("{} by {}", fmt(d), t.by)))
                .unwrap_or_else(|| "Not yet".into());
            ((*label).to_string(), when)
        })
        .collect()
}

fn meetings(c: &plan::PlanContent) -> Vec<WholeMeeting> {
    c.meetings
        .iter()
        .map(|m| WholeMeeting {
            kind: plan::MEETING_KINDS
                .iter()
                .find(|(k, _)| *k == m.kind)
                .map_or(m.kind.clone(), |(_, l)| (*l).to_string()),
            date: m.date.map(fmt).unwrap_or_default(),
            outcomes: m.outcomes.clone(),
            actions: m
                .actions
                .iter()
                .map(|a| {
                    let decided = match a.decision.as_str() {
                        "incorporated" => "Taken into the plan",
                        "declined" => "Declined",
                        _ => "Not yet decided",
                    };
                    (a.text.clone(), decided.to_string(), a.reason.clone())
                })
                .collect(),
        })
        .collect()
}
