//! Property tests of `domain::timeline`: arbitrary care histories, events, overrides and
//! policies.

use super::*;
use crate::domain::age::add_months;

fn date_from(base: NaiveDate, max_days: i64) -> impl Strategy<Value = NaiveDate> {
    (0..max_days).prop_map(move |n| base + Duration::days(n))
}

fn arb_event(dob: NaiveDate) -> impl Strategy<Value = Event> {
    // From two years before birth (nonsense dates the engine must ignore) to age 26.
    let base = dob - Duration::days(730);
    let any_d = move || date_from(base, 365 * 28);
    prop_oneof![
        any_d().prop_map(Event::PaAllocated),
        any_d().prop_map(Event::AssessmentCompleted),
        any_d().prop_map(Event::PlanApproved),
        any_d().prop_map(Event::PlanReviewed),
        any_d().prop_map(Event::HousingPlanAgreed),
        any_d().prop_map(Event::MoneyReady),
        any_d().prop_map(Event::StayingPutDecision),
        any_d().prop_map(Event::ChangeOfCircumstances),
        any_d().prop_map(Event::ReviewRequested),
        (any_d(), prop::option::of(0i64..30)).prop_map(|(s, r)| Event::MissingEpisode {
            start: s,
            returned: r.map(|r| s + Duration::days(r)),
        }),
        any_d().prop_map(Event::ReturnInterviewOffered),
        any_d().prop_map(Event::PaVisit),
        any_d().prop_map(Event::PaContact),
        any_d().prop_map(Event::Oc3Recorded),
        (any_d(), prop::option::of(1i64..400)).prop_map(|(s, l)| {
            Event::AuthorityAccommodation {
                start: s,
                end: l.map(|l| s + Duration::days(l)),
            }
        }),
    ]
}

fn arb_override(dob: NaiveDate) -> impl Strategy<Value = Override> {
    (
        prop::sample::select(MilestoneCode::ALL.to_vec()),
        date_from(dob - Duration::days(730), 365 * 28),
    )
        .prop_map(|(code, due)| Override {
            code,
            due,
            reason: "test".into(),
        })
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        150u32..=192,
        0u32..=3,
        0u32..=28,
        1u32..=6,
        1u32..=7,
        1u32..=2,
        1u32..=72,
        1u32..=60,
        1u32..=20,
    )
        .prop_map(|(pa, am, pd, ri, vf, vi, rh, soon, esc)| Policy {
            pa_allocation_age_months: pa,
            assessment_months_after_16: am,
            plan_days_after_assessment: pd,
            review_interval_months: ri,
            pa_visit_first_days: vf,
            pa_visit_interval_months: vi,
            return_interview_hours: rh,
            due_soon_days: soon,
            escalation_working_days: esc,
            ..Policy::default()
        })
        .prop_filter("valid", |p| p.validate().is_ok())
}

#[derive(Debug, Clone)]
struct Case {
    history: CareHistory,
    events: Vec<Event>,
    overrides: Vec<Override>,
    policy: Policy,
    as_of: NaiveDate,
}

fn arb_case() -> impl Strategy<Value = Case> {
    let dob = date_from(d("2005-01-01"), 3650);
    dob.prop_flat_map(|dob| {
        let base = at_age(dob, 12, 0);
        let episode = (
            0i64..3000,
            prop::option::of(1i64..900),
            prop::bool::weighted(0.1),
        )
            .prop_map(move |(o, len, sb)| Episode {
                start: base + Duration::days(o),
                end: len.map(|l| base + Duration::days(o + l)),
                short_breaks_only: sb,
            });
        let parent = (0i64..3000, prop::option::of(1i64..400)).prop_map(move |(o, len)| Period {
            start: base + Duration::days(o),
            end: len.map(|l| base + Duration::days(o + l)),
        });
        (
            prop::collection::vec(episode, 0..5),
            prop::collection::vec(parent, 0..2),
            any::<(bool, bool, bool)>(),
            prop::collection::vec(arb_event(dob), 0..12),
            prop::collection::vec(arb_override(dob), 0..4),
            arb_policy(),
            date_from(at_age(dob, 14, 0), 365 * 12),
        )
            .prop_map(
                move |(episodes, with_parent, flags, events, overrides, policy, as_of)| Case {
                    history: CareHistory {
                        dob,
                        episodes,
                        with_parent,
                        special_guardianship: flags.0,
                        education_after_21: flags.1,
                        requested_pa_after_21: flags.2,
                    },
                    events,
                    overrides,
                    policy,
                    as_of,
                },
            )
    })
}

fn run_case(c: &Case, holidays: &BankHolidays) -> Timeline {
    compute(&TimelineInput {
        history: &c.history,
        events: &c.events,
        overrides: &c.overrides,
        policy: &c.policy,
        holidays,
        as_of: c.as_of,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn needs_assessment_due_within_statutory_bounds(c in arb_case()) {
        let holidays = BankHolidays::england_and_wales();
        let default_policy = Case { policy: Policy::default(), ..c.clone() };
        for (case, is_default) in [(&default_policy, true), (&c, false)] {
            let t = run_case(case, &holidays);
            if let Some(m) = t.milestones.iter().find(|m| m.code == C::NeedsAssessment) {
                let dob = case.history.dob;
                let elig = t.status.eligibility_date.unwrap();
                let statutory = at_age(dob, 16, 3).max(add_months(elig, 3));
                prop_assert!(m.due <= statutory, "{} > {}", m.due, statutory);
                if is_default {
                    prop_assert!(m.due >= at_age(dob, 16, 3));
                    prop_assert_eq!(m.due, statutory);
                }
                // The plan is never later than the statutory assessment due + 28 days.
                let plan = t.milestones.iter().find(|m| m.code == C::PathwayPlan).unwrap();
                prop_assert!(plan.due <= statutory + Duration::days(28));
            }
        }
    }

    #[test]
    fn due_dates_of_care_leavers_follow_birth(c in arb_case()) {
        let holidays = BankHolidays::england_and_wales();
        let t = run_case(&c, &holidays);
        if matches!(t.status.status, LegalStatus::Eligible | LegalStatus::Relevant | LegalStatus::FormerRelevant) {
            prop_assert!(!t.milestones.is_empty());
            for m in &t.milestones {
                prop_assert!(m.due > c.history.dob, "{:?} due {} before birth {}", m.code, m.due, c.history.dob);
            }
        }
    }

    #[test]
    fn overrides_never_move_statutory_dates(c in arb_case()) {
        let holidays = BankHolidays::england_and_wales();
        let with = run_case(&c, &holidays);
        let without = run_case(&Case { overrides: Vec::new(), ..c.clone() }, &holidays);
        prop_assert_eq!(with.milestones.len(), without.milestones.len());
        for (a, b) in with.milestones.iter().filter(|m| m.statutory).zip(without.milestones.iter().filter(|m| m.statutory)) {
            prop_assert_eq!(a, b);
        }
        for m in &with.milestones {
            if m.overridden.is_some() {
                prop_assert!(!m.statutory);
            }
        }
    }

    #[test]
    fn compute_is_pure_sorted_and_states_consistent(c in arb_case()) {
        let holidays = BankHolidays::england_and_wales();
        let t = run_case(&c, &holidays);
        prop_assert_eq!(&t, &run_case(&c, &holidays));
        prop_assert!(t.milestones.windows(2).all(|w| w[0].due <= w[1].due));
        let mut seen = std::collections::HashSet::new();
        for m in &t.milestones {
            prop_assert!(seen.insert(m.code), "duplicate {:?}", m.code);
            prop_assert_eq!(m.state == MilestoneState::Done, m.done_on.is_some());
            if let Some(done) = m.done_on {
                prop_assert!(done <= c.as_of || m.code == C::DutiesEnd);
            }
            if m.state == MilestoneState::Overdue {
                prop_assert!(c.as_of > m.due);
            }
            if m.state == MilestoneState::Upcoming {
                prop_assert!((m.due - c.as_of).num_days() > i64::from(c.policy.due_soon_days));
            }
            if m.escalated {
                prop_assert_eq!(m.state, MilestoneState::Overdue);
                prop_assert!((c.as_of - m.due).num_days() > i64::from(c.policy.escalation_working_days));
            }
            prop_assert_eq!(m.statutory, m.code.is_statutory());
        }
        // Never eligible or relevant: no needs assessment.
        if t.status.eligibility_date.is_none() {
            prop_assert!(!t.milestones.iter().any(|m| m.code == C::NeedsAssessment));
        }
    }
}
