//! The form's fields for each part of the plan, filled from the stored content, with blank rows
//! to add to the lists.

use super::opt_fmt;
use crate::domain::plan::{
    ACCOMMODATION_FACTORS, ACTION_STATUSES, Action, Goal, LEVELS, MEETING_KINDS, Meeting,
    MeetingAction, PlanContent, Risk, SECTIONS, Section, TOLD_ABOUT,
};
use crate::routes::web::forms::{Field, date_field as date};

pub struct Group {
    pub legend: String,
    pub hint: Option<String>,
    pub fields: Vec<Field>,
}

impl Group {
    fn plain(fields: Vec<Field>) -> Self {
        Group {
            legend: String::new(),
            hint: None,
            fields,
        }
    }
}

fn choices(
    list: &[(&'static str, &'static str)],
    blank: &'static str,
) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![("", blank)];
    v.extend(list.iter().copied());
    v
}

/// A part's heading, its introduction, and its groups of fields.
type PartForm = (String, Option<String>, Vec<Group>);

/// The fields of a part, filled from the stored content (plus blank rows to add to lists).
pub(super) fn part_groups(part: &str, c: &PlanContent, marac_visible: bool) -> Option<PartForm> {
    if let Some(s) = c.section(part) {
        let (_, title, about) = SECTIONS.iter().find(|(code, _, _)| *code == part)?;
        return Some(((*title).into(), Some((*about).into()), section_groups(s)));
    }
    Some(match part {
        "assessment" => assessment_form(c),
        "risks" => risks_form(c),
        "accommodation" => accommodation_form(c),
        "rights" => rights_form(c),
        "meetings" => meetings_form(c, marac_visible),
        "agreement" => agreement_form(c),
        _ => return None,
    })
}

/// A section: the young person's words, what is going well and the worries, each goal with its
/// actions (and a blank goal to add), and the views of others.
fn section_groups(s: &Section) -> Vec<Group> {
    let mut groups = vec![Group {
        legend: "In my words".into(),
        hint: Some("Write what the young person says, in their words. If they did not want to, or could not, say why.".into()),
        fields: vec![
            Field::new("in_my_words", "In my words", "textarea").value(s.in_my_words.clone()),
            Field::new("no_voice_reason", "If not in their words, why not", "textarea").value(s.no_voice_reason.clone()),
        ],
    }];
    groups.push(Group::plain(vec![
        Field::new("going_well", "What is going well", "textarea").value(s.going_well.clone()),
        Field::new("worries", "Worries", "textarea").value(s.worries.clone()),
    ]));
    let mut goals = s.goals.clone();
    goals.push(Goal::default());
    for (gi, g) in goals.iter().enumerate() {
        groups.push(goal_group(gi, g, s.goals.len()));
    }
    groups.push(Group::plain(vec![
        Field::new(
            "others_views",
            "Views of others (carer, family, professionals)",
            "textarea",
        )
        .value(s.others_views.clone()),
    ]));
    groups
}

/// Goal `gi` with its actions and two blank actions to add; the goal at `existing` is the blank
/// one to add.
fn goal_group(gi: usize, g: &Goal, existing: usize) -> Group {
    let mut fields =
        vec![Field::new(&format!("goal_{gi}_text"), "Goal", "textarea").value(g.text.clone())];
    let mut actions = g.actions.clone();
    actions.push(Action::default());
    actions.push(Action::default());
    for (ai, a) in actions.iter().enumerate() {
        fields.extend(action_fields(gi, ai, a));
    }
    Group {
        legend: if g.text.is_empty() && gi == existing { "Add a goal".into() } else { format!("Goal {}", gi + 1) },
        hint: Some("Each goal needs at least one action saying what, who and by when. Blank rows are ignored.".into()),
        fields,
    }
}

/// An action's what, who, by when, status and completion date.
fn action_fields(gi: usize, ai: usize, a: &Action) -> Vec<Field> {
    let n = ai + 1;
    vec![
        Field::new(
            &format!("act_{gi}_{ai}_what"),
            &format!("Action {n}: what will be done"),
            "text",
        )
        .value(a.what.clone()),
        Field::new(
            &format!("act_{gi}_{ai}_who"),
            &format!("Action {n}: who (a person or an agency)"),
            "text",
        )
        .value(a.who.clone()),
        date(
            &format!("act_{gi}_{ai}_by"),
            &format!("Action {n}: by when"),
        )
        .value(opt_fmt(a.by_when)),
        Field::new(
            &format!("act_{gi}_{ai}_status"),
            &format!("Action {n}: status"),
            "select",
        )
        .choices(ACTION_STATUSES.iter().copied())
        .value(if a.status.is_empty() {
            "not_started".to_string()
        } else {
            a.status.clone()
        }),
        date(
            &format!("act_{gi}_{ai}_done"),
            &format!("Action {n}: completed on"),
        )
        .value(opt_fmt(a.completed_on)),
    ]
}

fn assessment_form(c: &PlanContent) -> PartForm {
    let a = &c.assessment;
    ("Needs assessment".into(), Some("CPPCR 2010 reg 42: the assessment's completion date updates the timeline when the plan is approved.".into()), vec![Group::plain(vec![
        Field::new("history", "History", "textarea").value(a.history.clone()).hint("The young person's history, including their care history"),
        Field::new("family_views", "Views of family and carers", "textarea").value(a.family_views.clone()),
        Field::new("risk_analysis", "Analysis of risk", "textarea").value(a.risk_analysis.clone()),
        date("completed_on", "Date completed").value(opt_fmt(a.completed_on)),
    ])])
}

/// Each risk with its Plan B (and a blank risk to add), then the overall contingency.
fn risks_form(c: &PlanContent) -> PartForm {
    let mut risks = c.risks.clone();
    risks.push(Risk::default());
    let mut groups: Vec<Group> = risks
        .iter()
        .enumerate()
        .map(|(i, r)| Group {
            legend: if i == c.risks.len() {
                "Add a risk".into()
            } else {
                format!("Risk {}", i + 1)
            },
            hint: None,
            fields: risk_fields(i, r),
        })
        .collect();
    groups.push(Group::plain(vec![
        Field::new(
            "contingency",
            "Overall contingency: what happens if the plan stops working",
            "textarea",
        )
        .value(c.contingency.clone()),
    ]));
    ("Risks, Plan B and contingency".into(), Some("CLR 2010 Schedule 1 para 4: contingency plans should the pathway plan cease to be effective.".into()), groups)
}

fn risk_fields(i: usize, r: &Risk) -> Vec<Field> {
    vec![
        Field::new(&format!("risk_{i}_description"), "The risk", "textarea")
            .value(r.description.clone()),
        Field::new(&format!("risk_{i}_likelihood"), "Likelihood", "select")
            .choices(choices(LEVELS, "Not assessed"))
            .value(r.likelihood.clone()),
        Field::new(&format!("risk_{i}_impact"), "Impact", "select")
            .choices(choices(LEVELS, "Not assessed"))
            .value(r.impact.clone()),
        Field::new(
            &format!("risk_{i}_protective_factors"),
            "Protective factors",
            "textarea",
        )
        .value(r.protective_factors.clone()),
        Field::new(&format!("risk_{i}_mitigation"), "Mitigation", "textarea")
            .value(r.mitigation.clone()),
        Field::new(
            &format!("risk_{i}_plan_b_trigger"),
            "Plan B: what would tell us this is happening",
            "textarea",
        )
        .value(r.plan_b_trigger.clone()),
        Field::new(
            &format!("risk_{i}_plan_b_response"),
            "Plan B: what we will do",
            "textarea",
        )
        .value(r.plan_b_response.clone()),
        Field::new(
            &format!("risk_{i}_plan_b_owner"),
            "Plan B: who will do it",
            "text",
        )
        .value(r.plan_b_owner.clone()),
    ]
}

/// Where the young person lives, each Schedule 2 factor, and what happens next.
fn accommodation_form(c: &PlanContent) -> PartForm {
    let a = &c.accommodation;
    let mut fields = vec![
        Field::new(
            "description",
            "Where the young person lives or will live",
            "textarea",
        )
        .value(a.description.clone()),
    ];
    for (code, label) in ACCOMMODATION_FACTORS {
        fields.push(
            Field::new(&format!("factor_{code}"), label, "select")
                .choices([("", "Not assessed"), ("met", "Met"), ("not_met", "Not met")])
                .value(a.factors.get(*code).cloned().unwrap_or_default()),
        );
    }
    fields.push(
        Field::new("temporary", "This is temporary accommodation", "checkbox")
            .value(if a.temporary { "true" } else { "" }),
    );
    fields.push(
        Field::new("next_steps", "What happens next", "textarea").value(a.next_steps.clone()),
    );
    fields.push(date("next_steps_by", "By when").value(opt_fmt(a.next_steps_by)));
    (
        "Accommodation suitability".into(),
        Some("Assess every factor in CLR 2010 Schedule 2.".into()),
        vec![Group::plain(fields)],
    )
}

/// When and by whom the young person was told about each topic.
fn rights_form(c: &PlanContent) -> PartForm {
    let groups = TOLD_ABOUT
        .iter()
        .map(|(topic, label, required)| {
            let t = c
                .told_about
                .iter()
                .find(|t| t.topic == *topic)
                .cloned()
                .unwrap_or_default();
            Group {
                legend: (*label).into(),
                hint: (!required).then(|| "Recommended".to_string()),
                fields: vec![
                    date(&format!("told_{topic}_date"), "Date they were told")
                        .value(opt_fmt(t.date)),
                    Field::new(&format!("told_{topic}_by"), "Who told them", "text")
                        .value(t.by.clone()),
                ],
            }
        })
        .collect();
    (
        "I have been told about".into(),
        Some("CSWA 2017 s.2: the Local Offer. Record when and by whom.".into()),
        groups,
    )
}

/// Each meeting the caller may see (MARAC only where visible), and a blank meeting to add.
fn meetings_form(c: &PlanContent, marac_visible: bool) -> PartForm {
    let mut meetings: Vec<Meeting> = c
        .meetings
        .iter()
        .filter(|m| marac_visible || m.kind != "marac")
        .cloned()
        .collect();
    let existing = meetings.len();
    meetings.push(Meeting::default());
    let groups = meetings
        .iter()
        .enumerate()
        .map(|(i, m)| meeting_group(i, m, existing))
        .collect();
    ("Multi-agency meetings".into(), Some("MARAC, VARP and exploitation strategy meetings since the last plan. MARAC content is seen only by the allocated adviser and managers.".into()), groups)
}

/// Meeting `i` with its actions and two blank actions to add; the meeting at `existing` is the
/// blank one to add.
fn meeting_group(i: usize, m: &Meeting, existing: usize) -> Group {
    let mut fields = vec![
        Field::new(&format!("meeting_{i}_kind"), "Kind of meeting", "select")
            .choices(choices(MEETING_KINDS, "Choose"))
            .value(m.kind.clone()),
        date(&format!("meeting_{i}_date"), "Date").value(opt_fmt(m.date)),
        Field::new(&format!("meeting_{i}_outcomes"), "Outcomes", "textarea")
            .value(m.outcomes.clone()),
    ];
    let mut actions = m.actions.clone();
    actions.push(MeetingAction::default());
    actions.push(MeetingAction::default());
    for (ai, a) in actions.iter().enumerate() {
        fields.extend(meeting_action_fields(i, ai, a));
    }
    Group {
        legend: if i == existing {
            "Add a meeting".into()
        } else {
            format!("Meeting {}", i + 1)
        },
        hint: None,
        fields,
    }
}

/// A meeting's action, whether it was taken into the plan, and the reason when declined.
fn meeting_action_fields(i: usize, ai: usize, a: &MeetingAction) -> Vec<Field> {
    let n = ai + 1;
    vec![
        Field::new(
            &format!("meeting_{i}_{ai}_text"),
            &format!("Action {n}"),
            "text",
        )
        .value(a.text.clone()),
        Field::new(
            &format!("meeting_{i}_{ai}_decision"),
            &format!("Action {n}: taken into the plan?"),
            "select",
        )
        .choices([
            ("pending", "Not decided yet"),
            ("incorporated", "Incorporated into the plan"),
            ("declined", "Declined"),
        ])
        .value(if a.decision.is_empty() {
            "pending".to_string()
        } else {
            a.decision.clone()
        }),
        Field::new(
            &format!("meeting_{i}_{ai}_reason"),
            &format!("Action {n}: reason for declining"),
            "text",
        )
        .value(a.reason.clone()),
    ]
}

fn agreement_form(c: &PlanContent) -> PartForm {
    let a = &c.agreement;
    ("Agreement and next review".into(), Some("CLR 2010 reg 4: the young person's views recorded in writing, and a copy of the plan given to them.".into()), vec![Group::plain(vec![
        Field::new("agrees", "Does the young person agree with the plan?", "select").choices([("", "Not recorded yet"), ("yes", "Yes, they agree"), ("no", "No, they disagree")]).value(match a.agrees { Some(true) => "yes", Some(false) => "no", None => "" }),
        Field::new("in_their_words", "In their words", "textarea").value(a.in_their_words.clone()),
        date("copy_given_on", "Date they were given a copy").value(opt_fmt(a.copy_given_on)),
        date("next_review", "Date of the next review").value(opt_fmt(c.next_review)).hint("Within 6 months, or 3 months for a relevant child in accommodation the authority provides. For example, 2026-03-27"),
    ])])
}
