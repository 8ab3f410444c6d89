//! Property and example tests of `domain::timeline`.

use super::super::status::{Episode, Period};
use super::*;
use proptest::prelude::*;
use serde::de::IntoDeserializer;
use serde::de::value::{Error as DeError, StrDeserializer};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ep(start: &str, end: Option<&str>) -> Episode {
    Episode {
        start: d(start),
        end: end.map(d),
        short_breaks_only: false,
    }
}

/// Born 2010-03-01: 16 on 2026-03-01, 16y3m 2026-06-01, 17 2027-03-01,
/// 17y6m 2027-09-01, 18 2028-03-01, 21 2031-03-01, 25 2035-03-01.
fn child(episodes: Vec<Episode>) -> CareHistory {
    CareHistory {
        dob: d("2010-03-01"),
        episodes,
        ..Default::default()
    }
}

struct Run {
    history: CareHistory,
    events: Vec<Event>,
    overrides: Vec<Override>,
    policy: Policy,
    holidays: BankHolidays,
}

impl Run {
    fn new(history: CareHistory) -> Self {
        Run {
            history,
            events: Vec::new(),
            overrides: Vec::new(),
            policy: Policy::default(),
            holidays: BankHolidays::england_and_wales(),
        }
    }
    fn at(&self, as_of: &str) -> Timeline {
        self.at_date(d(as_of))
    }
    fn at_date(&self, as_of: NaiveDate) -> Timeline {
        compute(&TimelineInput {
            history: &self.history,
            events: &self.events,
            overrides: &self.overrides,
            policy: &self.policy,
            holidays: &self.holidays,
            as_of,
        })
    }
}

fn get(t: &Timeline, code: MilestoneCode) -> &Milestone {
    t.milestones
        .iter()
        .find(|m| m.code == code)
        .unwrap_or_else(|| panic!("{} missing from {:#?}", code.code(), t.milestones))
}

fn has(t: &Timeline, code: MilestoneCode) -> bool {
    t.milestones.iter().any(|m| m.code == code)
}

fn codes(t: &Timeline) -> Vec<&'static str> {
    t.milestones.iter().map(|m| m.code.code()).collect()
}

/// In care since age 12, open episode.
fn long_term() -> CareHistory {
    child(vec![ep("2022-06-01", None)])
}

/// In care from 12 until 2027-01-10 (16y10m): relevant from then.
fn leaver() -> CareHistory {
    child(vec![ep("2022-06-01", Some("2027-01-10"))])
}

use MilestoneCode as C;

#[test]
fn codes_parse_titles_and_serde_names() {
    for c in MilestoneCode::ALL {
        assert_eq!(MilestoneCode::parse(c.code()), Some(c));
        let de: StrDeserializer<DeError> = c.code().into_deserializer();
        assert_eq!(
            <MilestoneCode as serde::Deserialize>::deserialize(de).unwrap(),
            c,
            "{}",
            c.code()
        );
        assert!(!c.title().is_empty());
    }
    assert_eq!(C::Turning18.code(), "TURNING_18");
    assert_eq!(C::Oc3Record.code(), "OC3_RECORD");
    assert_eq!(C::PaAllocated.title(), "Allocate a personal adviser");
    assert_eq!(MilestoneCode::parse("pa_allocated"), None);
    let mut all = MilestoneCode::ALL.to_vec();
    all.dedup();
    assert_eq!(all.len(), 13);
    let policy_codes: Vec<_> = MilestoneCode::ALL
        .into_iter()
        .filter(|c| !c.is_statutory())
        .collect();
    assert_eq!(
        policy_codes,
        vec![
            C::PaAllocated,
            C::HousingPlan,
            C::MoneyReady,
            C::AssessmentUpdate,
            C::PaContact
        ]
    );
}

#[test]
fn fifteen_year_old_in_care_sees_the_transition_ahead() {
    let t = Run::new(long_term()).at("2025-06-01");
    assert_eq!(t.status.status, LegalStatus::NotInScope);
    assert_eq!(t.status.eligibility_date, Some(d("2026-03-01")));
    assert_eq!(
        codes(&t),
        vec![
            "PA_ALLOCATED",
            "NEEDS_ASSESSMENT",
            "PATHWAY_PLAN",
            "HOUSING_PLAN",
            "MONEY_READY",
            "TURNING_18",
            "OC3_RECORD",
            "DUTIES_END"
        ]
    );
    let due: Vec<NaiveDate> = t.milestones.iter().map(|m| m.due).collect();
    assert_eq!(
        due,
        vec![
            d("2026-03-01"),
            d("2026-06-01"),
            d("2026-06-29"),
            d("2027-03-01"),
            d("2027-09-01"),
            d("2028-03-01"),
            d("2028-04-01"),
            d("2031-03-01")
        ]
    );
    assert!(
        t.milestones
            .iter()
            .all(|m| m.state == MilestoneState::Upcoming)
    );
    assert_eq!(
        get(&t, C::NeedsAssessment).rule,
        "16 years 3 months (born 2010-03-01); eligible on 2026-03-01"
    );
    assert_eq!(get(&t, C::NeedsAssessment).source, "CPPCR 2010 reg 42(1)");
    assert!(get(&t, C::NeedsAssessment).statutory);
    assert!(!get(&t, C::HousingPlan).statutory);
}

#[test]
fn pa_allocated_policy_age_or_20_working_days_after_late_eligibility() {
    let mut run = Run::new(long_term());
    run.policy.pa_allocation_age_months = 15 * 12 + 6;
    let t = run.at("2025-06-01");
    assert_eq!(get(&t, C::PaAllocated).due, d("2025-09-01"));
    assert!(
        get(&t, C::PaAllocated)
            .rule
            .starts_with("15 years 6 months (born 2010-03-01)")
    );
    // Enters care at 16y2m: eligible after 91 days on 2026-07-30; 20 working days on
    // (summer bank holiday is 31 August) is 2026-08-27.
    let run = Run::new(child(vec![ep("2026-05-01", None)]));
    let t = run.at("2026-05-02");
    assert_eq!(t.status.eligibility_date, Some(d("2026-07-30")));
    assert_eq!(get(&t, C::PaAllocated).due, d("2026-08-27"));
    assert!(
        get(&t, C::PaAllocated)
            .rule
            .contains("20 working days after becoming eligible on 2026-07-30")
    );
    // Late eligibility also moves the needs assessment to eligibility + 3 months.
    assert_eq!(get(&t, C::NeedsAssessment).due, d("2026-10-30"));
    assert_eq!(get(&t, C::PathwayPlan).due, d("2026-11-27"));
    // Done by the first allocation.
    let mut run = Run::new(long_term());
    run.events = vec![
        Event::PaAllocated(d("2026-04-01")),
        Event::PaAllocated(d("2026-02-01")),
    ];
    let m = get(&run.at("2026-05-01"), C::PaAllocated).clone();
    assert_eq!(
        (m.state, m.done_on),
        (MilestoneState::Done, Some(d("2026-02-01")))
    );
}

#[test]
fn needs_assessment_states_and_escalation() {
    let run = Run::new(long_term());
    let state = |s: &str| {
        let t = run.at(s);
        let m = get(&t, C::NeedsAssessment);
        (m.state, m.escalated)
    };
    assert_eq!(state("2026-05-17"), (MilestoneState::Upcoming, false));
    assert_eq!(state("2026-05-18"), (MilestoneState::DueSoon, false));
    assert_eq!(state("2026-06-01"), (MilestoneState::DueSoon, false));
    assert_eq!(state("2026-06-02"), (MilestoneState::Overdue, false));
    // Due Mon 1 June 2026; 5 working days later is Mon 8 June; escalated after that.
    assert_eq!(state("2026-06-08"), (MilestoneState::Overdue, false));
    assert_eq!(state("2026-06-09"), (MilestoneState::Overdue, true));
    let mut run = Run::new(long_term());
    run.events = vec![Event::AssessmentCompleted(d("2026-06-20"))];
    let m = get(&run.at("2026-07-01"), C::NeedsAssessment).clone();
    assert_eq!(
        (m.state, m.done_on, m.escalated),
        (MilestoneState::Done, Some(d("2026-06-20")), false)
    );
}

#[test]
fn pathway_plan_after_assessment_never_after_cap() {
    let mut run = Run::new(long_term());
    run.events = vec![Event::AssessmentCompleted(d("2026-04-10"))];
    let t = run.at("2026-04-11");
    assert_eq!(get(&t, C::PathwayPlan).due, d("2026-05-08"));
    assert!(
        get(&t, C::PathwayPlan)
            .rule
            .contains("completed on 2026-04-10")
    );
    // Late assessment: the plan stays due 28 days after the assessment's due date.
    run.events = vec![Event::AssessmentCompleted(d("2026-06-20"))];
    assert_eq!(
        get(&run.at("2026-06-21"), C::PathwayPlan).due,
        d("2026-06-29")
    );
    // Stricter policy: 14 days.
    run.policy.plan_days_after_assessment = 14;
    assert_eq!(
        get(&run.at("2026-06-21"), C::PathwayPlan).due,
        d("2026-06-15")
    );
    run.events.push(Event::PlanApproved(d("2026-06-25")));
    let m = get(&run.at("2026-06-26"), C::PathwayPlan).clone();
    assert_eq!(
        (m.state, m.done_on),
        (MilestoneState::Done, Some(d("2026-06-25")))
    );
}

#[test]
fn housing_money_turning_18() {
    let mut run = Run::new(long_term());
    run.events = vec![
        Event::HousingPlanAgreed(d("2027-02-01")),
        Event::StayingPutDecision(d("2027-12-01")),
    ];
    let t = run.at("2027-12-02");
    assert_eq!(get(&t, C::HousingPlan).state, MilestoneState::Done);
    assert_eq!(get(&t, C::MoneyReady).due, d("2027-09-01"));
    assert_eq!(get(&t, C::MoneyReady).state, MilestoneState::Overdue);
    assert!(get(&t, C::MoneyReady).escalated);
    assert_eq!(get(&t, C::Turning18).due, d("2028-03-01"));
    assert_eq!(get(&t, C::Turning18).done_on, Some(d("2027-12-01")));
    // Leap-day birth: 18 on 1 March in a common year, 17y6m on 29 August.
    let run = Run::new(CareHistory {
        dob: d("2008-02-29"),
        episodes: vec![ep("2022-06-01", None)],
        ..Default::default()
    });
    let t = run.at("2024-01-01");
    assert_eq!(get(&t, C::Turning18).due, d("2026-03-01"));
    assert_eq!(get(&t, C::MoneyReady).due, d("2025-08-29"));
    assert_eq!(get(&t, C::HousingPlan).due, d("2025-03-01"));
    assert_eq!(get(&t, C::NeedsAssessment).due, d("2024-05-29"));
}

#[test]
fn plan_review_eligible_cycle() {
    let mut run = Run::new(long_term());
    assert!(
        !has(&run.at("2026-05-01"), C::PlanReview),
        "no review before a plan exists"
    );
    run.events = vec![Event::PlanApproved(d("2026-05-08"))];
    let t = run.at("2026-05-09");
    assert_eq!(get(&t, C::PlanReview).due, d("2026-08-08"));
    assert!(get(&t, C::PlanReview).source.contains("reg 33"));
    run.events.push(Event::PlanReviewed(d("2026-08-01")));
    let t = run.at("2026-08-02");
    assert_eq!(get(&t, C::PlanReview).due, d("2027-02-01"));
    assert_eq!(get(&t, C::PlanReview).done_on, None);
    // Change of circumstances after the last review: 28 days.
    run.events
        .push(Event::ChangeOfCircumstances(d("2026-09-01")));
    run.events.push(Event::ReviewRequested(d("2026-09-10")));
    let t = run.at("2026-09-11");
    assert_eq!(get(&t, C::PlanReview).due, d("2026-09-29"));
    // A change before the last review does not count.
    run.events.push(Event::PlanReviewed(d("2026-09-20")));
    let t = run.at("2026-09-21");
    assert_eq!(get(&t, C::PlanReview).due, d("2027-03-20"));
}

#[test]
fn relevant_child_in_authority_accommodation() {
    let mut run = Run::new(leaver());
    run.events = vec![
        Event::PlanApproved(d("2026-05-08")),
        Event::PlanReviewed(d("2026-11-01")),
        Event::PaAllocated(d("2026-02-01")),
        Event::AuthorityAccommodation {
            start: d("2027-01-10"),
            end: None,
        },
    ];
    let t = run.at("2027-01-11");
    assert_eq!(t.status.status, LegalStatus::Relevant);
    // CLR reg 7(3): 28 days after moving in (2027-02-07), earlier than 6 months on.
    assert_eq!(get(&t, C::PlanReview).due, d("2027-02-07"));
    assert_eq!(get(&t, C::PlanReview).source, "CLR 2010 reg 7(3)");
    // CLR reg 8(2)(a): visit within 7 days.
    assert_eq!(get(&t, C::PaVisit).due, d("2027-01-17"));
    assert_eq!(get(&t, C::PaVisit).source, "CLR 2010 reg 8(2)(a)");
    // After the first visit: another before the 28-day review (reg 8(2)(b)).
    run.events.push(Event::PaVisit(d("2027-01-12")));
    let t = run.at("2027-01-13");
    assert_eq!(get(&t, C::PaVisit).due, d("2027-02-07"));
    assert_eq!(get(&t, C::PaVisit).source, "CLR 2010 reg 8(2)(b)");
    // PA contact counts the visit.
    assert_eq!(get(&t, C::PaContact).due, d("2027-03-12"));
    // After the 28-day review and a second visit: visits every 2 months, reviews every 3.
    run.events.push(Event::PaVisit(d("2027-02-01")));
    run.events.push(Event::PlanReviewed(d("2027-02-05")));
    let t = run.at("2027-02-06");
    assert_eq!(get(&t, C::PaVisit).due, d("2027-04-01"));
    assert_eq!(get(&t, C::PaVisit).source, "CLR 2010 reg 8(2)(c)");
    assert_eq!(get(&t, C::PlanReview).due, d("2027-05-05"));
    // Accommodation ended before the next visit was due: no PA_VISIT.
    run.events[3] = Event::AuthorityAccommodation {
        start: d("2027-01-10"),
        end: Some(d("2027-03-01")),
    };
    let t = run.at("2027-03-02");
    assert!(!has(&t, C::PaVisit));
    // Back to a 6-monthly review once the accommodation has ended.
    assert_eq!(get(&t, C::PlanReview).due, d("2027-08-05"));
}

#[test]
fn missed_first_visit_stays_visible_after_accommodation_ends() {
    let mut run = Run::new(leaver());
    run.events = vec![Event::AuthorityAccommodation {
        start: d("2027-01-10"),
        end: Some(d("2027-02-01")),
    }];
    let t = run.at("2027-02-10");
    assert_eq!(get(&t, C::PaVisit).due, d("2027-01-17"));
    assert_eq!(get(&t, C::PaVisit).state, MilestoneState::Overdue);
}

#[test]
fn assessment_update_after_change() {
    let mut run = Run::new(leaver());
    run.events = vec![
        Event::AssessmentCompleted(d("2026-04-01")),
        Event::ChangeOfCircumstances(d("2027-03-01")),
    ];
    let t = run.at("2027-03-02");
    assert_eq!(get(&t, C::AssessmentUpdate).due, d("2027-03-29"));
    assert_eq!(get(&t, C::AssessmentUpdate).state, MilestoneState::Upcoming);
    assert!(!get(&t, C::AssessmentUpdate).statutory);
    run.events.push(Event::AssessmentCompleted(d("2027-03-20")));
    let t = run.at("2027-03-21");
    assert_eq!(get(&t, C::AssessmentUpdate).done_on, Some(d("2027-03-20")));
    // No change recorded: no milestone.
    assert!(!has(
        &Run::new(leaver()).at("2027-03-02"),
        C::AssessmentUpdate
    ));
}

#[test]
fn pa_contact_every_two_months_once_allocated() {
    let mut run = Run::new(long_term());
    assert!(!has(&run.at("2026-02-02"), C::PaContact));
    run.events = vec![Event::PaAllocated(d("2026-02-01"))];
    assert_eq!(
        get(&run.at("2026-02-02"), C::PaContact).due,
        d("2026-04-01")
    );
    run.events.push(Event::PaContact(d("2026-03-31")));
    let m = get(&run.at("2026-04-01"), C::PaContact).clone();
    assert_eq!(m.due, d("2026-05-31"));
    assert_eq!(m.done_on, None);
    run.events.push(Event::PaContact(d("2026-05-31")));
    // 31 July exists; 31 May + 2 months = 31 July.
    assert_eq!(
        get(&run.at("2026-06-01"), C::PaContact).due,
        d("2026-07-31")
    );
}

#[test]
fn return_interview_72_hours() {
    let mut run = Run::new(long_term());
    run.events = vec![Event::MissingEpisode {
        start: d("2026-07-01"),
        returned: Some(d("2026-07-03")),
    }];
    let t = run.at("2026-07-04");
    assert_eq!(get(&t, C::ReturnInterview).due, d("2026-07-06"));
    assert_eq!(get(&t, C::ReturnInterview).state, MilestoneState::DueSoon);
    run.policy.return_interview_hours = 36;
    assert_eq!(
        get(&run.at("2026-07-04"), C::ReturnInterview).due,
        d("2026-07-05")
    );
    run.policy = Policy::default();
    run.events
        .push(Event::ReturnInterviewOffered(d("2026-07-05")));
    assert_eq!(
        get(&run.at("2026-07-08"), C::ReturnInterview).state,
        MilestoneState::Done
    );
    // Still missing: nothing due yet.
    let mut run = Run::new(long_term());
    run.events = vec![Event::MissingEpisode {
        start: d("2026-07-01"),
        returned: None,
    }];
    assert!(!has(&run.at("2026-07-04"), C::ReturnInterview));
    // Returned after the 18th birthday: no interview due.
    run.history = leaver();
    run.events = vec![Event::MissingEpisode {
        start: d("2028-03-02"),
        returned: Some(d("2028-03-03")),
    }];
    assert!(!has(&run.at("2028-03-04"), C::ReturnInterview));
}

#[test]
fn oc3_windows() {
    let mut run = Run::new(leaver());
    // Relevant at 17: window 2026-12-01 to 2027-04-01.
    let t = run.at("2027-01-15");
    assert_eq!(get(&t, C::Oc3Record).due, d("2027-04-01"));
    assert!(get(&t, C::Oc3Record).rule.contains("17th birthday"));
    // 18th birthday window: 2027-12-01 to 2028-04-01.
    run.events = vec![Event::Oc3Recorded(d("2028-01-15"))];
    let t = run.at("2028-02-01");
    assert_eq!(get(&t, C::Oc3Record).due, d("2028-04-01"));
    assert_eq!(get(&t, C::Oc3Record).done_on, Some(d("2028-01-15")));
    // A record outside the window does not count.
    run.events = vec![Event::Oc3Recorded(d("2027-11-30"))];
    assert_eq!(get(&run.at("2028-02-01"), C::Oc3Record).done_on, None);
    // After the 18th window: the 19th (due 2029-04-01).
    let t = run.at("2028-04-02");
    assert_eq!(get(&t, C::Oc3Record).due, d("2029-04-01"));
    // The 21st birthday still counts for a former relevant young person.
    assert_eq!(
        get(&run.at("2030-12-15"), C::Oc3Record).due,
        d("2031-04-01")
    );
    // Still in care at 17: the first OC3 is at 18.
    let t = Run::new(long_term()).at("2026-12-15");
    assert_eq!(get(&t, C::Oc3Record).due, d("2028-04-01"));
    // Beyond every window (duties to 25): omitted.
    let mut h = leaver();
    h.education_after_21 = true;
    let t = Run::new(h).at("2031-04-02");
    assert_eq!(t.status.status, LegalStatus::FormerRelevant);
    assert!(!has(&t, C::Oc3Record));
    assert!(has(&t, C::DutiesEnd));
}

#[test]
fn duties_end_21_25_and_closed() {
    let t = Run::new(leaver()).at("2028-06-01");
    assert_eq!(t.status.status, LegalStatus::FormerRelevant);
    assert_eq!(get(&t, C::DutiesEnd).due, d("2031-03-01"));
    assert_eq!(get(&t, C::DutiesEnd).source, "CA 1989 s.23C(6)-(7)");
    let mut h = leaver();
    h.requested_pa_after_21 = true;
    let t = Run::new(h.clone()).at("2028-06-01");
    assert_eq!(get(&t, C::DutiesEnd).due, d("2035-03-01"));
    assert!(
        get(&t, C::DutiesEnd)
            .rule
            .contains("personal adviser requested")
    );
    // After the 25th birthday: only DUTIES_END, done.
    let mut run = Run::new(h);
    run.events = vec![Event::PaAllocated(d("2026-02-01"))];
    let t = run.at("2035-03-01");
    assert_eq!(codes(&t), vec!["DUTIES_END"]);
    assert_eq!(get(&t, C::DutiesEnd).state, MilestoneState::Done);
}

#[test]
fn never_eligible_gets_no_care_leaver_milestones() {
    // 31 days in care at 16: qualifying, duties of advice and assistance to 21.
    let run = Run::new(child(vec![ep("2026-05-01", Some("2026-06-01"))]));
    let t = run.at("2026-07-01");
    assert_eq!(t.status.status, LegalStatus::Qualifying);
    assert_eq!(codes(&t), vec!["DUTIES_END"]);
    assert_eq!(get(&t, C::DutiesEnd).due, d("2031-03-01"));
    assert_eq!(get(&t, C::DutiesEnd).source, "CA 1989 s.24");
    // Never looked after: nothing.
    let t = Run::new(child(vec![])).at("2026-07-01");
    assert!(t.milestones.is_empty());
    // Relevant who went home for 6 months: qualifying, care-leaver milestones stop.
    let mut h = leaver();
    h.with_parent.push(status_period("2027-01-10"));
    let t = Run::new(h).at("2027-08-01");
    assert_eq!(t.status.status, LegalStatus::Qualifying);
    assert_eq!(codes(&t), vec!["DUTIES_END"]);
}

fn status_period(start: &str) -> Period {
    Period {
        start: d(start),
        end: None,
    }
}

#[test]
fn overrides_policy_only() {
    assert!(check_override(C::HousingPlan).is_ok());
    assert!(check_override(C::PaContact).is_ok());
    let err = check_override(C::NeedsAssessment).unwrap_err();
    assert!(err.contains("CPPCR 2010 reg 42(1)"), "{err}");
    assert!(
        check_override(C::PaVisit)
            .unwrap_err()
            .contains("CLR 2010 reg 8(2)")
    );

    let mut run = Run::new(long_term());
    run.overrides = vec![
        Override {
            code: C::HousingPlan,
            due: d("2026-12-01"),
            reason: "Moving area in January".into(),
        },
        Override {
            code: C::NeedsAssessment,
            due: d("2026-12-01"),
            reason: "Not allowed".into(),
        },
    ];
    let t = run.at("2025-06-01");
    let housing = get(&t, C::HousingPlan);
    assert_eq!(housing.due, d("2026-12-01"));
    assert_eq!(
        housing.overridden.as_deref(),
        Some("Moving area in January")
    );
    let assessment = get(&t, C::NeedsAssessment);
    assert_eq!(assessment.due, d("2026-06-01"));
    assert_eq!(assessment.overridden, None);
    // PA allocation may be brought forward, never pushed past the 16th birthday.
    run.overrides = vec![Override {
        code: C::PaAllocated,
        due: d("2026-06-01"),
        reason: "Waiting list".into(),
    }];
    let t = run.at("2025-06-01");
    assert_eq!(get(&t, C::PaAllocated).due, d("2026-03-01"));
    assert!(get(&t, C::PaAllocated).rule.contains("not applied"));
    run.overrides[0].due = d("2025-09-01");
    assert_eq!(
        get(&run.at("2025-06-01"), C::PaAllocated).due,
        d("2025-09-01")
    );
}

#[test]
fn events_outside_dob_to_as_of_are_ignored() {
    let mut run = Run::new(long_term());
    run.events = vec![
        Event::AssessmentCompleted(d("2026-07-01")),
        Event::PaContact(d("2001-01-01")),
        Event::PaAllocated(d("2026-02-01")),
    ];
    let t = run.at("2026-06-05");
    assert_eq!(get(&t, C::NeedsAssessment).state, MilestoneState::Overdue);
    assert_eq!(get(&t, C::PaContact).due, d("2026-04-01"));
}

mod properties;
