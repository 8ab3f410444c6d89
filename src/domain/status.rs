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
    let mut reasons = background_reasons(h, as_of, age, q_days, elig_date, looked_after);
    let status = classify(h, as_of, age, looked_after, &mut reasons);
    StatusExplanation {
        status,
        as_of,
        age_years: age,
        qualifying_days: q_days,
        eligibility_date: elig_date,
        reasons,
    }
}

/// The facts every explanation starts from: age, care now, the 13-week count, short breaks and
/// the eligibility date.
fn background_reasons(
    h: &CareHistory,
    as_of: NaiveDate,
    age: u32,
    q_days: u32,
    elig_date: Option<NaiveDate>,
    looked_after: bool,
) -> Vec<String> {
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
    reasons
}

/// The status on `as_of`, adding the reasons for it.
fn classify(
    h: &CareHistory,
    as_of: NaiveDate,
    age: u32,
    looked_after: bool,
    reasons: &mut Vec<String>,
) -> LegalStatus {
    let eighteen = at_age(h.dob, 18, 0);
    let twenty_one = at_age(h.dob, 21, 0);
    if eligible_on(h, as_of) {
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
        former_relevant_reasons(h, reasons);
        LegalStatus::FormerRelevant
    } else if as_of < twenty_one
        && ((looked_after_since_16(h, as_of) && (as_of >= eighteen || !looked_after))
            || (h.special_guardianship && age >= 16))
    {
        qualifying_reasons(h, as_of, age, reasons);
        LegalStatus::Qualifying
    } else {
        reasons.push(not_in_scope_reason(h, as_of, age, looked_after));
        LegalStatus::NotInScope
    }
}

/// Why a young person is former relevant, and to which birthday the duties run.
fn former_relevant_reasons(h: &CareHistory, reasons: &mut Vec<String>) {
    let twenty_one = at_age(h.dob, 21, 0);
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
}

/// Why a young person is qualifying (CA 1989 s.24 (1A) or (1B)), and whether they have been
/// home with a parent for 6 months.
fn qualifying_reasons(h: &CareHistory, as_of: NaiveDate, age: u32, reasons: &mut Vec<String>) {
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
}

/// Why a young person is not (or not yet) in scope.
fn not_in_scope_reason(h: &CareHistory, as_of: NaiveDate, age: u32, looked_after: bool) -> String {
    if age < 16 {
        "Not in scope: under 16".to_string()
    } else if former_relevant_at_18(h) && as_of >= former_relevant_duties_end(h) {
        format!(
            "Not in scope: leaving-care duties ended on {}",
            former_relevant_duties_end(h)
        )
    } else if as_of >= at_age(h.dob, 21, 0) {
        "Not in scope: 21 or over and not a former relevant child".to_string()
    } else if looked_after {
        "Not in scope yet: looked after, but not yet 13 weeks since the 14th birthday".to_string()
    } else {
        "Not in scope: not looked after at any time since the 16th birthday".to_string()
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
mod tests;
