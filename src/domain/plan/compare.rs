//! A plan as (label, text) pairs in reading order, for the side-by-side comparison of versions.

use super::*;

/// Every field of a plan as (label, text), in reading order, for side-by-side comparison.
pub fn flatten(plan: &PlanContent) -> Vec<(String, String)> {
    let mut plan = plan.clone();
    plan.normalise();
    let mut out = vec![];
    sections(&plan, &mut out);
    assessment_and_risks(&plan, &mut out);
    accommodation(&plan, &mut out);
    rights_meetings_agreement(&plan, &mut out);
    out
}

type Lines = Vec<(String, String)>;

fn d(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn sections(plan: &PlanContent, out: &mut Lines) {
    for s in &plan.sections {
        let t = section_title(&s.code).unwrap_or("");
        out.push((format!("{t}: in my words"), s.in_my_words.clone()));
        if !s.no_voice_reason.is_empty() {
            out.push((
                format!("{t}: why not in their words"),
                s.no_voice_reason.clone(),
            ));
        }
        out.push((format!("{t}: going well"), s.going_well.clone()));
        out.push((format!("{t}: worries"), s.worries.clone()));
        for (gi, g) in s.goals.iter().enumerate() {
            out.push((format!("{t}: goal {}", gi + 1), g.text.clone()));
            for (ai, a) in g.actions.iter().enumerate() {
                out.push((
                    format!("{t}: goal {} action {}", gi + 1, ai + 1),
                    format!(
                        "{} | {} | by {} | {}{}",
                        a.what,
                        a.who,
                        d(a.by_when),
                        a.status,
                        a.completed_on
                            .map(|c| format!(" on {c}"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        out.push((format!("{t}: views of others"), s.others_views.clone()));
    }
}

fn assessment_and_risks(plan: &PlanContent, out: &mut Lines) {
    out.push((
        "Assessment: history".into(),
        plan.assessment.history.clone(),
    ));
    out.push((
        "Assessment: family and carer views".into(),
        plan.assessment.family_views.clone(),
    ));
    out.push((
        "Assessment: analysis of risk".into(),
        plan.assessment.risk_analysis.clone(),
    ));
    out.push((
        "Assessment: completed".into(),
        d(plan.assessment.completed_on),
    ));
    for (i, r) in plan.risks.iter().enumerate() {
        out.push((
            format!("Risk {}", i + 1),
            format!(
                "{} | likelihood {} | impact {} | protective: {} | mitigation: {} | Plan B: if {} then {} ({})",
                r.description, r.likelihood, r.impact, r.protective_factors, r.mitigation, r.plan_b_trigger, r.plan_b_response, r.plan_b_owner
            ),
        ));
    }
    out.push(("Overall contingency".into(), plan.contingency.clone()));
}

fn accommodation(plan: &PlanContent, out: &mut Lines) {
    out.push((
        "Accommodation".into(),
        plan.accommodation.description.clone(),
    ));
    for (code, label) in ACCOMMODATION_FACTORS {
        out.push((
            format!("Suitability: {label}"),
            plan.accommodation
                .factors
                .get(*code)
                .cloned()
                .unwrap_or_default(),
        ));
    }
    out.push((
        "Accommodation: temporary".into(),
        if plan.accommodation.temporary {
            "Yes"
        } else {
            "No"
        }
        .into(),
    ));
    out.push((
        "Accommodation: next steps".into(),
        format!(
            "{} {}",
            plan.accommodation.next_steps,
            d(plan.accommodation.next_steps_by)
        )
        .trim()
        .to_string(),
    ));
}

fn rights_meetings_agreement(plan: &PlanContent, out: &mut Lines) {
    for t in &plan.told_about {
        let label = TOLD_ABOUT
            .iter()
            .find(|(c, _, _)| *c == t.topic)
            .map(|(_, l, _)| *l)
            .unwrap_or("");
        out.push((
            format!("Told about: {label}"),
            format!("{} {}", d(t.date), t.by).trim().to_string(),
        ));
    }
    for (i, m) in plan.meetings.iter().enumerate() {
        out.push((
            format!("Meeting {}", i + 1),
            format!("{} {} {}", m.kind, d(m.date), m.outcomes),
        ));
        for (ai, a) in m.actions.iter().enumerate() {
            out.push((
                format!("Meeting {} action {}", i + 1, ai + 1),
                format!("{} | {} {}", a.text, a.decision, a.reason)
                    .trim()
                    .to_string(),
            ));
        }
    }
    out.push((
        "Agreement".into(),
        match plan.agreement.agrees {
            Some(true) => "Agrees".into(),
            Some(false) => "Disagrees".into(),
            None => String::new(),
        },
    ));
    out.push((
        "Agreement in their words".into(),
        plan.agreement.in_their_words.clone(),
    ));
    out.push(("Copy given".into(), d(plan.agreement.copy_given_on)));
    out.push(("Next review".into(), d(plan.next_review)));
}
