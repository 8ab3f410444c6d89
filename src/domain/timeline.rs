//! The transition timeline engine: which milestones apply to a young person, when each is due,
//! and its state on the "as of" date (RULES.md sections 2-3; REFERENCE.md 1.3).
//!
//! Every due date carries the rule that set it (in plain English, with its inputs) and its
//! source. Events dated before the date of birth or after the "as of" date are ignored, so the
//! timeline is a pure function of its inputs as they stood on that date.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::age::{add_months, at_age, describe_months};
use super::policy::Policy;
use super::status::{
    CareHistory, LegalStatus, StatusExplanation, former_relevant_at_18, former_relevant_duties_end,
    looked_after_on, looked_after_since_16, relevant_on, status_on,
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
        drafts.push(Draft {
            code: MilestoneCode::DutiesEnd,
            due: twenty_one,
            done_on: Some(twenty_one),
            rule: format!(
                "21st birthday (born {dob}): advice and assistance to a qualifying person end"
            ),
            source: "CA 1989 s.24",
        });
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

fn duties_end_draft(
    h: &CareHistory,
    due: NaiveDate,
    former_relevant: bool,
    done_on: Option<NaiveDate>,
) -> Draft {
    let (rule, source) = if !former_relevant {
        (
            format!(
                "21st birthday (born {}): advice and assistance to a qualifying person end",
                h.dob
            ),
            "CA 1989 s.24",
        )
    } else if h.education_after_21 || h.requested_pa_after_21 {
        let why = match (h.education_after_21, h.requested_pa_after_21) {
            (true, true) => "education or training after 21 and a personal adviser requested",
            (true, false) => "education or training after 21",
            _ => "a personal adviser requested after 21",
        };
        (
            format!("25th birthday (born {}): {why}", h.dob),
            "CA 1989 s.23CA, s.23CZB(3)",
        )
    } else {
        (
            format!("21st birthday (born {})", h.dob),
            "CA 1989 s.23C(6)-(7)",
        )
    };
    Draft {
        code: MilestoneCode::DutiesEnd,
        due,
        done_on,
        rule,
        source,
    }
}

/// The statutory needs assessment due date for an eligible child.
/// CPPCR 2010 reg 42(1): "not more than three months after the date on which C reaches the age
/// of 16 or becomes an eligible child after that age"; the policy may only shorten the 3 months.
pub fn needs_assessment_due(dob: NaiveDate, eligibility: NaiveDate, policy: &Policy) -> NaiveDate {
    let months = policy.assessment_months_after_16;
    at_age(dob, 16, months).max(add_months(eligibility, months))
}

fn care_leaver_milestones(
    input: &TimelineInput,
    status: &StatusExplanation,
    facts: &Facts,
    elig: NaiveDate,
    out: &mut Vec<Draft>,
) {
    let h = input.history;
    let p = input.policy;
    let dob = h.dob;
    let as_of = input.as_of;

    // PA_ALLOCATED: policy age, or 20 working days after a later eligibility.
    // CA 1989 Sch 2 para 19C; s.23B(2). "Later" means after both the policy age and the 16th
    // birthday: a policy earlier than 16 (Barnet's 15y6m) is kept for a child who becomes
    // eligible on the 16th birthday, and the late-eligibility rule only applies to children
    // who become eligible after 16.
    let policy_pa = at_age(dob, 0, p.pa_allocation_age_months);
    let (pa_due, pa_rule) = if elig > policy_pa.max(at_age(dob, 16, 0)) {
        (
            input
                .holidays
                .add_working_days(elig, LATE_ELIGIBILITY_PA_WORKING_DAYS),
            format!(
                "{LATE_ELIGIBILITY_PA_WORKING_DAYS} working days after becoming eligible on {elig} (later than the policy age of {})",
                describe_months(p.pa_allocation_age_months)
            ),
        )
    } else {
        (
            policy_pa,
            age_rule(
                dob,
                p.pa_allocation_age_months,
                "local policy age for allocating a personal adviser",
            ),
        )
    };
    out.push(Draft {
        code: MilestoneCode::PaAllocated,
        due: pa_due,
        done_on: first(&facts.pa_allocated),
        rule: pa_rule,
        source: "CA 1989 Sch 2 para 19C; s.23B(2)",
    });

    // NEEDS_ASSESSMENT: CPPCR 2010 reg 42(1).
    let months = p.assessment_months_after_16;
    let at_16 = at_age(dob, 16, months);
    let assess_due = needs_assessment_due(dob, elig, p);
    let assess_rule = if assess_due > at_16 {
        format!(
            "{} after becoming eligible on {elig} (later than {} (born {dob}))",
            describe_months(months),
            describe_months(16 * 12 + months)
        )
    } else {
        format!(
            "{} (born {dob}); eligible on {elig}",
            describe_months(16 * 12 + months)
        )
    };
    let assessment_done = first(&facts.assessments);
    out.push(Draft {
        code: MilestoneCode::NeedsAssessment,
        due: assess_due,
        done_on: assessment_done,
        rule: assess_rule,
        source: "CPPCR 2010 reg 42(1)",
    });

    // PATHWAY_PLAN: CPPCR 2010 reg 43, "as soon as possible" after the assessment, capped at
    // the assessment's due date + plan days.
    let plan_days = days(p.plan_days_after_assessment);
    let cap = assess_due + plan_days;
    let (plan_due, plan_rule) = match assessment_done {
        Some(a) if a + plan_days < cap => (
            a + plan_days,
            format!(
                "{} days after the needs assessment completed on {a}",
                p.plan_days_after_assessment
            ),
        ),
        _ => (
            cap,
            format!(
                "{} days after the needs assessment due date {assess_due}",
                p.plan_days_after_assessment
            ),
        ),
    };
    out.push(Draft {
        code: MilestoneCode::PathwayPlan,
        due: plan_due,
        done_on: first(&facts.plans_approved),
        rule: plan_rule,
        source: "CPPCR 2010 reg 43",
    });

    // HOUSING_PLAN, MONEY_READY: local policy (Barnet findings).
    out.push(Draft {
        code: MilestoneCode::HousingPlan,
        due: at_age(dob, 0, p.housing_plan_age_months),
        done_on: first(&facts.housing),
        rule: age_rule(
            dob,
            p.housing_plan_age_months,
            "local policy age for the housing plan",
        ),
        source: "Local policy; CLR 2010 Sch 1 item 5, Sch 2",
    });
    out.push(Draft {
        code: MilestoneCode::MoneyReady,
        due: at_age(dob, 0, p.money_ready_age_months),
        done_on: first(&facts.money),
        rule: age_rule(
            dob,
            p.money_ready_age_months,
            "local policy age for money readiness",
        ),
        source: "Local policy (local offer)",
    });

    // TURNING_18: CA 1989 s.23C, s.23CZA.
    out.push(Draft {
        code: MilestoneCode::Turning18,
        due: at_age(dob, 18, 0),
        done_on: first(&facts.staying_put),
        rule: format!("18th birthday (born {dob}); done when the staying put decision is recorded"),
        source: "CA 1989 s.23C, s.23CZA",
    });

    if let Some(d) = plan_review(input, status, facts) {
        out.push(d);
    }

    // ASSESSMENT_UPDATE: local policy (Ofsted 2019 recommendation).
    if let Some(change) = facts.changes.last().copied() {
        out.push(Draft {
            code: MilestoneCode::AssessmentUpdate,
            due: change + days(p.assessment_update_days),
            done_on: first_on_or_after(&facts.assessments, change),
            rule: format!(
                "{} days after the change of circumstances recorded on {change}",
                p.assessment_update_days
            ),
            source: "Local policy (Ofsted 2019 recommendation)",
        });
    }

    if let Some(d) = pa_visit(input, facts) {
        out.push(d);
    }

    // PA_CONTACT: local policy, once a personal adviser is allocated.
    if !facts.pa_allocated.is_empty() {
        let last = facts
            .pa_contacts
            .iter()
            .chain(&facts.pa_visits)
            .chain(&facts.pa_allocated)
            .max()
            .copied();
        if let Some(last) = last {
            out.push(Draft {
                code: MilestoneCode::PaContact,
                due: add_months(last, p.pa_contact_interval_months),
                done_on: None,
                rule: format!(
                    "{} after the last personal adviser contact, visit or allocation on {last}",
                    describe_months(p.pa_contact_interval_months)
                ),
                source: "Local policy (local offer)",
            });
        }
    }

    if let Some(d) = oc3(h, p, as_of, facts) {
        out.push(d);
    }
}

/// PLAN_REVIEW: the earliest of the scheduled review and any event-driven review.
/// Eligible: CA 1989 Sch 2 para 19B(5)-(6), CPPCR 2010 reg 33 (second review 3 months after
/// the first, then every 6 months). Relevant and former relevant: CLR 2010 reg 7 (at least
/// every 6 months; on request). Relevant child in authority accommodation: CLR 2010 reg 7(3)
/// (28 days after moving in, then every 3 months).
fn plan_review(input: &TimelineInput, status: &StatusExplanation, facts: &Facts) -> Option<Draft> {
    let h = input.history;
    let p = input.policy;
    let first_plan = first(&facts.plans_approved)?;
    let last = facts
        .plans_approved
        .iter()
        .chain(&facts.plan_reviews)
        .max()
        .copied()
        .unwrap_or(first_plan);
    let reviews_since_plan = facts
        .plan_reviews
        .iter()
        .filter(|r| **r >= first_plan)
        .count();

    let mut candidates: Vec<(NaiveDate, String, &'static str)> = Vec::new();
    if status.status == LegalStatus::Eligible {
        // The plan approval counts as the first review of the plan.
        let months = if reviews_since_plan == 0 {
            SECOND_LAC_REVIEW_MONTHS.min(p.review_interval_months)
        } else {
            p.review_interval_months
        };
        candidates.push((
            add_months(last, months),
            format!(
                "{} after the last plan approval or review on {last} (looked-after review cycle)",
                describe_months(months)
            ),
            "CA 1989 Sch 2 para 19B(5)-(6); CPPCR 2010 reg 33",
        ));
    } else {
        candidates.push((
            add_months(last, p.review_interval_months),
            format!(
                "{} after the last plan approval or review on {last}",
                describe_months(p.review_interval_months)
            ),
            "CLR 2010 reg 7",
        ));
    }

    if let Some((start, end)) = facts
        .accommodation
        .last()
        .copied()
        .filter(|(start, _)| relevant_on(h, *start))
    {
        let ongoing = end.is_none_or(|e| e > input.as_of);
        if start >= last {
            candidates.push((
                    start + Duration::days(ACCOMMODATION_REVIEW_DAYS),
                    format!(
                        "{ACCOMMODATION_REVIEW_DAYS} days after moving into authority accommodation on {start}"
                    ),
                    "CLR 2010 reg 7(3)",
                ));
        } else if ongoing && status.status == LegalStatus::Relevant {
            candidates.push((
                    add_months(last, ACCOMMODATION_REVIEW_MONTHS),
                    format!(
                        "{} after the last review on {last} while in authority accommodation (since {start})",
                        describe_months(ACCOMMODATION_REVIEW_MONTHS)
                    ),
                    "CLR 2010 reg 7(3)",
                ));
        }
    }
    if let Some(change) = facts.changes.iter().copied().find(|c| *c > last) {
        candidates.push((
            change + days(p.change_review_days),
            format!(
                "{} days after the change of circumstances recorded on {change}",
                p.change_review_days
            ),
            "CLR 2010 reg 7 (local policy: review after a change of circumstances)",
        ));
    }
    if let Some(request) = facts.requests.iter().copied().find(|r| *r > last) {
        candidates.push((
            request + days(p.request_review_days),
            format!(
                "{} days after the young person asked for a review on {request}",
                p.request_review_days
            ),
            "CLR 2010 reg 7 (review at the young person's request)",
        ));
    }
    let (due, rule, source) = candidates.into_iter().min_by_key(|c| c.0)?;
    Some(Draft {
        code: MilestoneCode::PlanReview,
        due,
        done_on: None,
        rule,
        source,
    })
}

/// PA_VISIT in authority accommodation: CLR 2010 reg 8(2): "(a) within 7 days of the
/// accommodation first being provided, (b) subsequently, before the pathway plan is reviewed
/// under regulation 7(3), and (c) at subsequent intervals of not more than two months".
fn pa_visit(input: &TimelineInput, facts: &Facts) -> Option<Draft> {
    let p = input.policy;
    let (start, end) = facts.accommodation.last().copied()?;
    let visits: Vec<NaiveDate> = facts
        .pa_visits
        .iter()
        .copied()
        .filter(|v| *v >= start && end.is_none_or(|e| *v < e))
        .collect();
    let (due, rule, source) = match visits.last().copied() {
        None => (
            start + days(p.pa_visit_first_days),
            format!(
                "within {} days of authority accommodation first being provided on {start}",
                p.pa_visit_first_days
            ),
            "CLR 2010 reg 8(2)(a)",
        ),
        Some(last) => {
            let regular = add_months(last, p.pa_visit_interval_months);
            let review_28 = start + Duration::days(ACCOMMODATION_REVIEW_DAYS);
            let reviewed_since = facts.plan_reviews.iter().any(|r| *r >= start);
            if visits.len() == 1
                && !reviewed_since
                && relevant_on(input.history, start)
                && review_28 < regular
            {
                (
                    review_28,
                    format!(
                        "before the 28-day review of the pathway plan (authority accommodation from {start})"
                    ),
                    "CLR 2010 reg 8(2)(b)",
                )
            } else {
                (
                    regular,
                    format!(
                        "{} after the last visit on {last} (authority accommodation from {start})",
                        describe_months(p.pa_visit_interval_months)
                    ),
                    "CLR 2010 reg 8(2)(c)",
                )
            }
        }
    };
    // Once the accommodation has ended, only a visit missed while it lasted is shown.
    if end.is_some_and(|e| e <= input.as_of && due >= e) {
        return None;
    }
    Some(Draft {
        code: MilestoneCode::PaVisit,
        due,
        done_on: None,
        rule,
        source,
    })
}

/// RETURN_INTERVIEW for the latest missing episode with a return date, if the young person
/// returned before the 18th birthday. DfE statutory guidance on children who run away or go
/// missing from home or care (2014): offered within 72 hours of return.
fn return_interview(h: &CareHistory, p: &Policy, facts: &Facts) -> Option<Draft> {
    let (start, returned) = facts.missing.iter().copied().max_by_key(|m| (m.1, m.0))?;
    if returned >= at_age(h.dob, 18, 0) {
        return None;
    }
    let day_count = p.return_interview_hours.div_ceil(24);
    Some(Draft {
        code: MilestoneCode::ReturnInterview,
        due: returned + days(day_count),
        done_on: first_on_or_after(&facts.interviews, returned),
        rule: format!(
            "{} hours ({day_count} days) after returning on {returned} from the missing episode that began on {start}",
            p.return_interview_hours
        ),
        source: "DfE statutory guidance on children who run away or go missing (2014)",
    })
}

/// OC3_RECORD (SSDA903 care-leaver return): the next of the 17th to 21st birthdays at which the
/// young person is a care leaver (relevant or former relevant) and whose window (policy, default
/// 3 months before to 1 month after) has not passed; due at the end of the window.
fn oc3(h: &CareHistory, p: &Policy, as_of: NaiveDate, facts: &Facts) -> Option<Draft> {
    for n in 17u32..=21 {
        let birthday = at_age(h.dob, n, 0);
        let window_start = at_age(
            h.dob,
            0,
            (n * 12).saturating_sub(p.oc3_window_before_months),
        );
        let window_end = at_age(h.dob, 0, n * 12 + p.oc3_window_after_months);
        if as_of > window_end {
            continue;
        }
        let at_birthday = status_on(h, birthday).status;
        let leaver = matches!(
            at_birthday,
            LegalStatus::Relevant | LegalStatus::FormerRelevant
        ) || (n == 21
            && status_on(h, birthday.pred_opt().unwrap_or(birthday)).status
                == LegalStatus::FormerRelevant);
        if !leaver {
            continue;
        }
        let done_on = facts
            .oc3
            .iter()
            .copied()
            .find(|d| window_start <= *d && *d <= window_end);
        return Some(Draft {
            code: MilestoneCode::Oc3Record,
            due: window_end,
            done_on,
            rule: format!(
                "{} after the {n}th birthday on {birthday}; window {window_start} to {window_end}",
                describe_months(p.oc3_window_after_months)
            ),
            source: "SSDA903 OC3 (window unverified)",
        });
    }
    None
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
