//! When a reminder is due, pure: which lead time applies, when an item is overdue and when it
//! escalates. The stored milestones, supervision and audit actions are the items; the jobs
//! module turns these answers into outbox rows.
//!
//! Lead times and the escalation delay are local policy (RULES.md section 4: "the service should
//! warn before a deadline and escalate after it"); the return home interview is the exception
//! because the statutory guidance gives only 72 hours (Statutory guidance on children who run away
//! or go missing from home or care, 2014, para 50), so its reminders go at once.

use chrono::NaiveDate;

use super::working_days::BankHolidays;

/// What a reminder says about an item on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Due within a lead time: the reminder for that lead (the smallest lead not yet passed).
    DueWithin(u32),
    /// Past its due date but not yet escalated.
    Overdue,
    /// Overdue by more than the escalation delay: the responsible person's manager hears too.
    Escalated,
    /// Nothing to say today.
    Quiet,
}

/// Where an item stands on `today`, with lead times `leads` (any order) and an escalation delay in
/// working days after the due date.
///
/// The lead is the smallest one that the item is inside, so an item first seen 2 days before it
/// falls due gets the 3-day reminder only, never the 14-day one late.
pub fn standing(
    due: NaiveDate,
    today: NaiveDate,
    leads: &[u32],
    escalation_working_days: u32,
    holidays: &BankHolidays,
) -> Standing {
    if today > due {
        if today > holidays.add_working_days(due, escalation_working_days) {
            Standing::Escalated
        } else {
            Standing::Overdue
        }
    } else {
        let days_left = (due - today).num_days();
        leads
            .iter()
            .copied()
            .filter(|l| i64::from(*l) >= days_left)
            .min()
            .map_or(Standing::Quiet, Standing::DueWithin)
    }
}

/// The furthest ahead any reminder looks: items due after this day need no work today.
pub fn horizon(today: NaiveDate, leads: &[u32]) -> NaiveDate {
    today + chrono::Duration::days(i64::from(leads.iter().copied().max().unwrap_or(0)))
}

/// A young person's name as it may appear in an email: the preferred (or given) first name and
/// the family name's initial, never more (data minimisation, UK GDPR Art. 5(1)(c)).
pub fn short_name(given: &str, preferred: Option<&str>, family: &str) -> String {
    let first = preferred
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(given.trim());
    let first = first.split_whitespace().next().unwrap_or("");
    match family.trim().chars().next() {
        Some(c) => format!("{first} {}.", c.to_uppercase()),
        None => first.to_string(),
    }
}

/// Exponential backoff for a failed send: `base * 2^(attempts-1)`, capped, with ±20% jitter
/// from `jitter` in [0, 1) so that many failed rows do not all retry at the same moment.
pub fn backoff_seconds(attempts: i32, base: i64, cap: i64, jitter: f64) -> i64 {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(0);
    let raw = base.saturating_mul(2_i64.saturating_pow(exp)).min(cap);
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    ((raw as f64) * factor).round().max(1.0) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn leads_pick_the_nearest_threshold() {
        let h = BankHolidays::england_and_wales();
        let due = d(2026, 12, 15);
        let s = |today| standing(due, today, &[14, 3], 5, &h);
        assert_eq!(s(d(2026, 11, 30)), Standing::Quiet); // 15 days before
        assert_eq!(s(d(2026, 12, 1)), Standing::DueWithin(14)); // 14 days before
        assert_eq!(s(d(2026, 12, 11)), Standing::DueWithin(14)); // 4 days before
        assert_eq!(s(d(2026, 12, 12)), Standing::DueWithin(3));
        assert_eq!(s(d(2026, 12, 15)), Standing::DueWithin(3)); // due today: not yet overdue
        assert_eq!(s(d(2026, 12, 16)), Standing::Overdue);
    }

    #[test]
    fn escalation_counts_working_days_over_christmas() {
        let h = BankHolidays::england_and_wales();
        // Due Wed 23 Dec 2026. Working days after: 24 (Thu), 29, 30, 31 Dec, 4 Jan (25, 28 Dec
        // and 1 Jan are bank holidays in 2026/27; 26-27 Dec and 2-3 Jan are a weekend).
        let due = d(2026, 12, 23);
        let s = |today| standing(due, today, &[14, 3], 5, &h);
        assert_eq!(s(d(2027, 1, 4)), Standing::Overdue);
        assert_eq!(s(d(2027, 1, 5)), Standing::Escalated);
    }

    #[test]
    fn short_name_keeps_first_name_and_initial() {
        assert_eq!(short_name("Samuel", Some("Sam"), "Bryant"), "Sam B.");
        assert_eq!(short_name("Amira", None, "el-Sayed"), "Amira E.");
        assert_eq!(short_name("Mary Jane", Some("  "), "Watson"), "Mary W.");
        assert_eq!(short_name("Kai", None, ""), "Kai");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_seconds(1, 60, 21600, 0.5), 60);
        assert_eq!(backoff_seconds(2, 60, 21600, 0.5), 120);
        assert_eq!(backoff_seconds(3, 60, 21600, 0.5), 240);
        assert_eq!(backoff_seconds(20, 60, 21600, 0.5), 21600);
        assert_eq!(backoff_seconds(1, 60, 21600, 0.0), 48);
        assert_eq!(backoff_seconds(1, 60, 21600, 0.999_999), 72);
    }

    proptest! {
        #[test]
        fn a_reminder_never_comes_after_its_due_date_or_before_its_lead(
            offset in -60i64..60, l1 in 1u32..30, l2 in 1u32..30,
        ) {
            let h = BankHolidays::england_and_wales();
            let due = d(2027, 3, 10);
            let today = due - chrono::Duration::days(offset);
            match standing(due, today, &[l1, l2], 5, &h) {
                Standing::DueWithin(l) => {
                    prop_assert!(offset >= 0);
                    prop_assert!(offset <= i64::from(l));
                    // No smaller lead also covers today.
                    for other in [l1, l2] {
                        prop_assert!(!(other < l && offset <= i64::from(other)));
                    }
                }
                Standing::Quiet => prop_assert!(offset > i64::from(l1.max(l2))),
                Standing::Overdue | Standing::Escalated => prop_assert!(offset < 0),
            }
        }
    }
}
