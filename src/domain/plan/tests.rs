//! Property and example tests of `domain::plan`.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ctx() -> CheckContext {
    CheckContext {
        today: day("2026-11-23"),
        review_interval_months: 6,
    }
}

/// A plan that passes every check.
pub fn complete() -> PlanContent {
    let mut p = PlanContent::empty();
    for s in p.sections.iter_mut() {
        s.in_my_words = "In my words".into();
    }
    p.sections[3].goals.push(Goal {
        text: "Start college in September".into(),
        actions: vec![Action {
            what: "Apply to college".into(),
            who: "Jay with Priya (PA)".into(),
            by_when: Some(day("2027-01-31")),
            status: "in_progress".into(),
            completed_on: None,
        }],
    });
    p.assessment = Assessment {
        history: "h".into(),
        family_views: "f".into(),
        risk_analysis: "r".into(),
        completed_on: Some(day("2026-10-01")),
    };
    p.risks.push(Risk {
        description: "Exploitation".into(),
        likelihood: "medium".into(),
        impact: "high".into(),
        protective_factors: "p".into(),
        mitigation: "m".into(),
        plan_b_trigger: "t".into(),
        plan_b_response: "r".into(),
        plan_b_owner: "o".into(),
    });
    p.contingency = "If the placement ends, emergency supported lodgings".into();
    p.accommodation.description = "Foster placement".into();
    for (c, _) in ACCOMMODATION_FACTORS {
        p.accommodation.factors.insert((*c).into(), "met".into());
    }
    for t in p.told_about.iter_mut() {
        t.date = Some(day("2026-10-01"));
        t.by = "Priya Shah".into();
    }
    p.agreement = Agreement {
        agrees: Some(true),
        in_their_words: "I agree".into(),
        copy_given_on: Some(day("2026-11-20")),
    };
    p.next_review = Some(day("2027-05-01"));
    p
}

fn failing(p: &PlanContent) -> Vec<String> {
    check(p, &ctx())
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| c.check)
        .collect()
}

#[test]
fn a_complete_plan_passes_every_check() {
    let r = check(&complete(), &ctx());
    assert_eq!(r.len(), 9);
    assert!(r.iter().all(|c| c.passed), "{r:?}");
}

#[test]
fn an_empty_plan_fails_every_check_but_meetings() {
    assert_eq!(
        failing(&PlanContent::empty()),
        vec![
            "VOICE",
            "SMART",
            "CONTINGENCY",
            "ASSESSMENT",
            "ACCOMMODATION",
            "RIGHTS",
            "AGREEMENT",
            "NEXT_REVIEW"
        ]
    );
}

#[test]
fn voice_accepts_a_recorded_reason_instead_of_words() {
    let mut p = complete();
    p.sections[5].in_my_words.clear();
    assert_eq!(failing(&p), vec!["VOICE"]);
    p.sections[5].no_voice_reason = "Did not want to talk about health today".into();
    assert!(failing(&p).is_empty());
}

#[test]
fn smart_needs_who_and_when_on_every_action() {
    let mut p = complete();
    p.sections[3].goals[0].actions[0].who = " ".into();
    let r = check(&p, &ctx());
    let smart = r.iter().find(|c| c.check == "SMART").unwrap();
    assert!(!smart.passed);
    assert_eq!(smart.missing[0].part, "education");
    p.sections[3].goals[0].actions[0].who = "Jay".into();
    p.sections[3].goals[0].actions[0].by_when = None;
    assert_eq!(failing(&p), vec!["SMART"]);
}

#[test]
fn contingency_needs_every_plan_b_part_and_the_overall_plan() {
    for f in [0, 1, 2, 3] {
        let mut p = complete();
        match f {
            0 => p.risks[0].plan_b_trigger.clear(),
            1 => p.risks[0].plan_b_response.clear(),
            2 => p.risks[0].plan_b_owner.clear(),
            _ => p.contingency.clear(),
        }
        assert_eq!(failing(&p), vec!["CONTINGENCY"], "case {f}");
    }
}

#[test]
fn accommodation_needs_every_schedule_2_factor_answered() {
    let mut p = complete();
    p.accommodation.factors.remove("safety");
    assert_eq!(failing(&p), vec!["ACCOMMODATION"]);
    let mut p = complete();
    p.accommodation.temporary = true;
    assert_eq!(failing(&p), vec!["ACCOMMODATION"]);
    p.accommodation.next_steps = "Move to a supported flat".into();
    p.accommodation.next_steps_by = Some(day("2027-02-01"));
    assert!(failing(&p).is_empty());
}

#[test]
fn meetings_need_each_action_incorporated_or_declined_with_reason() {
    let mut p = complete();
    p.meetings.push(Meeting {
        kind: "marac".into(),
        date: Some(day("2026-10-10")),
        outcomes: "o".into(),
        actions: vec![MeetingAction {
            text: "Safety plan".into(),
            decision: "pending".into(),
            reason: String::new(),
        }],
    });
    assert_eq!(failing(&p), vec!["MEETINGS"]);
    p.meetings[0].actions[0].decision = "declined".into();
    assert_eq!(failing(&p), vec!["MEETINGS"]);
    p.meetings[0].actions[0].reason = "Already in place".into();
    assert!(failing(&p).is_empty());
}

#[test]
fn rights_assessment_agreement_each_fail_alone() {
    let mut p = complete();
    p.told_about[1].by.clear();
    assert_eq!(failing(&p), vec!["RIGHTS"]);
    let mut p = complete();
    p.told_about[5].date = None; // complaints is not required
    assert!(failing(&p).is_empty());
    let mut p = complete();
    p.assessment.family_views.clear();
    assert_eq!(failing(&p), vec!["ASSESSMENT"]);
    let mut p = complete();
    p.agreement.copy_given_on = None;
    assert_eq!(failing(&p), vec!["AGREEMENT"]);
}

#[test]
fn next_review_must_be_within_the_interval() {
    let mut p = complete();
    p.next_review = Some(day("2027-05-24"));
    assert_eq!(failing(&p), vec!["NEXT_REVIEW"]);
    p.next_review = Some(day("2027-05-23"));
    assert!(failing(&p).is_empty());
    let short = CheckContext {
        review_interval_months: 3,
        ..ctx()
    };
    assert!(
        check(&p, &short)
            .iter()
            .any(|c| c.check == "NEXT_REVIEW" && !c.passed)
    );
    p.next_review = Some(day("2026-11-23"));
    assert_eq!(failing(&p), vec!["NEXT_REVIEW"]);
}

#[test]
fn validation_refuses_actions_due_before_the_plan_started() {
    let mut p = complete();
    p.sections[3].goals[0].actions[0].by_when = Some(day("2026-01-01"));
    let e = validate(&p, day("2026-11-01"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "act_0_0_by");
    assert!(validate(&complete(), day("2026-11-01")).is_empty());
}

#[test]
fn validating_one_part_ignores_the_dates_a_review_carried_over_in_others() {
    let mut p = complete();
    let section = p.sections[3].code.clone();
    p.sections[3].goals[0].actions[0].by_when = Some(day("2026-01-01"));
    let other = p
        .sections
        .iter()
        .find(|s| s.code != section)
        .expect("another");
    assert!(validate_part(&p, Some(&other.code), day("2026-11-01")).is_empty());
    assert!(validate_part(&p, Some("risks"), day("2026-11-01")).is_empty());
    let e = validate_part(&p, Some(&section), day("2026-11-01"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "act_0_0_by");
}

#[test]
fn validation_limits_lengths() {
    let mut p = complete();
    p.sections[0].in_my_words = "x".repeat(MAX_TEXT + 1);
    assert_eq!(validate(&p, day("2026-11-01"))[0].field, "in_my_words");
}

#[test]
fn validation_refuses_control_characters_and_unknown_choices_where_they_were_typed() {
    let mut p = complete();
    p.sections[3].goals[0].text = "A job\u{7}".into();
    let e = validate(&p, day("2026-11-01"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].field, "goal_0_text");
    assert!(
        e[0].message.contains("control characters"),
        "{}",
        e[0].message
    );

    let mut p = complete();
    p.sections[3].goals[0].actions[0].status = "finished".into();
    p.risks[0].likelihood = "very".into();
    let e = validate(&p, day("2026-11-01"));
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"act_0_0_status"), "{fields:?}");
    assert!(fields.contains(&"risk_0_likelihood"), "{fields:?}");
    // Each part's page sees only its own problems.
    let risks_only = validate_part(&p, Some("risks"), day("2026-11-01"));
    assert_eq!(risks_only.len(), 1);
    assert_eq!(risks_only[0].message, "Choose low, medium or high");

    let mut p = complete();
    p.sections[0].goals = vec![Goal::default(); MAX_GOALS + 1];
    assert_eq!(validate(&p, day("2026-11-01"))[0].field, "goals");
}
