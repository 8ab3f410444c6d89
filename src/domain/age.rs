//! Ages and month arithmetic: the one helper for every "aged N years M months" date.
//!
//! RULES.md section 1: "a person born on 29 February reaches a new age on 1 March in years
//! without 29 February. One helper computes every 'age N years M months' date in the code base."

use chrono::{Datelike, NaiveDate};

/// Adds whole calendar months to a date.
///
/// When the same day of the month does not exist in the target month (29-31), the result
/// rolls forward to the 1st of the following month instead of clamping to the month end:
/// 29 February + 12 months is 1 March in a common year, 31 January + 1 month is 1 March.
/// This is the birthday rule (a person born on 29 February becomes a year older on 1 March
/// in common years) and the same rule is used for every "every N months" interval, so a
/// review due "6 months after 31 August" is due on 1 March, never before the full 6 months.
///
/// Saturates at `NaiveDate::MAX` if the result would be beyond chrono's range.
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    let total = i64::from(d.month0()) + i64::from(months);
    let year = i64::from(d.year()) + total / 12;
    // total % 12 is in 0..12, so the month is 1..=12.
    let month = (total % 12) as u32 + 1;
    let Ok(year) = i32::try_from(year) else {
        return NaiveDate::MAX;
    };
    if let Some(same_day) = NaiveDate::from_ymd_opt(year, month, d.day()) {
        return same_day;
    }
    // The day does not exist in the target month: roll to the 1st of the next month.
    let (next_year, next_month) = if month == 12 {
        (year.checked_add(1), 1)
    } else {
        (Some(year), month + 1)
    };
    next_year
        .and_then(|y| NaiveDate::from_ymd_opt(y, next_month, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// The date on which a person born on `dob` is aged `years` years and `months` months.
///
/// Always computed from the date of birth in one step (never by chaining), so that
/// 17 years 6 months for someone born 29 February 2008 is 29 August 2025, not 1 September.
pub fn at_age(dob: NaiveDate, years: u32, months: u32) -> NaiveDate {
    let total = years.saturating_mul(12).saturating_add(months);
    add_months(dob, total)
}

/// Age in whole years on `on`; 0 before the date of birth.
///
/// Consistent with [`at_age`]: `age_years(dob, at_age(dob, n, 0)) == n` and on the day before
/// that date the age is `n - 1`.
pub fn age_years(dob: NaiveDate, on: NaiveDate) -> u32 {
    if on <= dob {
        return 0;
    }
    let diff = on.year() - dob.year();
    let mut years = u32::try_from(diff).unwrap_or(0);
    if years > 0 && at_age(dob, years, 0) > on {
        years -= 1;
    }
    years
}

/// "16 years 3 months" for a number of months, for explanations on screen.
pub fn describe_months(total_months: u32) -> String {
    let years = total_months / 12;
    let months = total_months % 12;
    let y = if years == 1 { "year" } else { "years" };
    let m = if months == 1 { "month" } else { "months" };
    match (years, months) {
        (0, m_) => format!("{m_} {m}"),
        (y_, 0) => format!("{y_} {y}"),
        (y_, m_) => format!("{y_} {y} {m_} {m}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn add_months_keeps_day_when_it_exists() {
        assert_eq!(add_months(d("2010-03-01"), 195), d("2026-06-01"));
        assert_eq!(add_months(d("2024-11-15"), 2), d("2025-01-15"));
        assert_eq!(add_months(d("2024-11-15"), 0), d("2024-11-15"));
    }

    #[test]
    fn add_months_rolls_forward_not_clamps() {
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-03-01"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-03-01"));
        assert_eq!(add_months(d("2024-01-30"), 1), d("2024-03-01"));
        assert_eq!(add_months(d("2024-01-29"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2025-08-31"), 6), d("2026-03-01"));
        assert_eq!(add_months(d("2025-10-31"), 1), d("2025-12-01"));
        assert_eq!(add_months(d("2025-05-31"), 6), d("2025-12-01"));
    }

    #[test]
    fn leap_day_birthdays() {
        let dob = d("2008-02-29");
        assert_eq!(at_age(dob, 16, 0), d("2024-02-29"));
        assert_eq!(at_age(dob, 17, 0), d("2025-03-01"));
        assert_eq!(at_age(dob, 18, 0), d("2026-03-01"));
        assert_eq!(at_age(dob, 17, 6), d("2025-08-29"));
        assert_eq!(age_years(dob, d("2026-02-28")), 17);
        assert_eq!(age_years(dob, d("2026-03-01")), 18);
        assert_eq!(age_years(dob, d("2024-02-28")), 15);
        assert_eq!(age_years(dob, d("2024-02-29")), 16);
    }

    #[test]
    fn age_before_birth_is_zero() {
        assert_eq!(age_years(d("2010-05-05"), d("2009-01-01")), 0);
        assert_eq!(age_years(d("2010-05-05"), d("2011-05-04")), 0);
        assert_eq!(age_years(d("2010-05-05"), d("2011-05-05")), 1);
    }

    #[test]
    fn saturates_instead_of_panicking() {
        assert_eq!(add_months(NaiveDate::MAX, 12), NaiveDate::MAX);
        assert_eq!(at_age(d("2000-01-01"), u32::MAX, u32::MAX), NaiveDate::MAX);
    }

    #[test]
    fn describes_ages() {
        assert_eq!(describe_months(195), "16 years 3 months");
        assert_eq!(describe_months(204), "17 years");
        assert_eq!(describe_months(1), "1 month");
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..20_000).prop_map(|n| d("1990-01-01") + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn age_years_consistent_with_at_age(dob in arb_date(), n in 1u32..30) {
            let birthday = at_age(dob, n, 0);
            prop_assert_eq!(age_years(dob, birthday), n);
            prop_assert_eq!(age_years(dob, birthday.pred_opt().unwrap()), n - 1);
        }

        #[test]
        fn add_months_is_monotone_and_never_short(a in arb_date(), gap in 0i64..100, m in 0u32..400) {
            let b = a + chrono::Duration::days(gap);
            prop_assert!(add_months(a, m) <= add_months(b, m));
            // Never earlier than the same day number m months on, never more than 3 days later.
            let r = add_months(a, m);
            prop_assert!(r >= a);
            prop_assert_eq!(
                (r.year() * 12 + r.month0() as i32) - (a.year() * 12 + a.month0() as i32) - m as i32
                    <= 1,
                true
            );
            if r.day() != a.day() {
                prop_assert_eq!(r.day(), 1);
            }
        }
    }
}
