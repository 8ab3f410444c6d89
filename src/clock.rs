//! The service's notion of "now". Production reads the system clock; tests drive a manual clock
//! so that timeouts, due dates and reminders are tested without sleeping; and outside production
//! `CLOCK_START` starts a running clock on a chosen date (a demo or a browser test "as of" a day).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock moved by a fixed amount: it reads `start` when made and runs on from there.
pub struct ShiftedClock {
    by: chrono::Duration,
}

impl ShiftedClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        ShiftedClock {
            by: start - Utc::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.by
    }
}

/// Reads a `CLOCK_START` value: a date (`2028-02-29`, meaning 10:00 UTC that day) or an
/// instant (`2026-12-31T23:30:00Z`).
pub fn parse_start(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Ok(at.with_timezone(&Utc));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Ok(at.and_utc());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| {
            d.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default())
                .and_utc()
        })
        .map_err(|_| {
            format!("CLOCK_START={s} is not a date: use 2028-02-29 or 2026-12-31T23:30:00Z")
        })
}

/// A clock that stays where it is put. Used by tests and by `seed-demo` for reproducible data.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(at)))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut g) = self.0.lock() {
            *g = at;
        }
    }
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|g| *g)
            .unwrap_or_else(|e| *e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_is_a_date_at_ten_or_an_instant() {
        assert_eq!(
            parse_start("2028-02-29").unwrap().to_rfc3339(),
            "2028-02-29T10:00:00+00:00"
        );
        assert_eq!(
            parse_start("2026-12-31T23:30:00Z").unwrap().to_rfc3339(),
            "2026-12-31T23:30:00+00:00"
        );
        assert!(parse_start("2027-02-29").is_err());
        assert!(parse_start("tomorrow").unwrap_err().contains("CLOCK_START"));
    }

    #[test]
    fn a_shifted_clock_starts_where_asked_and_runs_on() {
        let start = parse_start("2027-03-28T00:30:00Z").unwrap();
        let c = ShiftedClock::starting_at(start);
        let first = c.now();
        assert!((first - start).num_seconds().abs() <= 1);
        assert!(c.now() >= first);
    }
}
