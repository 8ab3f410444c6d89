//! Working days: weekends and England and Wales bank holidays excluded.
//!
//! RULES.md section 2: "Working days exclude weekends and England and Wales bank holidays;
//! ship the holiday list as data the service reads (nothing is fetched at run time)."
//! The list is `bank-holidays-england-wales.txt` beside this file (GOV.UK bank holidays,
//! England and Wales, 2020 to 2030 inclusive).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// The embedded list: one ISO date per line, `#` starts a comment.
const ENGLAND_AND_WALES: &str = include_str!("bank-holidays-england-wales.txt");

/// A set of bank holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BankHolidays(BTreeSet<NaiveDate>);

impl BankHolidays {
    /// England and Wales bank holidays 2020 to 2030 inclusive, from the embedded list.
    ///
    /// The embedded list is checked by this module's tests, so parsing it cannot fail in a
    /// tested build.
    pub fn england_and_wales() -> Self {
        match Self::parse(ENGLAND_AND_WALES) {
            Ok(holidays) => holidays,
            Err(e) => panic!("embedded bank holiday list is invalid: {e}"),
        }
    }

    /// Parses a list: one `YYYY-MM-DD` date per line; blank lines and anything after `#` are
    /// ignored. The error names the (1-based) line that could not be read.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut dates = BTreeSet::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let date = NaiveDate::parse_from_str(line, "%Y-%m-%d").map_err(|e| {
                format!(
                    "bank holidays line {}: '{}' is not a date in YYYY-MM-DD form ({e})",
                    index + 1,
                    line
                )
            })?;
            dates.insert(date);
        }
        Ok(Self(dates))
    }

    /// Builds a set from dates (for tests and for lists read elsewhere).
    pub fn from_dates(dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self(dates.into_iter().collect())
    }

    /// Whether `d` is a bank holiday in this list.
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.0.contains(&d)
    }

    /// The holidays in date order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.0.iter().copied()
    }

    /// The last calendar year with at least one holiday in the list (to warn when dates are
    /// computed beyond the list's coverage).
    pub fn last_year_covered(&self) -> Option<i32> {
        self.0.iter().next_back().map(|d| d.year())
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(d)
    }

    /// The `n`-th working day after `d` (`d` itself does not count, whether or not it is a
    /// working day). `n = 0` returns `d` unchanged. Saturates at `NaiveDate::MAX`.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut current = d;
        let mut remaining = n;
        while remaining > 0 {
            match current.succ_opt() {
                Some(next) => current = next,
                None => return NaiveDate::MAX,
            }
            if self.is_working_day(current) {
                remaining -= 1;
            }
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn embedded_list_parses_and_covers_2020_to_2030() {
        let h = BankHolidays::england_and_wales();
        for year in 2020..=2030 {
            let n = h.dates().filter(|x| x.year() == year).count();
            let expected = match year {
                2022 => 10, // Platinum Jubilee and the State Funeral
                2023 => 9,  // coronation
                _ => 8,
            };
            assert_eq!(n, expected, "holidays in {year}");
        }
        assert_eq!(h.dates().count(), 91);
        assert_eq!(h.last_year_covered(), Some(2030));
        assert!(h.dates().all(|x| !h.is_working_day(x)));
        assert!(
            h.dates()
                .all(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun)),
            "a bank holiday on a weekend means a missing substitute day"
        );
        assert!(ENGLAND_AND_WALES.contains("GOV.UK bank holidays, England and Wales"));
    }

    #[test]
    fn substitute_and_special_days() {
        let h = BankHolidays::england_and_wales();
        for s in [
            "2020-05-08",
            "2020-12-28",
            "2021-12-27",
            "2021-12-28",
            "2022-01-03",
            "2022-06-02",
            "2022-06-03",
            "2022-09-19",
            "2022-12-26",
            "2022-12-27",
            "2023-01-02",
            "2023-05-08",
            "2026-04-03",
            "2026-04-06",
            "2026-12-28",
            "2027-12-27",
            "2027-12-28",
            "2028-01-03",
            "2030-04-19",
            "2030-04-22",
        ] {
            assert!(h.is_holiday(d(s)), "{s} should be a bank holiday");
        }
        for s in ["2020-05-04", "2022-05-30", "2026-12-26", "2027-12-25"] {
            assert!(!h.is_holiday(d(s)), "{s} should not be in the list");
        }
    }

    #[test]
    fn adds_working_days() {
        let h = BankHolidays::england_and_wales();
        // Christmas Eve 2025 (Wed): 25, 26 holidays, 27-28 weekend.
        assert_eq!(h.add_working_days(d("2025-12-24"), 1), d("2025-12-29"));
        // Good Friday 2026-04-03 and Easter Monday 2026-04-06 are skipped.
        assert_eq!(h.add_working_days(d("2026-04-02"), 1), d("2026-04-07"));
        assert_eq!(h.add_working_days(d("2026-04-01"), 2), d("2026-04-07"));
        // A plain week: Monday + 5 working days is next Monday.
        assert_eq!(h.add_working_days(d("2025-06-02"), 5), d("2025-06-09"));
        // Starting on a weekend.
        assert_eq!(h.add_working_days(d("2025-06-07"), 1), d("2025-06-09"));
        assert_eq!(h.add_working_days(d("2025-06-07"), 0), d("2025-06-07"));
        // 20 working days across both May bank holidays 2026 (4 and 25 May).
        assert_eq!(h.add_working_days(d("2026-05-01"), 20), d("2026-06-02"));
        assert!(!h.is_working_day(d("2026-04-03")));
        assert!(h.is_working_day(d("2026-04-07")));
    }

    #[test]
    fn parse_reports_bad_line() {
        let err = BankHolidays::parse("# header\n2025-01-01\n\n2025-13-01 # bad\n").unwrap_err();
        assert!(err.contains("line 4"), "{err}");
        let ok = BankHolidays::parse("# only comments\n  2025-12-25  # Christmas\n").unwrap();
        assert!(ok.is_holiday(d("2025-12-25")));
        assert_eq!(ok.dates().count(), 1);
    }
}
