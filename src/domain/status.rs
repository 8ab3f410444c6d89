//! Legal status of a young person on a date (RULES.md section 1; REFERENCE.md 1.2).
//!
//! The status is computed, never typed in, and is a pure function of the care history and the
//! "as of" date.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::age::{add_months, age_years, at_age};

/// The 13-week period, in days. CPPCR 2010 reg 40(1): "the prescribed period is 13 weeks and
/// the prescribed age is 14".
pub const QUALIFYING_PERIOD_DAYS: u32 = 91;

/// Months living with a parent after which a relevant child stops being relevant
/// (CLR 2010 reg 3; REFERENCE.md 1.2, paragraph number unconfirmed).
pub const HOME_WITH_PARENT_MONTHS: u32 = 6;

/// A young person's status in leaving-care law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// CA 1989 Sch 2 para 19B(2); CPPCR 2010 reg 40
    Eligible,
    /// CA 1989 s.23A; CLR 2010 reg 3
    Relevant,
    /// CA 1989 s.23C, s.23CA, s.23CZB
    FormerRelevant,
    /// CA 1989 s.24
    Qualifying,
    /// None of the above (includes under-16s and those whose duties have ended).
    NotInScope,
}

impl LegalStatus {
    /// Stable machine code, the same as the serde name.
    pub fn code(&self) -> &'static str {
        match self {
            LegalStatus::Eligible => "eligible",
            LegalStatus::Relevant => "relevant",
            LegalStatus::FormerRelevant => "former_relevant",
            LegalStatus::Qualifying => "qualifying",
            LegalStatus::NotInScope => "not_in_scope",
        }
    }

    /// Human label for display.
    pub fn label(&self) -> &'static str {
        match self {
            LegalStatus::Eligible => "Eligible",
            LegalStatus::Relevant => "Relevant",
            LegalStatus::FormerRelevant => "Former relevant",
            LegalStatus::Qualifying => "Qualifying",
            LegalStatus::NotInScope => "Not in scope",
        }
    }

    /// The statutory source of the category.
    pub fn source(&self) -> &'static str {
        match self {
            LegalStatus::Eligible => "CA 1989 Sch 2 para 19B(2); CPPCR 2010 reg 40",
            LegalStatus::Relevant => "CA 1989 s.23A; CLR 2010 reg 3",
            LegalStatus::FormerRelevant => "CA 1989 s.23C, s.23CA, s.23CZB",
            LegalStatus::Qualifying => "CA 1989 s.24",
            LegalStatus::NotInScope => "",
        }
    }

    /// Parses a [`LegalStatus::code`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            LegalStatus::Eligible,
            LegalStatus::Relevant,
            LegalStatus::FormerRelevant,
            LegalStatus::Qualifying,
            LegalStatus::NotInScope,
        ]
        .into_iter()
        .find(|st| st.code() == s)
    }
}

/// A looked-after episode. The child is looked after on the days `start..end` (end exclusive:
/// `end` is the day care ended). `end = None` means the episode is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// A pre-planned short-breaks-only placement (CPPCR 2010 reg 48): never counts towards
    /// the 13 weeks and never makes the child "looked after" for these rules
    /// (CPPCR 2010 reg 40(2)).
    pub short_breaks_only: bool,
}

/// A period living back with a parent or person with parental responsibility, `start..end`
/// (end exclusive, `None` = continuing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// Everything the status depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CareHistory {
    pub dob: NaiveDate,
    pub episodes: Vec<Episode>,
    pub with_parent: Vec<Period>,
    /// Subject to a special guardianship order, having been looked after immediately before
    /// it was made (CA 1989 s.24(1A)).
    pub special_guardianship: bool,
    /// Pursuing (or wanting to pursue) education or training after 21 (CA 1989 s.23CA).
    pub education_after_21: bool,
    /// Asked for a personal adviser after 21 (CA 1989 s.23CZB).
    pub requested_pa_after_21: bool,
}

/// The status on a date with the figures behind it and plain-English reasons for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusExplanation {
    pub status: LegalStatus,
    pub as_of: NaiveDate,
    pub age_years: u32,
    /// Days looked after (not short breaks) on or after the 14th birthday, up to `as_of`.
    pub qualifying_days: u32,
    /// First day of eligibility (past, or projected if open episodes continue).
    pub eligibility_date: Option<NaiveDate>,
    pub reasons: Vec<String>,
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(d)
}

fn prev_day(d: NaiveDate) -> NaiveDate {
    d.pred_opt().unwrap_or(d)
}

/// The counted (non-short-break) episodes clipped to `from..until`, merged so overlapping
/// records never count a day twice. Half-open intervals in date order.
fn care_intervals(
    h: &CareHistory,
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut intervals: Vec<(NaiveDate, NaiveDate)> = h
        .episodes
        .iter()
        .filter(|e| !e.short_breaks_only)
        .map(|e| {
            let start = e.start.max(from);
            let end = e.end.map_or(until, |x| x.min(until));
            (start, end)
        })
        .filter(|(s, e)| s < e)
        .collect();
    intervals.sort();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(intervals.len());
    for (s, e) in intervals {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn days_in(intervals: &[(NaiveDate, NaiveDate)]) -> u32 {
    let total: i64 = intervals.iter().map(|(s, e)| (*e - *s).num_days()).sum();
    u32::try_from(total).unwrap_or(u32::MAX)
}

/// Whether the child is looked after on `d` by an episode that is not short-breaks-only.
/// CA 1989 s.22(1); short breaks excluded by CPPCR 2010 reg 40(2) and reg 48.
pub fn looked_after_on(h: &CareHistory, d: NaiveDate) -> bool {
    h.episodes
        .iter()
        .any(|e| !e.short_breaks_only && e.start <= d && e.end.is_none_or(|end| d < end))
}

/// Days looked after (not short breaks) on or after the 14th birthday, up to and including
/// `as_of`. Overlapping episodes count each day once.
/// CA 1989 Sch 2 para 19B(2)(b); CPPCR 2010 reg 40(1).
pub fn qualifying_days(h: &CareHistory, as_of: NaiveDate) -> u32 {
    let from = at_age(h.dob, 14, 0);
    days_in(&care_intervals(h, from, next_day(as_of)))
}

fn aged_16_or_17(h: &CareHistory, d: NaiveDate) -> bool {
    at_age(h.dob, 16, 0) <= d && d < at_age(h.dob, 18, 0)
}

/// Eligible child on `d`: aged 16 or 17, looked after on `d`, and at least 13 weeks (91 days)
/// looked after since the 14th birthday, some of it on or after the 16th birthday (implied
/// here: the child is 16+ and looked after on `d`).
/// CA 1989 Sch 2 para 19B(2); CPPCR 2010 reg 40.
pub fn eligible_on(h: &CareHistory, d: NaiveDate) -> bool {
    aged_16_or_17(h, d) && looked_after_on(h, d) && qualifying_days(h, d) >= QUALIFYING_PERIOD_DAYS
}

/// The day the child last ceased to be looked after, on or before `d` (the `end` of the
/// latest ended, counted episode).
fn last_ceased(h: &CareHistory, d: NaiveDate) -> Option<NaiveDate> {
    h.episodes
        .iter()
        .filter(|e| !e.short_breaks_only)
        .filter_map(|e| e.end.filter(|end| *end > e.start && *end <= d))
        .max()
}

/// A period living with a parent that began on or after `ceased` and had lasted 6 months in a
/// row by `d`: returns its start.
fn home_six_months(h: &CareHistory, ceased: NaiveDate, d: NaiveDate) -> Option<NaiveDate> {
    h.with_parent
        .iter()
        .filter(|p| p.start >= ceased)
        .filter(|p| {
            let six = add_months(p.start, HOME_WITH_PARENT_MONTHS);
            six <= d && p.end.is_none_or(|end| end >= six)
        })
        .map(|p| p.start)
        .min()
}

/// Relevant child on `d`: aged 16 or 17, not looked after, eligible on the last day looked
/// after, and not back with a parent for 6 months in a row since.
/// CA 1989 s.23A(2); CLR 2010 reg 3.
pub fn relevant_on(h: &CareHistory, d: NaiveDate) -> bool {
    if !aged_16_or_17(h, d) || looked_after_on(h, d) {
        return false;
    }
    match last_ceased(h, d) {
        Some(ceased) => eligible_on(h, prev_day(ceased)) && home_six_months(h, ceased, d).is_none(),
        None => false,
    }
}

/// The end of leaving-care duties for a former relevant child: 21st birthday, or 25th while in
/// education or training (s.23CA) or when a personal adviser was requested (s.23CZB).
/// CA 1989 s.23C(6)-(7), s.23CA, s.23CZB.
pub fn former_relevant_duties_end(h: &CareHistory) -> NaiveDate {
    if h.education_after_21 || h.requested_pa_after_21 {
        at_age(h.dob, 25, 0)
    } else {
        at_age(h.dob, 21, 0)
    }
}

/// Whether the child became a former relevant child at 18: relevant on the day before the 18th
/// birthday, or looked after then and eligible.
/// CA 1989 s.23C(1)(a)-(b).
pub fn former_relevant_at_18(h: &CareHistory) -> bool {
    let eve = prev_day(at_age(h.dob, 18, 0));
    relevant_on(h, eve) || eligible_on(h, eve)
}

/// Whether the child was looked after (not short breaks) on some day from the 16th birthday
/// up to `d` while still under 18. CA 1989 s.24(1B).
pub fn looked_after_since_16(h: &CareHistory, d: NaiveDate) -> bool {
    let from = at_age(h.dob, 16, 0);
    let until = at_age(h.dob, 18, 0).min(next_day(d));
    !care_intervals(h, from, until).is_empty()
}

/// Status on `as_of`, with reasons.
pub fn status_on(h: &CareHistory, as_of: NaiveDate) -> StatusExplanation {
    let age = age_years(h.dob, as_of);
    let q_days = qualifying_days(h, as_of);
    let elig_date = eligibility_date(h);
    let looked_after = looked_after_on(h, as_of);
    let eighteen = at_age(h.dob, 18, 0);
    let twenty_one = at_age(h.dob, 21, 0);

    let mut reasons = vec![format!("Aged {age} (born {})", h.dob)];
    reasons.push(if looked_after {
        format!("Looked after on {as_of}")
    } else {
        format!("Not looked after on {as_of}")
    });
    reasons.push(format!(
        "Looked after for {q_days} days since the 14th birthday (13 weeks = {QUALIFYING_PERIOD_DAYS} days needed)"
    ));
    let short_breaks = h.episodes.iter().filter(|e| e.short_breaks_only).count();
    if short_breaks > 0 {
        reasons.push(format!(
            "{short_breaks} short-breaks-only episode(s) do not count (CPPCR 2010 reg 40(2), reg 48)"
        ));
    }
    match elig_date {
        Some(e) if e <= as_of => reasons.push(format!("Became an eligible child on {e}")),
        Some(e) => reasons.push(format!(
            "Projected to become an eligible child on {e} if the current care continues"
        )),
        None => {}
    }

    let status = if eligible_on(h, as_of) {
        reasons.push(format!(
            "Eligible: aged 16 or 17, looked after now, at least 13 weeks since the 14th birthday ({})",
            LegalStatus::Eligible.source()
        ));
        LegalStatus::Eligible
    } else if relevant_on(h, as_of) {
        if let Some(ceased) = last_ceased(h, as_of) {
            reasons.push(format!(
                "Left care on {ceased} and was an eligible child on the last day looked after ({})",
                prev_day(ceased)
            ));
        }
        reasons.push(format!(
            "Relevant: aged 16 or 17 and not back living with a parent for 6 months in a row ({})",
            LegalStatus::Relevant.source()
        ));
        LegalStatus::Relevant
    } else if as_of >= eighteen && former_relevant_at_18(h) && as_of < former_relevant_duties_end(h)
    {
        let ends = former_relevant_duties_end(h);
        reasons.push(format!(
            "Former relevant: a relevant or eligible child immediately before the 18th birthday ({})",
            LegalStatus::FormerRelevant.source()
        ));
        reasons.push(if ends > twenty_one {
            format!(
                "Duties continue to the 25th birthday ({ends}): education or training after 21 (s.23CA) or a personal adviser requested (s.23CZB)"
            )
        } else {
            format!("Duties continue to the 21st birthday ({ends}) (CA 1989 s.23C(6))")
        });
        LegalStatus::FormerRelevant
    } else if as_of < twenty_one
        && ((looked_after_since_16(h, as_of) && (as_of >= eighteen || !looked_after))
            || (h.special_guardianship && age >= 16))
    {
        if h.special_guardianship && age >= 16 {
            reasons.push(format!(
                "Qualifying: aged 16 to 20 under a special guardianship order ({} (1A))",
                LegalStatus::Qualifying.source()
            ));
        } else {
            reasons.push(format!(
                "Qualifying: looked after at some time after the 16th birthday and no longer looked after ({} (1B))",
                LegalStatus::Qualifying.source()
            ));
        }
        if let Some(home) = last_ceased(h, as_of).and_then(|c| home_six_months(h, c, as_of)) {
            reasons.push(format!(
                "Living with a parent since {home} for 6 months or more, so no longer a relevant child (CLR 2010 reg 3)"
            ));
        }
        LegalStatus::Qualifying
    } else {
        reasons.push(if age < 16 {
            "Not in scope: under 16".to_string()
        } else if former_relevant_at_18(h) && as_of >= former_relevant_duties_end(h) {
            format!(
                "Not in scope: leaving-care duties ended on {}",
                former_relevant_duties_end(h)
            )
        } else if as_of >= twenty_one {
            "Not in scope: 21 or over and not a former relevant child".to_string()
        } else if looked_after {
            "Not in scope yet: looked after, but not yet 13 weeks since the 14th birthday"
                .to_string()
        } else {
            "Not in scope: not looked after at any time since the 16th birthday".to_string()
        });
        LegalStatus::NotInScope
    };

    StatusExplanation {
        status,
        as_of,
        age_years: age,
        qualifying_days: q_days,
        eligibility_date: elig_date,
        reasons,
    }
}

/// The first date on or after the 16th birthday and before the 18th on which the child is an
/// eligible child, assuming open episodes continue (a projection when in the future).
/// CA 1989 Sch 2 para 19B(2); CPPCR 2010 reg 40.
pub fn eligibility_date(h: &CareHistory) -> Option<NaiveDate> {
    let sixteen = at_age(h.dob, 16, 0);
    let eighteen = at_age(h.dob, 18, 0);
    let fourteen = at_age(h.dob, 14, 0);
    // Days counted before the 16th birthday, then walk the care intervals from 16 to 18.
    let mut counted = days_in(&care_intervals(h, fourteen, sixteen));
    for (start, end) in care_intervals(h, sixteen, eighteen) {
        let length = days_in(&[(start, end)]);
        let needed = QUALIFYING_PERIOD_DAYS.saturating_sub(counted);
        // The first day of an interval already makes the total counted + 1.
        if needed <= length {
            let offset = i64::from(needed.max(1)) - 1;
            return Some(start + Duration::days(offset));
        }
        counted = counted.saturating_add(length);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    fn hist(dob: &str, episodes: Vec<Episode>) -> CareHistory {
        CareHistory {
            dob: d(dob),
            episodes,
            ..Default::default()
        }
    }

    // Born 2008-06-01: 14 on 2022-06-01, 16 on 2024-06-01, 18 on 2026-06-01, 21 on 2029-06-01.
    const DOB: &str = "2008-06-01";

    #[test]
    fn codes_labels_sources() {
        assert_eq!(LegalStatus::FormerRelevant.code(), "former_relevant");
        assert_eq!(LegalStatus::FormerRelevant.label(), "Former relevant");
        assert!(LegalStatus::Eligible.source().contains("reg 40"));
        for s in [
            "eligible",
            "relevant",
            "former_relevant",
            "qualifying",
            "not_in_scope",
        ] {
            assert_eq!(LegalStatus::parse(s).unwrap().code(), s);
        }
        assert_eq!(LegalStatus::parse("Eligible"), None);
    }

    #[test]
    fn exactly_90_days_is_not_eligible_91_is() {
        // Care from the 16th birthday, open.
        let h = hist(DOB, vec![ep("2024-06-01", None)]);
        let day90 = d("2024-06-01") + Duration::days(89);
        let day91 = d("2024-06-01") + Duration::days(90);
        assert_eq!(qualifying_days(&h, day90), 90);
        assert_eq!(qualifying_days(&h, day91), 91);
        assert_eq!(status_on(&h, day90).status, LegalStatus::NotInScope);
        assert_eq!(status_on(&h, day91).status, LegalStatus::Eligible);
        assert_eq!(eligibility_date(&h), Some(day91));
        assert_eq!(day91, d("2024-08-30"));
        let text = status_on(&h, day91 + Duration::days(29)).reasons.join("\n");
        assert!(
            text.contains(
                "Looked after for 120 days since the 14th birthday (13 weeks = 91 days needed)"
            ),
            "{text}"
        );
    }

    #[test]
    fn days_before_14th_birthday_never_count() {
        // In care from age 10 to 14y30d: only 30 days count.
        let h = hist(DOB, vec![ep("2018-06-01", Some("2022-07-01"))]);
        assert_eq!(qualifying_days(&h, d("2025-01-01")), 30);
        // Straddling the 16th birthday: 60 days before, then care continues.
        let h = hist(DOB, vec![ep("2024-04-02", None)]);
        assert_eq!(qualifying_days(&h, d("2024-05-31")), 60);
        assert_eq!(
            status_on(&h, d("2024-05-31")).status,
            LegalStatus::NotInScope
        );
        // 60 days before 16 + 31 days from 16 = 91 on 2024-07-01.
        assert_eq!(eligibility_date(&h), Some(d("2024-07-01")));
        assert_eq!(
            status_on(&h, d("2024-06-30")).status,
            LegalStatus::NotInScope
        );
        assert_eq!(status_on(&h, d("2024-07-01")).status, LegalStatus::Eligible);
    }

    #[test]
    fn thirteen_weeks_before_16_then_in_care_at_16_is_eligible_at_16() {
        let h = hist(DOB, vec![ep("2023-01-01", None)]);
        assert_eq!(eligibility_date(&h), Some(d("2024-06-01")));
        assert_eq!(
            status_on(&h, d("2024-05-31")).status,
            LegalStatus::NotInScope
        );
        assert_eq!(status_on(&h, d("2024-06-01")).status, LegalStatus::Eligible);
    }

    #[test]
    fn care_ending_before_16_is_never_eligible() {
        // 200 days between 14 and 16, but nothing after 16.
        let h = hist(DOB, vec![ep("2023-01-01", Some("2023-07-20"))]);
        assert_eq!(eligibility_date(&h), None);
        assert_eq!(
            status_on(&h, d("2024-08-01")).status,
            LegalStatus::NotInScope
        );
    }

    #[test]
    fn gaps_and_many_short_episodes_sum_past_91() {
        // Ten 10-day episodes after 16 with gaps: 100 days; eligible during the 10th.
        let mut eps = Vec::new();
        let mut start = d("2024-07-01");
        for _ in 0..10 {
            eps.push(Episode {
                start,
                end: Some(start + Duration::days(10)),
                short_breaks_only: false,
            });
            start += Duration::days(20);
        }
        let h = hist(DOB, eps.clone());
        let tenth_start = d("2024-07-01") + Duration::days(180);
        assert_eq!(qualifying_days(&h, tenth_start - Duration::days(1)), 90);
        assert_eq!(eligibility_date(&h), Some(tenth_start));
        assert_eq!(status_on(&h, tenth_start).status, LegalStatus::Eligible);
        // In a gap after 91 days: relevant (eligible on the last day looked after).
        assert_eq!(
            status_on(&h, tenth_start + Duration::days(15)).status,
            LegalStatus::Relevant
        );
        // In a gap before 91 days: qualifying (looked after since 16, never eligible yet).
        assert_eq!(
            status_on(&h, d("2024-07-15")).status,
            LegalStatus::Qualifying
        );
    }

    #[test]
    fn short_breaks_never_count() {
        let h = CareHistory {
            dob: d(DOB),
            episodes: vec![Episode {
                start: d("2024-06-01"),
                end: None,
                short_breaks_only: true,
            }],
            ..Default::default()
        };
        assert_eq!(qualifying_days(&h, d("2025-06-01")), 0);
        assert!(!looked_after_on(&h, d("2025-06-01")));
        assert_eq!(eligibility_date(&h), None);
        let s = status_on(&h, d("2025-06-01"));
        assert_eq!(s.status, LegalStatus::NotInScope);
        assert!(s.reasons.iter().any(|r| r.contains("short-breaks-only")));
    }

    #[test]
    fn relevant_then_home_for_six_months() {
        let mut h = hist(DOB, vec![ep("2023-01-01", Some("2025-01-10"))]);
        assert_eq!(status_on(&h, d("2025-01-09")).status, LegalStatus::Eligible);
        assert_eq!(status_on(&h, d("2025-01-10")).status, LegalStatus::Relevant);
        h.with_parent.push(Period {
            start: d("2025-01-10"),
            end: None,
        });
        assert_eq!(status_on(&h, d("2025-07-09")).status, LegalStatus::Relevant);
        assert_eq!(
            status_on(&h, d("2025-07-10")).status,
            LegalStatus::Qualifying
        );
        // Home for only 5 months, then left: still relevant.
        h.with_parent[0].end = Some(d("2025-06-10"));
        assert_eq!(status_on(&h, d("2025-09-01")).status, LegalStatus::Relevant);
        // A home period that began before ceasing care does not count.
        h.with_parent[0] = Period {
            start: d("2024-12-01"),
            end: None,
        };
        assert_eq!(status_on(&h, d("2025-09-01")).status, LegalStatus::Relevant);
    }

    #[test]
    fn former_relevant_and_duties_to_21_or_25() {
        // Relevant at 17, former relevant from 18 to 21.
        let mut h = hist(DOB, vec![ep("2023-01-01", Some("2025-01-10"))]);
        assert_eq!(status_on(&h, d("2026-05-31")).status, LegalStatus::Relevant);
        assert_eq!(
            status_on(&h, d("2026-06-01")).status,
            LegalStatus::FormerRelevant
        );
        assert_eq!(
            status_on(&h, d("2029-05-31")).status,
            LegalStatus::FormerRelevant
        );
        assert_eq!(
            status_on(&h, d("2029-06-01")).status,
            LegalStatus::NotInScope
        );
        h.education_after_21 = true;
        assert_eq!(
            status_on(&h, d("2029-06-01")).status,
            LegalStatus::FormerRelevant
        );
        assert_eq!(
            status_on(&h, d("2033-06-01")).status,
            LegalStatus::NotInScope
        );
        h.education_after_21 = false;
        h.requested_pa_after_21 = true;
        assert_eq!(
            status_on(&h, d("2033-05-31")).status,
            LegalStatus::FormerRelevant
        );
        // Looked after at 18 and eligible before: former relevant.
        let h = hist(DOB, vec![ep("2025-01-01", Some("2026-06-01"))]);
        assert_eq!(status_on(&h, d("2026-05-31")).status, LegalStatus::Eligible);
        assert_eq!(
            status_on(&h, d("2026-06-01")).status,
            LegalStatus::FormerRelevant
        );
        // Looked after at 18 but only 50 days: qualifying.
        let h = hist(DOB, vec![ep("2026-04-12", Some("2026-06-01"))]);
        assert_eq!(
            status_on(&h, d("2026-06-01")).status,
            LegalStatus::Qualifying
        );
        assert_eq!(
            status_on(&h, d("2029-06-01")).status,
            LegalStatus::NotInScope
        );
    }

    #[test]
    fn special_guardianship_is_qualifying_from_16_to_21() {
        let h = CareHistory {
            dob: d(DOB),
            special_guardianship: true,
            ..Default::default()
        };
        assert_eq!(
            status_on(&h, d("2024-05-31")).status,
            LegalStatus::NotInScope
        );
        assert_eq!(
            status_on(&h, d("2024-06-01")).status,
            LegalStatus::Qualifying
        );
        assert_eq!(
            status_on(&h, d("2029-06-01")).status,
            LegalStatus::NotInScope
        );
    }

    #[test]
    fn leap_day_birth() {
        // Born 29 Feb 2008: 16 on 2024-02-29 (leap), 17 on 2025-03-01, 18 on 2026-03-01.
        let h = hist("2008-02-29", vec![ep("2024-02-29", None)]);
        assert_eq!(qualifying_days(&h, d("2024-02-29")), 1);
        assert_eq!(eligibility_date(&h), Some(d("2024-05-29")));
        let h = hist("2008-02-29", vec![ep("2025-01-01", Some("2026-03-05"))]);
        assert_eq!(status_on(&h, d("2026-02-28")).status, LegalStatus::Eligible);
        assert_eq!(status_on(&h, d("2026-02-28")).age_years, 17);
        assert_eq!(
            status_on(&h, d("2026-03-01")).status,
            LegalStatus::FormerRelevant
        );
        assert_eq!(status_on(&h, d("2026-03-01")).age_years, 18);
        // The 14th birthday is 2022-02-28? No: 2022 has no 29 Feb, so 14 on 2022-03-01.
        let h = hist("2008-02-29", vec![ep("2022-02-01", Some("2022-03-11"))]);
        assert_eq!(qualifying_days(&h, d("2023-01-01")), 10);
    }

    #[test]
    fn overlapping_records_count_once() {
        let h = hist(
            DOB,
            vec![
                ep("2024-06-01", Some("2024-08-01")),
                ep("2024-07-01", Some("2024-09-01")),
            ],
        );
        assert_eq!(qualifying_days(&h, d("2024-12-01")), 92);
    }

    // ---- property tests ----

    fn arb_history() -> impl Strategy<Value = CareHistory> {
        let dob = (0i64..3000).prop_map(|n| d("2004-01-01") + Duration::days(n));
        let episode = (
            0i64..3000,
            prop::option::of(0i64..400),
            prop::bool::weighted(0.15),
        )
            .prop_map(|(offset, len, sb)| (offset, len, sb));
        let parent = (0i64..3000, prop::option::of(0i64..400));
        (
            dob,
            prop::collection::vec(episode, 0..8),
            prop::collection::vec(parent, 0..3),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(dob, eps, parents, sgo, edu, req)| {
                // Episodes are placed from the 12th birthday onwards.
                let base = at_age(dob, 12, 0);
                CareHistory {
                    dob,
                    episodes: eps
                        .into_iter()
                        .map(|(o, len, sb)| Episode {
                            start: base + Duration::days(o),
                            end: len.map(|l| base + Duration::days(o + l + 1)),
                            short_breaks_only: sb,
                        })
                        .collect(),
                    with_parent: parents
                        .into_iter()
                        .map(|(o, len)| Period {
                            start: base + Duration::days(o),
                            end: len.map(|l| base + Duration::days(o + l + 1)),
                        })
                        .collect(),
                    special_guardianship: sgo,
                    education_after_21: edu,
                    requested_pa_after_21: req,
                }
            })
    }

    fn arb_case() -> impl Strategy<Value = (CareHistory, NaiveDate)> {
        arb_history().prop_flat_map(|h| {
            let base = at_age(h.dob, 13, 0);
            (
                Just(h),
                (0i64..5000).prop_map(move |n| base + Duration::days(n)),
            )
        })
    }

    /// Brute-force count, one day at a time, as an independent oracle.
    fn oracle_days(h: &CareHistory, as_of: NaiveDate) -> u32 {
        let mut n = 0;
        let mut day = at_age(h.dob, 14, 0);
        while day <= as_of {
            if looked_after_on(h, day) {
                n += 1;
            }
            day += Duration::days(1);
        }
        n
    }

    proptest! {
        #[test]
        fn qualifying_days_matches_day_by_day_count((h, as_of) in arb_case()) {
            prop_assert_eq!(qualifying_days(&h, as_of), oracle_days(&h, as_of));
        }

        #[test]
        fn qualifying_days_never_exceed_days_since_14((h, as_of) in arb_case()) {
            let fourteen = at_age(h.dob, 14, 0);
            let since = (as_of - fourteen).num_days() + 1;
            prop_assert!(i64::from(qualifying_days(&h, as_of)) <= since.max(0));
        }

        #[test]
        fn short_break_episodes_never_change_anything((h, as_of) in arb_case()) {
            let mut without = h.clone();
            without.episodes.retain(|e| !e.short_breaks_only);
            prop_assert_eq!(status_on(&h, as_of), status_on(&without, as_of).clone_with_reasons_of(&status_on(&h, as_of)));
            prop_assert_eq!(eligibility_date(&h), eligibility_date(&without));
        }

        #[test]
        fn status_is_pure_and_order_independent((h, as_of) in arb_case()) {
            let a = status_on(&h, as_of);
            let b = status_on(&h, as_of);
            prop_assert_eq!(&a, &b);
            let mut reversed = h.clone();
            reversed.episodes.reverse();
            reversed.with_parent.reverse();
            prop_assert_eq!(a, status_on(&reversed, as_of));
        }

        #[test]
        fn eligible_implies_16_or_17_and_looked_after((h, as_of) in arb_case()) {
            let s = status_on(&h, as_of);
            if s.status == LegalStatus::Eligible {
                prop_assert!(s.age_years == 16 || s.age_years == 17);
                prop_assert!(looked_after_on(&h, as_of));
                prop_assert!(s.qualifying_days >= 91);
                prop_assert!(s.eligibility_date.is_some_and(|e| e <= as_of));
            }
            if s.status == LegalStatus::Relevant {
                prop_assert!(s.age_years == 16 || s.age_years == 17);
                prop_assert!(!looked_after_on(&h, as_of));
            }
            if s.status == LegalStatus::FormerRelevant {
                prop_assert!(s.age_years >= 18 && s.age_years < 25);
            }
            if s.status == LegalStatus::Qualifying {
                prop_assert!(s.age_years >= 16 && s.age_years < 21);
            }
            if s.age_years < 16 {
                prop_assert_eq!(s.status, LegalStatus::NotInScope);
            }
        }

        #[test]
        fn eligibility_date_is_first_eligible_day(h in arb_history()) {
            let sixteen = at_age(h.dob, 16, 0);
            let eighteen = at_age(h.dob, 18, 0);
            let mut first = None;
            let mut day = sixteen;
            while day < eighteen {
                if eligible_on(&h, day) {
                    first = Some(day);
                    break;
                }
                day += Duration::days(1);
            }
            prop_assert_eq!(eligibility_date(&h), first);
        }

        #[test]
        fn ninety_one_days_threshold(dob_offset in 0i64..3000, before_16 in 0i64..120, extra in 0i64..3) {
            // One episode ending 90 + extra days after it started, all after the 14th birthday,
            // straddling the 16th birthday by before_16 days.
            let dob = d("2004-01-01") + Duration::days(dob_offset);
            let sixteen = at_age(dob, 16, 0);
            let start = sixteen - Duration::days(before_16);
            let total = 90 + extra;
            let h = hist_dates(dob, vec![(start, Some(start + Duration::days(total)))]);
            let last = start + Duration::days(total - 1);
            prop_assert_eq!(qualifying_days(&h, last), total as u32);
            let ends_after_16 = last >= sixteen;
            let expected = total >= 91 && ends_after_16;
            prop_assert_eq!(eligible_on(&h, last), expected);
        }
    }

    fn hist_dates(dob: NaiveDate, eps: Vec<(NaiveDate, Option<NaiveDate>)>) -> CareHistory {
        CareHistory {
            dob,
            episodes: eps
                .into_iter()
                .map(|(start, end)| Episode {
                    start,
                    end,
                    short_breaks_only: false,
                })
                .collect(),
            ..Default::default()
        }
    }

    impl StatusExplanation {
        /// Equality ignoring the reasons text (which mentions the short-break count).
        fn clone_with_reasons_of(&self, other: &StatusExplanation) -> StatusExplanation {
            StatusExplanation {
                reasons: other.reasons.clone(),
                ..self.clone()
            }
        }
    }
}
