//! What a plan may hold when it is saved: limits, choices and dates (bad input, not a quality
//! check). The limits and choices are the content types' `validator` derives (in `mod.rs`, where
//! the OpenAPI document reads the same limits); the dates, which depend on when the plan was
//! begun, are checked here. Errors are named as the part's page names its fields.

use chrono::NaiveDate;
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use super::*;

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
    let mut found = vec![];
    if let Err(e) = plan.validate() {
        collect("", &e, &mut found);
    }
    found.extend(dates(plan, plan_started));
    let mut out: Vec<InputError> = vec![];
    for (path, message) in found {
        if part.is_some_and(|p| part_of(plan, &path) != p) {
            continue;
        }
        let field = page_name(plan, &path);
        if !out.iter().any(|e| e.field == field) {
            out.push(InputError { field, message });
        }
    }
    out
}

/// Every error with its path in the plan (`sections[3].goals[0].actions[1].what`) and message.
fn collect(prefix: &str, errors: &ValidationErrors, out: &mut Vec<(String, String)>) {
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by_key(|(name, _)| name.to_string());
    for (name, kind) in fields {
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let at = e
                        .params
                        .get("field")
                        .and_then(|v| v.as_str())
                        .map(|f| format!("{prefix}.{f}"))
                        .unwrap_or_else(|| path.clone());
                    out.push((at, message(name, e)));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

fn message(field: &str, e: &ValidationError) -> String {
    if let Some(m) = &e.message {
        return m.to_string();
    }
    let label = match field {
        "what" => "What",
        "who" => "Who",
        "text" => "The text",
        "plan_b_owner" => "The owner",
        "description" => "The description",
        _ => "This",
    };
    match e.params.get("max").and_then(|m| m.as_u64()) {
        Some(max) => format!("{label} must be {max} characters or fewer"),
        None => format!("Check {}", label.to_lowercase()),
    }
}

/// The part of the plan a path is in, as `validate_part` names parts.
fn part_of(plan: &PlanContent, path: &str) -> String {
    let first = path.split(['.', '[']).next().unwrap_or(path);
    match first {
        "sections" => index(path, "sections[")
            .and_then(|i| plan.sections.get(i))
            .map(|s| s.code.clone())
            .unwrap_or_default(),
        "risks" | "contingency" => "risks".into(),
        "told_about" => "rights".into(),
        "next_review" => "agreement".into(),
        other => other.into(),
    }
}

/// The number after `marker` in `path` (`goals[2]` -> 2).
fn index(path: &str, marker: &str) -> Option<usize> {
    let rest = &path[path.find(marker)? + marker.len()..];
    rest[..rest.find(']')?].parse().ok()
}

/// The name the part's page gives the field at `path`.
fn page_name(plan: &PlanContent, path: &str) -> String {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let (g, a) = (index(path, "goals["), index(path, "actions["));
    let (i, r) = (index(path, "meetings["), index(path, "risks["));
    if path.starts_with("sections[") {
        return match (g, a) {
            (Some(g), Some(a)) => {
                let short = match leaf {
                    "by_when" => "by",
                    "completed_on" => "done",
                    other => other,
                };
                format!("act_{g}_{a}_{short}")
            }
            (Some(g), None) => format!("goal_{g}_text"),
            _ if leaf == "code" => "sections".into(),
            _ => leaf.into(),
        };
    }
    if let Some(r) = r {
        return format!("risk_{r}_{leaf}");
    }
    if let Some(i) = i {
        return match a {
            Some(a) => format!("meeting_{i}_{a}_{leaf}"),
            None => format!("meeting_{i}_{leaf}"),
        };
    }
    if let Some(t) = index(path, "told_about[") {
        return match plan.told_about.get(t) {
            Some(told) if leaf == "by" => format!("told_{}_by", told.topic),
            _ => "told_about".into(),
        };
    }
    if path.starts_with("accommodation.") && leaf.starts_with("factor_") {
        return leaf.into();
    }
    leaf.into()
}

/// Dates against the day the plan was begun: an action is not due, nor a step planned, before
/// the plan existed; a completion date needs the status Done.
fn dates(plan: &PlanContent, started: NaiveDate) -> Vec<(String, String)> {
    let mut out = vec![];
    for (si, s) in plan.sections.iter().enumerate() {
        for (gi, g) in s.goals.iter().enumerate() {
            for (ai, a) in g.actions.iter().enumerate() {
                let at = |f: &str| format!("sections[{si}].goals[{gi}].actions[{ai}].{f}");
                if a.by_when.is_some_and(|d| d < started) {
                    out.push((
                        at("by_when"),
                        format!(
                            "By when must be on or after {started}, when this plan was started"
                        ),
                    ));
                }
                if a.completed_on.is_some() && a.status != "done" {
                    out.push((
                        at("completed_on"),
                        "A completion date needs the status Done".into(),
                    ));
                }
                if let (Some(done), Some(by)) = (a.completed_on, a.by_when)
                    && done < started.min(by)
                {
                    out.push((
                        at("completed_on"),
                        "The completion date cannot be before the plan started".into(),
                    ));
                }
            }
        }
    }
    if plan
        .accommodation
        .next_steps_by
        .is_some_and(|d| d < started)
    {
        out.push((
            "accommodation.next_steps_by".into(),
            format!("This date must be on or after {started}, when this plan was started"),
        ));
    }
    out
}

// ----- field rules for the content types' derives ----------------------------------------------

fn choose(message: &'static str) -> ValidationError {
    ValidationError::new("choice").with_message(message.into())
}

/// Text over several lines: no control characters but line breaks and tabs.
pub(super) fn lines(s: &str) -> Result<(), ValidationError> {
    match crate::domain::text::problem(s, true) {
        Some(why) => Err(ValidationError::new("text").with_message(format!("This {why}").into())),
        None => Ok(()),
    }
}

/// One line of text.
pub(super) fn one_line(s: &str) -> Result<(), ValidationError> {
    match crate::domain::text::problem(s, false) {
        Some(why) => Err(ValidationError::new("text").with_message(format!("This {why}").into())),
        None => Ok(()),
    }
}

pub(super) fn section_code(code: &str) -> Result<(), ValidationError> {
    match section_title(code) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("section")
            .with_message(format!("{code} is not a section of the plan").into())),
    }
}

pub(super) fn action_status(s: &str) -> Result<(), ValidationError> {
    if ACTION_STATUSES.iter().any(|(c, _)| *c == s) {
        Ok(())
    } else {
        Err(choose("Choose the action's status"))
    }
}

pub(super) fn level(s: &str) -> Result<(), ValidationError> {
    if s.is_empty() || LEVELS.iter().any(|(c, _)| *c == s) {
        Ok(())
    } else {
        Err(choose("Choose low, medium or high"))
    }
}

pub(super) fn meeting_kind(s: &str) -> Result<(), ValidationError> {
    if MEETING_KINDS.iter().any(|(k, _)| *k == s) {
        Ok(())
    } else {
        Err(choose("Choose the kind of meeting"))
    }
}

pub(super) fn meeting_decision(s: &str) -> Result<(), ValidationError> {
    if matches!(s, "pending" | "incorporated" | "declined") {
        Ok(())
    } else {
        Err(choose("Choose incorporated, declined or not decided"))
    }
}

pub(super) fn topic(s: &str) -> Result<(), ValidationError> {
    if TOLD_ABOUT.iter().any(|(c, _, _)| *c == s) {
        Ok(())
    } else {
        Err(ValidationError::new("topic").with_message(format!("{s} is not a topic").into()))
    }
}

/// Schedule 2 factors: each a known factor, answered met, not met or not yet.
pub(super) fn factors(
    answers: &std::collections::BTreeMap<String, String>,
) -> Result<(), ValidationError> {
    for (k, v) in answers {
        let (field, message) = if !ACCOMMODATION_FACTORS.iter().any(|(c, _)| c == k) {
            (
                "factors".to_string(),
                format!("{k} is not a Schedule 2 factor"),
            )
        } else if !matches!(v.as_str(), "met" | "not_met" | "") {
            (format!("factor_{k}"), "Choose met or not met".to_string())
        } else {
            continue;
        };
        let mut e = ValidationError::new("factor").with_message(message.into());
        e.add_param("field".into(), &field);
        return Err(e);
    }
    Ok(())
}
