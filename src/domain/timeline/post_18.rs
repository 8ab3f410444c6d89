//! After 18: the care-leaver data return around each birthday and the end of the authority's
//! duties.

use chrono::NaiveDate;

use crate::domain::age::{at_age, describe_months};
use crate::domain::policy::Policy;
use crate::domain::status::{CareHistory, LegalStatus, status_on};

use super::{Draft, Facts, MilestoneCode};

/// DUTIES_END: the 21st birthday for a qualifying person (CA 1989 s.24); for a former relevant
/// young person the 21st, or the 25th with education or training or a personal adviser asked
/// for after 21 (CA 1989 s.23C(6)-(7), s.23CA, s.23CZB(3)).
pub(super) fn duties_end_draft(
    h: &CareHistory,
    due: NaiveDate,
    former_relevant: bool,
    done_on: Option<NaiveDate>,
) -> Draft {
    let (rule, source) = if !former_relevant {
        (
            format!(
                "21st birthday (born {}): advice and assistance to a qualifying person end",
                h.dob
            ),
            "CA 1989 s.24",
        )
    } else if h.education_after_21 || h.requested_pa_after_21 {
        let why = match (h.education_after_21, h.requested_pa_after_21) {
            (true, true) => "education or training after 21 and a personal adviser requested",
            (true, false) => "education or training after 21",
            _ => "a personal adviser requested after 21",
        };
        (
            format!("25th birthday (born {}): {why}", h.dob),
            "CA 1989 s.23CA, s.23CZB(3)",
        )
    } else {
        (
            format!("21st birthday (born {})", h.dob),
            "CA 1989 s.23C(6)-(7)",
        )
    };
    Draft {
        code: MilestoneCode::DutiesEnd,
        due,
        done_on,
        rule,
        source,
    }
}

/// OC3_RECORD (SSDA903 care-leaver return): the next of the 17th to 21st birthdays at which the
/// young person is a care leaver (relevant or former relevant) and whose window (policy, default
/// 3 months before to 1 month after) has not passed; due at the end of the window.
pub(super) fn oc3(h: &CareHistory, p: &Policy, as_of: NaiveDate, facts: &Facts) -> Option<Draft> {
    for n in 17u32..=21 {
        let birthday = at_age(h.dob, n, 0);
        let window_start = at_age(
            h.dob,
            0,
            (n * 12).saturating_sub(p.oc3_window_before_months),
        );
        let window_end = at_age(h.dob, 0, n * 12 + p.oc3_window_after_months);
        if as_of > window_end {
            continue;
        }
        let at_birthday = status_on(h, birthday).status;
        let leaver = matches!(
            at_birthday,
            LegalStatus::Relevant | LegalStatus::FormerRelevant
        ) || (n == 21
            && status_on(h, birthday.pred_opt().unwrap_or(birthday)).status
                == LegalStatus::FormerRelevant);
        if !leaver {
            continue;
        }
        let done_on = facts
            .oc3
            .iter()
            .copied()
            .find(|d| window_start <= *d && *d <= window_end);
        return Some(Draft {
            code: MilestoneCode::Oc3Record,
            due: window_end,
            done_on,
            rule: format!(
                "{} after the {n}th birthday on {birthday}; window {window_start} to {window_end}",
                describe_months(p.oc3_window_after_months)
            ),
            source: "SSDA903 OC3 (window unverified)",
        });
    }
    None
}
