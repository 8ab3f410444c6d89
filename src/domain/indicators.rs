//! Performance indicators, pure: what counts towards each indicator for one young person on a
//! given date. The services add these up for the authority, each team and each adviser, and keep
//! the totals (see `services::indicators`).
//!
//! Sources: outcomes follow the SSDA903 care-leaver definitions (RULES.md section 5; DfE
//! "Children looked after in England" methodology: care leavers aged 17 to 25, in touch, in
//! education, employment or training, in suitable accommodation, from the OC3 data recorded around
//! each birthday). Timeliness follows the timeline's own rules (RULES.md sections 2 and 3).

use chrono::{Datelike, Duration, NaiveDate};

use super::age::{add_months, age_years};
use super::ssda903::{Oc3, is_eet, is_suitable};

/// Age bands of the DfE care-leaver outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// 17 and 18
    A17To18,
    /// 19 to 21
    A19To21,
    /// 22 to 25
    A22To25,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::A17To18, Band::A19To21, Band::A22To25];

    pub fn of_age(age: u32) -> Option<Band> {
        match age {
            17..=18 => Some(Band::A17To18),
            19..=21 => Some(Band::A19To21),
            22..=25 => Some(Band::A22To25),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::A17To18 => "17-18",
            Band::A19To21 => "19-21",
            Band::A22To25 => "22-25",
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.code() == s)
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// One indicator.
#[derive(Debug, Clone, Copy)]
pub struct Def {
    pub code: &'static str,
    pub group: &'static str,
    pub title: &'static str,
    /// What the numerator and the denominator are.
    pub counts: &'static str,
    pub banded: bool,
    pub better: Better,
}

pub const OUTCOMES: &str = "Outcomes for care leavers";
pub const TIMELINESS: &str = "Timeliness";
pub const STABILITY: &str = "Stability";
pub const QUALITY: &str = "Quality";

pub const DEFS: &[Def] = &[
    Def {
        code: "in_touch",
        group: OUTCOMES,
        title: "In touch",
        counts: "care leavers whose latest care-leaver data (OC3) says the authority is in touch, of all care leavers in the age band",
        banded: true,
        better: Better::Higher,
    },
    Def {
        code: "eet",
        group: OUTCOMES,
        title: "In education, employment or training",
        counts: "care leavers whose latest main activity is education, employment or training (F1 to P5), of all care leavers in the age band",
        banded: true,
        better: Better::Higher,
    },
    Def {
        code: "suitable_accommodation",
        group: OUTCOMES,
        title: "In suitable accommodation",
        counts: "care leavers whose latest accommodation is recorded as suitable, of all care leavers in the age band",
        banded: true,
        better: Better::Higher,
    },
    Def {
        code: "pa_on_time",
        group: TIMELINESS,
        title: "Personal adviser allocated by the policy age",
        counts: "young people with a personal adviser allocated by the due date, of those whose due date has passed",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "assessment_on_time",
        group: TIMELINESS,
        title: "Needs assessment by 16 years 3 months",
        counts: "needs assessments completed by the due date, of those due",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "plan_on_time",
        group: TIMELINESS,
        title: "First pathway plan on time",
        counts: "first pathway plans approved by the due date, of those due",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "review_in_date",
        group: TIMELINESS,
        title: "Plan reviewed within the interval",
        counts: "young people whose plan was approved or reviewed within the review interval, of those with an approved plan",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "rhi_in_72h",
        group: TIMELINESS,
        title: "Return home interviews offered within 72 hours",
        counts: "returns from a missing episode in the last 12 months with an interview offered within 72 hours, of all such returns",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "supervision_in_interval",
        group: TIMELINESS,
        title: "Practitioners supervised within the interval",
        counts: "advisers and managers whose last supervision is within their interval, of all of them",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "moves_3_plus",
        group: STABILITY,
        title: "Three or more moves in 12 months",
        counts: "young people who moved home three or more times in the last 12 months, of all with a recorded home",
        banded: false,
        better: Better::Lower,
    },
    Def {
        code: "temporary_accommodation",
        group: STABILITY,
        title: "Spent time in temporary accommodation",
        counts: "young people who lived in temporary accommodation at some point in the last 12 months, of all with a recorded home",
        banded: false,
        better: Better::Lower,
    },
    Def {
        code: "adviser_changes",
        group: STABILITY,
        title: "Changed personal adviser in 12 months",
        counts: "young people whose personal adviser changed in the last 12 months, of all with an adviser",
        banded: false,
        better: Better::Lower,
    },
    Def {
        code: "plans_pass_checks",
        group: QUALITY,
        title: "Plans passing every quality check",
        counts: "young people whose current plan passed all nine checks (submitted or approved), of all with a plan",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "audits_good",
        group: QUALITY,
        title: "Audits graded good or outstanding",
        counts: "young people whose latest case audit was graded good or outstanding overall, of all audited",
        banded: false,
        better: Better::Higher,
    },
    Def {
        code: "audit_actions_open",
        group: QUALITY,
        title: "Audited cases with an action still open",
        counts: "audited young people with at least one audit action point still open, of all audited",
        banded: false,
        better: Better::Lower,
    },
];

pub fn def(code: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.code == code)
}

/// Everything the indicators read about one young person.
#[derive(Debug, Clone, Default)]
pub struct PersonFacts {
    pub dob: Option<NaiveDate>,
    /// A care leaver in the SSDA903 sense (eligible, relevant or former relevant).
    pub care_leaver: bool,
    /// (due, done on) of the one-off milestones.
    pub pa_allocated: Option<(NaiveDate, Option<NaiveDate>)>,
    pub needs_assessment: Option<(NaiveDate, Option<NaiveDate>)>,
    pub pathway_plan: Option<(NaiveDate, Option<NaiveDate>)>,
    /// Plan approvals and reviews.
    pub reviews: Vec<NaiveDate>,
    pub oc3: Vec<(NaiveDate, Oc3)>,
    /// Return dates of missing episodes.
    pub returns: Vec<NaiveDate>,
    pub interview_offers: Vec<NaiveDate>,
    /// (start, end, temporary)
    pub homes: Vec<(NaiveDate, Option<NaiveDate>, bool)>,
    /// Start dates of personal adviser allocations.
    pub adviser_starts: Vec<NaiveDate>,
    /// The current plan was submitted or approved, which needs every quality check to pass.
    pub has_plan: bool,
    pub plan_passes: bool,
    /// (date, overall grade) of case audits.
    pub audits: Vec<(NaiveDate, String)>,
    pub open_audit_actions: u32,
}

/// One contribution to an indicator: counts `den` times, of which `num` meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub code: &'static str,
    pub band: Option<Band>,
    pub num: u32,
    pub den: u32,
}

fn t(code: &'static str, band: Option<Band>, meets: bool) -> Tally {
    Tally {
        code,
        band,
        num: u32::from(meets),
        den: 1,
    }
}

/// What one young person adds to each indicator on `as_of`. `review_months` is the review
/// interval (CPPCR 2010 reg 44: at least every six months). `current` is whether `as_of` is
/// today: the quality indicators describe the plan and audits as they are now, so they are
/// counted for the current period only.
pub fn tallies(p: &PersonFacts, as_of: NaiveDate, review_months: u32, current: bool) -> Vec<Tally> {
    let mut out = Vec::new();
    outcomes(p, as_of, &mut out);
    timeliness(p, as_of, review_months, &mut out);
    stability(p, as_of, &mut out);
    if current {
        quality(p, as_of, &mut out);
    }
    out
}

/// Care leavers in touch, in education, employment or training, and in suitable accommodation,
/// by age band, from the care-leaver data.
fn outcomes(p: &PersonFacts, as_of: NaiveDate, out: &mut Vec<Tally>) {
    if let Some(dob) = p.dob
        && dob <= as_of
    {
        let band = Band::of_age(age_years(dob, as_of));
        if p.care_leaver
            && let Some(band) = band
        {
            // The latest answers recorded by `as_of`, if recorded since the last birthday but one
            // (a record older than that no longer describes them).
            let latest = p
                .oc3
                .iter()
                .filter(|(d, _)| *d <= as_of && *d > as_of - Duration::days(400))
                .max_by_key(|(d, _)| *d)
                .map(|(_, o)| o);
            let b = Some(band);
            out.push(t(
                "in_touch",
                b,
                latest.is_some_and(|o| o.in_touch == "YES"),
            ));
            out.push(t("eet", b, latest.is_some_and(|o| is_eet(&o.activity))));
            out.push(t(
                "suitable_accommodation",
                b,
                latest.is_some_and(|o| is_suitable(&o.accommodation)),
            ));
        }
    }
}

/// The adviser, assessment and first plan on time, reviews in date, and return home interviews
/// offered in time.
fn timeliness(p: &PersonFacts, as_of: NaiveDate, review_months: u32, out: &mut Vec<Tally>) {
    let year_ago = as_of - Duration::days(365);
    for (code, m) in [
        ("pa_on_time", p.pa_allocated),
        ("assessment_on_time", p.needs_assessment),
        ("plan_on_time", p.pathway_plan),
    ] {
        if let Some((due, done)) = m
            && due <= as_of
        {
            out.push(t(code, None, done.is_some_and(|d| d <= due)));
        }
    }
    // Reviews: from the first approval on, the latest approval or review must be within the
    // interval.
    let last_review = p.reviews.iter().filter(|d| **d <= as_of).max();
    if let Some(last) = last_review {
        out.push(t(
            "review_in_date",
            None,
            add_months(*last, review_months) >= as_of,
        ));
    }
    // Return home interviews: each return in the last 12 months (statutory guidance on children
    // who run away or go missing, 2014: an offer within 72 hours of the return).
    for r in p.returns.iter().filter(|r| **r > year_ago && **r <= as_of) {
        let deadline = *r + Duration::days(3);
        let offered = p
            .interview_offers
            .iter()
            .any(|o| *o >= *r && *o <= deadline && *o <= as_of);
        // A return whose 72 hours have not yet run out is not counted either way.
        if offered || deadline < as_of {
            out.push(t("rhi_in_72h", None, offered));
        }
    }
}

/// Stability over the 12 months before `as_of`: moves, temporary accommodation and adviser
/// changes.
fn stability(p: &PersonFacts, as_of: NaiveDate, out: &mut Vec<Tally>) {
    let year_ago = as_of - Duration::days(365);
    let homes: Vec<_> = p.homes.iter().filter(|(s, _, _)| *s <= as_of).collect();
    if !homes.is_empty() {
        let moves = homes
            .iter()
            .filter(|(s, _, _)| *s > year_ago)
            .count()
            .saturating_sub(usize::from(homes.iter().all(|(s, _, _)| *s > year_ago)));
        out.push(t("moves_3_plus", None, moves >= 3));
        let temporary = homes
            .iter()
            .any(|(s, e, temp)| *temp && e.is_none_or(|e| e > year_ago) && *s <= as_of);
        out.push(t("temporary_accommodation", None, temporary));
    }
    let advisers: Vec<_> = p.adviser_starts.iter().filter(|s| **s <= as_of).collect();
    if !advisers.is_empty() {
        let changed = advisers.len() > 1 && advisers.iter().any(|s| **s > year_ago);
        out.push(t("adviser_changes", None, changed));
    }
}

/// Quality, as the plan and audits are now: the plan passing its checks, the latest audit's
/// grade and its open actions.
fn quality(p: &PersonFacts, as_of: NaiveDate, out: &mut Vec<Tally>) {
    if p.has_plan {
        out.push(t("plans_pass_checks", None, p.plan_passes));
    }
    if let Some((_, grade)) = p
        .audits
        .iter()
        .filter(|(d, _)| *d <= as_of)
        .max_by_key(|(d, _)| *d)
    {
        out.push(t(
            "audits_good",
            None,
            matches!(grade.as_str(), "good" | "outstanding"),
        ));
        out.push(t("audit_actions_open", None, p.open_audit_actions > 0));
    }
}

/// The last day of each of the `n` months before the one holding `today`, oldest first.
pub fn month_ends(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let first = today.with_day(1).unwrap_or(today);
    (1..=n)
        .rev()
        .map(|k| {
            first
                .checked_sub_months(chrono::Months::new(k - 1))
                .unwrap_or(first)
                - Duration::days(1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn oc3(t: &str, a: &str, c: &str) -> Oc3 {
        Oc3 {
            in_touch: t.into(),
            activity: a.into(),
            accommodation: c.into(),
        }
    }
    fn get(ts: &[Tally], code: &str) -> Vec<(u32, u32)> {
        ts.iter()
            .filter(|t| t.code == code)
            .map(|t| (t.num, t.den))
            .collect()
    }

    #[test]
    fn outcomes_come_from_the_latest_oc3_in_the_age_band() {
        let p = PersonFacts {
            dob: Some(d("2007-06-01")),
            care_leaver: true,
            oc3: vec![
                (d("2024-06-02"), oc3("YES", "F2", "E1")),
                (d("2025-06-03"), oc3("NO", "G5", "R2")),
            ],
            ..Default::default()
        };
        let now = tallies(&p, d("2025-07-01"), 6, true);
        let band = now.iter().find(|t| t.code == "in_touch").unwrap().band;
        assert_eq!(band, Some(Band::A17To18));
        assert_eq!(get(&now, "in_touch"), [(0, 1)]);
        assert_eq!(get(&now, "eet"), [(0, 1)]);
        assert_eq!(get(&now, "suitable_accommodation"), [(0, 1)]);
        // A year earlier the 17th-birthday answers applied.
        let then = tallies(&p, d("2024-07-01"), 6, false);
        assert_eq!(get(&then, "in_touch"), [(1, 1)]);
        assert_eq!(get(&then, "eet"), [(1, 1)]);
        assert_eq!(get(&then, "suitable_accommodation"), [(1, 1)]);
        // Not a care leaver: not counted.
        let other = PersonFacts {
            care_leaver: false,
            ..p
        };
        assert!(get(&tallies(&other, d("2025-07-01"), 6, true), "in_touch").is_empty());
    }

    #[test]
    fn timeliness_counts_only_what_has_fallen_due() {
        let p = PersonFacts {
            pa_allocated: Some((d("2025-01-01"), Some(d("2024-12-01")))),
            needs_assessment: Some((d("2025-04-01"), Some(d("2025-05-01")))),
            pathway_plan: Some((d("2026-01-01"), None)),
            reviews: vec![d("2025-05-10")],
            returns: vec![d("2025-06-01"), d("2025-06-20"), d("2025-06-29")],
            interview_offers: vec![d("2025-06-03"), d("2025-06-25")],
            ..Default::default()
        };
        let ts = tallies(&p, d("2025-06-30"), 6, true);
        assert_eq!(get(&ts, "pa_on_time"), [(1, 1)]);
        assert_eq!(get(&ts, "assessment_on_time"), [(0, 1)]);
        assert!(get(&ts, "plan_on_time").is_empty(), "not yet due");
        assert_eq!(get(&ts, "review_in_date"), [(1, 1)]);
        // 1 June offered on the 3rd (in time); 20 June offered on the 25th (late); 29 June still
        // inside its 72 hours, so not counted.
        assert_eq!(get(&ts, "rhi_in_72h"), [(1, 1), (0, 1)]);
        let later = tallies(&p, d("2025-11-11"), 6, false);
        assert_eq!(get(&later, "review_in_date"), [(0, 1)]);
    }

    #[test]
    fn stability_counts_moves_temporary_homes_and_adviser_changes() {
        let p = PersonFacts {
            homes: vec![
                (d("2023-01-01"), Some(d("2025-01-01")), false),
                (d("2025-01-01"), Some(d("2025-03-01")), true),
                (d("2025-03-01"), Some(d("2025-05-01")), false),
                (d("2025-05-01"), None, false),
            ],
            adviser_starts: vec![d("2023-01-01"), d("2025-02-01")],
            ..Default::default()
        };
        let ts = tallies(&p, d("2025-06-01"), 6, true);
        assert_eq!(get(&ts, "moves_3_plus"), [(1, 1)]);
        assert_eq!(get(&ts, "temporary_accommodation"), [(1, 1)]);
        assert_eq!(get(&ts, "adviser_changes"), [(1, 1)]);
        let later = tallies(&p, d("2026-06-02"), 6, false);
        assert_eq!(get(&later, "moves_3_plus"), [(0, 1)]);
        assert_eq!(get(&later, "temporary_accommodation"), [(0, 1)]);
        assert_eq!(get(&later, "adviser_changes"), [(0, 1)]);
    }

    #[test]
    fn month_ends_are_the_last_days_of_the_previous_months() {
        assert_eq!(
            month_ends(d("2026-11-23"), 3),
            [d("2026-08-31"), d("2026-09-30"), d("2026-10-31")]
        );
        assert_eq!(month_ends(d("2026-03-01"), 1), [d("2026-02-28")]);
    }
}
