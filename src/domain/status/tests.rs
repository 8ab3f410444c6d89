//! Property and example tests of `domain::status`.

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
