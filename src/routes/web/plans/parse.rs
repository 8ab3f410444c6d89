//! Reading a part of the plan back from the submitted form.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::Values;
use crate::domain::plan::{
    self, ACCOMMODATION_FACTORS, Action, Agreement, Assessment, Goal, Meeting, MeetingAction, Risk,
    SECTIONS, Section, TOLD_ABOUT, ToldAbout,
};
use crate::error::FieldError;
use crate::routes::web::forms::{self, get as value};
use crate::services::plans::Part;

/// Row indices present in the form for keys like `{prefix}{i}_...`.
fn indices(values: &Values, prefix: &str) -> Vec<usize> {
    let mut out = BTreeSet::new();
    for (k, _) in values {
        if let Some(rest) = k.strip_prefix(prefix)
            && let Some((n, _)) = rest.split_once('_')
            && let Ok(i) = n.parse::<usize>()
            && i < 100
        {
            out.insert(i);
        }
    }
    out.into_iter().collect()
}

fn text(values: &Values, name: &str) -> String {
    value(values, name).trim().to_string()
}

/// An optional date; one that cannot be read is an error.
fn date(values: &Values, name: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    forms::optional_date(values, name, "date", errors)
}

/// Reads a part from the submitted form. Blank rows are dropped; unreadable dates are errors.
pub(super) fn part_from(part: &str, values: &Values, errors: &mut Vec<FieldError>) -> Option<Part> {
    if SECTIONS.iter().any(|(c, _, _)| *c == part) {
        return Some(Part::Section(section_from(part, values, errors)));
    }
    Some(match part {
        "assessment" => Part::Assessment(Assessment {
            history: text(values, "history"),
            family_views: text(values, "family_views"),
            risk_analysis: text(values, "risk_analysis"),
            completed_on: date(values, "completed_on", errors),
        }),
        "risks" => Part::Risks {
            risks: risks_from(values),
            contingency: text(values, "contingency"),
        },
        "accommodation" => Part::Accommodation(accommodation_from(values, errors)),
        "rights" => Part::Rights(rights_from(values, errors)),
        "meetings" => Part::Meetings(meetings_from(values, errors)),
        "agreement" => Part::Agreement {
            agreement: Agreement {
                agrees: match text(values, "agrees").as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                in_their_words: text(values, "in_their_words"),
                copy_given_on: date(values, "copy_given_on", errors),
            },
            next_review: date(values, "next_review", errors),
        },
        _ => return None,
    })
}

fn section_from(part: &str, values: &Values, errors: &mut Vec<FieldError>) -> Section {
    let mut goals = vec![];
    for gi in indices(values, "goal_") {
        let g = Goal {
            actions: actions_from(values, gi, errors),
            text: text(values, &format!("goal_{gi}_text")),
        };
        if !(g.text.is_empty() && g.actions.is_empty()) {
            goals.push(g);
        }
    }
    Section {
        code: part.into(),
        in_my_words: text(values, "in_my_words"),
        no_voice_reason: text(values, "no_voice_reason"),
        going_well: text(values, "going_well"),
        worries: text(values, "worries"),
        goals,
        others_views: text(values, "others_views"),
    }
}

/// The actions of goal `gi`, without blank rows.
fn actions_from(values: &Values, gi: usize, errors: &mut Vec<FieldError>) -> Vec<Action> {
    let mut actions = vec![];
    for ai in indices(values, &format!("act_{gi}_")) {
        let f = |n: &str| format!("act_{gi}_{ai}_{n}");
        let a = Action {
            what: text(values, &f("what")),
            who: text(values, &f("who")),
            by_when: date(values, &f("by"), errors),
            status: text(values, &f("status")),
            completed_on: date(values, &f("done"), errors),
        };
        if !(a.what.is_empty()
            && a.who.is_empty()
            && a.by_when.is_none()
            && a.completed_on.is_none())
        {
            actions.push(a);
        }
    }
    actions
}

fn risks_from(values: &Values) -> Vec<Risk> {
    indices(values, "risk_")
        .into_iter()
        .map(|i| {
            let f = |n: &str| text(values, &format!("risk_{i}_{n}"));
            Risk {
                description: f("description"),
                likelihood: f("likelihood"),
                impact: f("impact"),
                protective_factors: f("protective_factors"),
                mitigation: f("mitigation"),
                plan_b_trigger: f("plan_b_trigger"),
                plan_b_response: f("plan_b_response"),
                plan_b_owner: f("plan_b_owner"),
            }
        })
        // A row with nothing typed in it (only the selects left as they were) is blank.
        .filter(|r| {
            [
                &r.description,
                &r.protective_factors,
                &r.mitigation,
                &r.plan_b_trigger,
                &r.plan_b_response,
                &r.plan_b_owner,
            ]
            .iter()
            .any(|t| !t.is_empty())
        })
        .collect()
}

fn accommodation_from(values: &Values, errors: &mut Vec<FieldError>) -> plan::AccommodationPlan {
    plan::AccommodationPlan {
        description: text(values, "description"),
        factors: ACCOMMODATION_FACTORS
            .iter()
            .filter_map(|(c, _)| {
                let v = text(values, &format!("factor_{c}"));
                (!v.is_empty()).then(|| ((*c).to_string(), v))
            })
            .collect(),
        temporary: forms::checked(values, "temporary"),
        next_steps: text(values, "next_steps"),
        next_steps_by: date(values, "next_steps_by", errors),
    }
}

fn rights_from(values: &Values, errors: &mut Vec<FieldError>) -> Vec<ToldAbout> {
    TOLD_ABOUT
        .iter()
        .map(|(t, _, _)| ToldAbout {
            topic: (*t).into(),
            date: date(values, &format!("told_{t}_date"), errors),
            by: text(values, &format!("told_{t}_by")),
        })
        .collect()
}

/// The meetings, each with its actions, without blank rows.
fn meetings_from(values: &Values, errors: &mut Vec<FieldError>) -> Vec<Meeting> {
    let mut meetings = vec![];
    for i in indices(values, "meeting_") {
        let m = Meeting {
            actions: meeting_actions_from(values, i),
            kind: text(values, &format!("meeting_{i}_kind")),
            date: date(values, &format!("meeting_{i}_date"), errors),
            outcomes: text(values, &format!("meeting_{i}_outcomes")),
        };
        if !(m.kind.is_empty() && m.date.is_none() && m.outcomes.is_empty() && m.actions.is_empty())
        {
            meetings.push(m);
        }
    }
    meetings
}

fn meeting_actions_from(values: &Values, i: usize) -> Vec<MeetingAction> {
    let mut actions = vec![];
    for ai in indices(values, &format!("meeting_{i}_")) {
        let a = MeetingAction {
            text: text(values, &format!("meeting_{i}_{ai}_text")),
            decision: text(values, &format!("meeting_{i}_{ai}_decision")),
            reason: text(values, &format!("meeting_{i}_{ai}_reason")),
        };
        if !a.text.is_empty() || !a.reason.is_empty() {
            actions.push(a);
        }
    }
    actions
}
