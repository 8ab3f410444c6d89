//! The transition timeline engine: which milestones apply to a young person, when each is due,
//! and its state on the "as of" date (RULES.md sections 2-3; REFERENCE.md 1.3).
//!
//! Every due date carries the rule that set it (in plain English, with its inputs) and its
//! source. Events dated before the date of birth or after the "as of" date are ignored, so the
//! timeline is a pure function of its inputs as they stood on that date.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::age::{at_age, describe_months};
use super::policy::Policy;
use super::status::{
    CareHistory, LegalStatus, StatusExplanation, former_relevant_at_18, former_relevant_duties_end,
    looked_after_on, looked_after_since_16, status_on,
};
use super::working_days::BankHolidays;

/// Working days after a late eligibility date by which a personal adviser is allocated.
pub const LATE_ELIGIBILITY_PA_WORKING_DAYS: u32 = 20;

/// Days after moving into authority accommodation for the first review (CLR 2010 reg 7(3)).
pub const ACCOMMODATION_REVIEW_DAYS: i64 = 28;

/// Months between reviews while a relevant child is in authority accommodation
/// (CLR 2010 reg 7(3)).
pub const ACCOMMODATION_REVIEW_MONTHS: u32 = 3;

/// Months from the first review to the second for a looked-after (eligible) child
/// (CPPCR 2010 reg 33).
pub const SECOND_LAC_REVIEW_MONTHS: u32 = 3;

pub use super::milestone::MilestoneCode;
pub use leaving_care::needs_assessment_due;

mod contact;
mod housing;
mod leaving_care;
mod post_18;
mod reviews;

use contact::return_interview;
use post_18::duties_end_draft;

/// Where a milestone stands on the "as of" date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    Upcoming,
    DueSoon,
    Overdue,
    Done,
}

/// One milestone on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub code: MilestoneCode,
    pub due: NaiveDate,
    pub state: MilestoneState,
    pub done_on: Option<NaiveDate>,
    /// How the date was set, from which inputs.
    pub rule: String,
    pub source: &'static str,
    pub statutory: bool,
    /// The manager's reason when an override set the due date.
    pub overridden: Option<String>,
    /// Overdue by more than the escalation delay (policy, in working days).
    pub escalated: bool,
}

impl Milestone {
    /// For a done milestone, how many days after its due date it was done (0 when on time);
    /// `None` while it is not done. Ofsted asks how late, not just whether.
    pub fn days_late(&self) -> Option<i64> {
        days_late(self.due, self.done_on)
    }
}

/// Days from `due` to `done_on`, never below 0; `None` when not done.
pub fn days_late(due: NaiveDate, done_on: Option<NaiveDate>) -> Option<i64> {
    done_on.map(|d| (d - due).num_days().max(0))
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    PaAllocated(NaiveDate),
    AssessmentCompleted(NaiveDate),
    PlanApproved(NaiveDate),
    PlanReviewed(NaiveDate),
    HousingPlanAgreed(NaiveDate),
    MoneyReady(NaiveDate),
    StayingPutDecision(NaiveDate),
    ChangeOfCircumstances(NaiveDate),
    ReviewRequested(NaiveDate),
    MissingEpisode {
        start: NaiveDate,
        returned: Option<NaiveDate>,
    },
    ReturnInterviewOffered(NaiveDate),
    PaVisit(NaiveDate),
    PaContact(NaiveDate),
    Oc3Recorded(NaiveDate),
    /// Accommodation provided by the authority (CA 1989 s.23B(8) or s.24B), end exclusive.
    AuthorityAccommodation {
        start: NaiveDate,
        end: Option<NaiveDate>,
    },
}

/// A manager's override of a policy due date, with the recorded reason (RULES.md section 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub code: MilestoneCode,
    pub due: NaiveDate,
    pub reason: String,
}

/// Where a milestone due on `due` stands on `as_of` (RULES.md section 2): done once done, overdue
/// after its due date, due soon within `due_soon_days`, else upcoming.
pub fn state_on(
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    as_of: NaiveDate,
    due_soon_days: u32,
) -> MilestoneState {
    if done_on.is_some() {
        MilestoneState::Done
    } else if as_of > due {
        MilestoneState::Overdue
    } else if (due - as_of).num_days() <= i64::from(due_soon_days) {
        MilestoneState::DueSoon
    } else {
        MilestoneState::Upcoming
    }
}

/// Everything the engine needs.
#[derive(Debug, Clone, Copy)]
pub struct TimelineInput<'a> {
    pub history: &'a CareHistory,
    pub events: &'a [Event],
    pub overrides: &'a [Override],
    pub policy: &'a Policy,
    pub holidays: &'a BankHolidays,
    pub as_of: NaiveDate,
}

/// The result: the legal status and the milestones sorted by due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub status: StatusExplanation,
    pub milestones: Vec<Milestone>,
}

/// Whether a manager may override `code`. Statutory milestones cannot be overridden
/// (RULES.md section 3: "A manager may override a policy rule (never a statutory one)").
pub fn check_override(code: MilestoneCode) -> Result<(), String> {
    if code.is_statutory() {
        Err(format!(
            "{} ({}) is set by law ({}) and cannot be overridden; an authority may only be stricter",
            code.code(),
            code.title(),
            code.statutory_source()
        ))
    } else {
        Ok(())
    }
}

/// Events sorted by kind and date, limited to `dob..=as_of`.
#[derive(Default)]
struct Facts {
    pa_allocated: Vec<NaiveDate>,
    assessments: Vec<NaiveDate>,
    plans_approved: Vec<NaiveDate>,
    plan_reviews: Vec<NaiveDate>,
    housing: Vec<NaiveDate>,
    money: Vec<NaiveDate>,
    staying_put: Vec<NaiveDate>,
    changes: Vec<NaiveDate>,
    requests: Vec<NaiveDate>,
    /// (start, returned)
    missing: Vec<(NaiveDate, NaiveDate)>,
    interviews: Vec<NaiveDate>,
    pa_visits: Vec<NaiveDate>,
    pa_contacts: Vec<NaiveDate>,
    oc3: Vec<NaiveDate>,
    /// (start, end)
    accommodation: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl Facts {
    fn new(events: &[Event], dob: NaiveDate, as_of: NaiveDate) -> Self {
        let ok = |d: &NaiveDate| dob <= *d && *d <= as_of;
        let mut f = Facts::default();
        for e in events {
            match e {
                Event::PaAllocated(d) if ok(d) => f.pa_allocated.push(*d),
                Event::AssessmentCompleted(d) if ok(d) => f.assessments.push(*d),
                Event::PlanApproved(d) if ok(d) => f.plans_approved.push(*d),
                Event::PlanReviewed(d) if ok(d) => f.plan_reviews.push(*d),
                Event::HousingPlanAgreed(d) if ok(d) => f.housing.push(*d),
                Event::MoneyReady(d) if ok(d) => f.money.push(*d),
                Event::StayingPutDecision(d) if ok(d) => f.staying_put.push(*d),
                Event::ChangeOfCircumstances(d) if ok(d) => f.changes.push(*d),
                Event::ReviewRequested(d) if ok(d) => f.requests.push(*d),
                Event::MissingEpisode {
                    start,
                    returned: Some(r),
                } if ok(start) && ok(r) && start <= r => f.missing.push((*start, *r)),
                Event::ReturnInterviewOffered(d) if ok(d) => f.interviews.push(*d),
                Event::PaVisit(d) if ok(d) => f.pa_visits.push(*d),
                Event::PaContact(d) if ok(d) => f.pa_contacts.push(*d),
                Event::Oc3Recorded(d) if ok(d) => f.oc3.push(*d),
                // An end on or before the start is a data error: treat as not provided.
                Event::AuthorityAccommodation { start, end }
                    if ok(start) && end.is_none_or(|e| e > *start) =>
                {
                    f.accommodation.push((*start, *end));
                }
                _ => {}
            }
        }
        for v in [
            &mut f.pa_allocated,
            &mut f.assessments,
            &mut f.plans_approved,
            &mut f.plan_reviews,
            &mut f.housing,
            &mut f.money,
            &mut f.staying_put,
            &mut f.changes,
            &mut f.requests,
            &mut f.interviews,
            &mut f.pa_visits,
            &mut f.pa_contacts,
            &mut f.oc3,
        ] {
            v.sort();
        }
        f.missing.sort();
        f.accommodation.sort();
        f
    }
}

/// A milestone before state, override and escalation are applied.
struct Draft {
    code: MilestoneCode,
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    rule: String,
    source: &'static str,
}

fn first(v: &[NaiveDate]) -> Option<NaiveDate> {
    v.first().copied()
}

fn first_on_or_after(v: &[NaiveDate], d: NaiveDate) -> Option<NaiveDate> {
    v.iter().copied().find(|x| *x >= d)
}

fn days(n: u32) -> Duration {
    Duration::days(i64::from(n))
}

fn age_rule(dob: NaiveDate, months: u32, what: &str) -> String {
    format!("{} (born {dob}); {what}", describe_months(months))
}

/// Computes the timeline.
pub fn compute(input: &TimelineInput) -> Timeline {
    let h = input.history;
    let p = input.policy;
    let as_of = input.as_of;
    let dob = h.dob;
    let status = status_on(h, as_of);
    let facts = Facts::new(input.events, dob, as_of);
    let eighteen = at_age(dob, 18, 0);
    let twenty_one = at_age(dob, 21, 0);

    let mut drafts: Vec<Draft> = Vec::new();

    // Who is on the care-leaver track: eligible, relevant or former relevant now, or heading
    // for eligibility (under 18, projected eligible while the current care continues).
    let care_leaver = status.eligibility_date.is_some()
        && match status.status {
            LegalStatus::Eligible | LegalStatus::Relevant | LegalStatus::FormerRelevant => true,
            LegalStatus::Qualifying => false,
            LegalStatus::NotInScope => as_of < eighteen,
        };

    let fr_duties_end = former_relevant_duties_end(h);
    let was_former_relevant = former_relevant_at_18(h);

    if was_former_relevant && as_of >= fr_duties_end {
        // Duties have ended: the timeline is closed.
        drafts.push(duties_end_draft(
            h,
            fr_duties_end,
            true,
            Some(fr_duties_end),
        ));
    } else if !care_leaver && as_of >= twenty_one && looked_after_since_16(h, as_of) {
        drafts.push(duties_end_draft(h, twenty_one, false, Some(twenty_one)));
    } else {
        if let Some(elig) = status.eligibility_date.filter(|_| care_leaver) {
            care_leaver_milestones(input, &status, &facts, elig, &mut drafts);
            drafts.push(duties_end_draft(h, fr_duties_end, true, None));
        } else if status.status == LegalStatus::Qualifying
            || (status.status == LegalStatus::NotInScope
                && looked_after_on(h, as_of)
                && status.age_years >= 16
                && as_of < eighteen)
        {
            drafts.push(duties_end_draft(h, twenty_one, false, None));
        }
        if let Some(d) = return_interview(h, p, &facts) {
            drafts.push(d);
        }
    }

    let mut milestones: Vec<Milestone> = drafts
        .into_iter()
        .map(|d| finish(d, input, status.eligibility_date))
        .collect();
    milestones.sort_by_key(|m| (m.due, m.code));
    Timeline { status, milestones }
}

/// The care-leaver track's milestones for a young person eligible on `elig`, group by group.
fn care_leaver_milestones(
    input: &TimelineInput,
    status: &StatusExplanation,
    facts: &Facts,
    elig: NaiveDate,
    out: &mut Vec<Draft>,
) {
    let p = input.policy;
    out.extend(leaving_care::drafts(input, facts, elig));
    out.extend(housing::drafts(input, facts));
    out.extend(reviews::plan_review(input, status, facts));
    out.extend(reviews::assessment_update(p, facts));
    out.extend(contact::pa_visit(input, facts));
    out.extend(contact::pa_contact(p, facts));
    out.extend(post_18::oc3(input.history, p, input.as_of, facts));
}

fn finish(d: Draft, input: &TimelineInput, eligibility: Option<NaiveDate>) -> Milestone {
    let p = input.policy;
    let as_of = input.as_of;
    let mut due = d.due;
    let mut rule = d.rule;
    let mut overridden = None;
    if let Some(o) = input.overrides.iter().rev().find(|o| o.code == d.code) {
        match check_override(d.code) {
            Err(_) => {
                // Statutory: never changes the date.
            }
            Ok(()) => {
                let latest = override_limit(d.code, input.history.dob, eligibility, input.holidays);
                if o.due <= input.history.dob {
                    rule.push_str(&format!(
                        "; override to {} not applied: not after the date of birth",
                        o.due
                    ));
                } else if let Some((limit, why)) = latest.filter(|(limit, _)| o.due > *limit) {
                    rule.push_str(&format!(
                        "; override to {} not applied: later than {limit} ({why})",
                        o.due
                    ));
                } else {
                    rule = format!("{rule}; overridden to {} by a manager", o.due);
                    due = o.due;
                    overridden = Some(o.reason.clone());
                }
            }
        }
    }
    let state = state_on(due, d.done_on, as_of, p.due_soon_days);
    let escalated = state == MilestoneState::Overdue
        && as_of
            > input
                .holidays
                .add_working_days(due, p.escalation_working_days);
    Milestone {
        code: d.code,
        due,
        state,
        done_on: d.done_on,
        rule,
        source: d.source,
        statutory: d.code.is_statutory(),
        overridden,
        escalated,
    }
}

/// The latest date an override may set, where a statutory duty sits behind a policy date.
/// PA_ALLOCATED: CA 1989 Sch 2 para 19C, every eligible child has a personal adviser; the
/// latest allowed is the 16th birthday, or 20 working days after a later eligibility.
fn override_limit(
    code: MilestoneCode,
    dob: NaiveDate,
    eligibility: Option<NaiveDate>,
    holidays: &BankHolidays,
) -> Option<(NaiveDate, &'static str)> {
    match code {
        MilestoneCode::PaAllocated => {
            let sixteen = at_age(dob, 16, 0);
            let limit = match eligibility {
                Some(e) if e > sixteen => {
                    holidays.add_working_days(e, LATE_ELIGIBILITY_PA_WORKING_DAYS)
                }
                _ => sixteen,
            };
            Some((
                limit,
                "CA 1989 Sch 2 para 19C: every eligible child has a personal adviser",
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
