//! The SSDA903 care-leaver data (the OC3 table): its codes and the DfE validation rules that
//! apply to one young person's record (RULES.md section 5; REFERENCE.md 4.1, with the rule numbers
//! of the DfE rules as coded in `csc-validator-be-903`, ruleset `lac2025_26`).

use chrono::NaiveDate;

use super::age::{add_months, age_years};

/// IN_TOUCH codes (rule 131).
pub const IN_TOUCH: &[(&str, &str)] = &[
    ("YES", "Yes, in touch"),
    ("NO", "No, not in touch"),
    ("DIED", "Died after leaving care"),
    ("REFU", "Refuses contact"),
    ("NREQ", "No longer needs children's social care services"),
    ("RHOM", "Returned home to parents for 6 months or more"),
];

/// ACTIV codes (rule 132), with whether each counts as education, employment or training.
pub const ACTIVITY: &[(&str, &str, bool)] = &[
    ("F1", "Full time in higher education", true),
    ("P1", "Part time in higher education", true),
    ("F2", "Full time in other education", true),
    ("P2", "Part time in other education", true),
    ("F4", "Full time apprenticeship", true),
    ("P4", "Part time apprenticeship", true),
    ("F5", "Full time training or employment", true),
    ("P5", "Part time training or employment", true),
    (
        "G4",
        "Not in education, employment or training: illness or disability",
        false,
    ),
    (
        "G5",
        "Not in education, employment or training: other",
        false,
    ),
    (
        "G6",
        "Not in education, employment or training: pregnancy or parenting",
        false,
    ),
    ("0", "Not applicable (died or returned home)", false),
];

/// ACCOM letters (rule 133), with whether the "suitable" suffix 1 is allowed.
pub const ACCOMMODATION: &[(&str, &str, bool)] = &[
    ("B", "With parents or relatives", true),
    ("C", "Community home or other residential care", true),
    ("D", "Semi-independent or transitional accommodation", true),
    ("E", "Supported lodgings", true),
    ("G", "Gone abroad", true),
    ("H", "Deported", true),
    ("K", "Ordinary lodgings, without formal support", true),
    ("R", "Residence not known", true),
    ("S", "No fixed abode or homeless", false),
    ("T", "Foyer or similar", true),
    ("U", "Independent living", true),
    ("V", "Emergency accommodation", true),
    ("W", "Bed and breakfast", true),
    ("X", "In custody", false),
    ("Y", "Other accommodation", true),
    ("Z", "With former foster carers (staying put)", true),
];

pub fn in_touch_label(code: &str) -> &'static str {
    IN_TOUCH
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Unknown", |(_, l)| l)
}

pub fn activity_label(code: &str) -> &'static str {
    ACTIVITY
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("Unknown", |(_, l, _)| l)
}

pub fn accommodation_label(code: &str) -> String {
    if code == "0" {
        return "Not applicable".into();
    }
    let letter = &code[..code.len().min(1)];
    let kind = ACCOMMODATION
        .iter()
        .find(|(c, _, _)| *c == letter)
        .map_or("Unknown", |(_, l, _)| l);
    match code.get(1..) {
        Some("1") => format!("{kind}, suitable"),
        Some("2") => format!("{kind}, unsuitable"),
        _ => kind.to_string(),
    }
}

/// Whether a main activity is education, employment or training.
pub fn is_eet(activity: &str) -> bool {
    ACTIVITY.iter().any(|(c, _, eet)| *c == activity && *eet)
}

/// Whether an accommodation code says "considered suitable".
pub fn is_suitable(accommodation: &str) -> bool {
    accommodation.len() == 2 && accommodation.ends_with('1')
}

/// The Header table's SEX code (M, F or U since 2024-25, rule 101) for a recorded gender; `None`
/// when nothing is recorded.
pub fn sex_code(gender: Option<&str>) -> Option<&'static str> {
    let g = gender?.trim().to_lowercase();
    Some(match g.as_str() {
        "" => return None,
        "f" | "female" | "woman" | "girl" => "F",
        "m" | "male" | "man" | "boy" => "M",
        _ => "U",
    })
}

/// The DfE ethnicity codes (rule 103), with the descriptions a record may hold instead.
pub const ETHNICITY: &[(&str, &str)] = &[
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WOTH", "White other"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "Mixed White and Black Caribbean"),
    ("MWBA", "Mixed White and Black African"),
    ("MWAS", "Mixed White and Asian"),
    ("MOTH", "Mixed other"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Asian other"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black African"),
    ("BOTH", "Black other"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
];

/// The Header table's ETHNIC code for a recorded ethnicity (a code or its description).
pub fn ethnic_code(ethnicity: Option<&str>) -> Option<&'static str> {
    let e = ethnicity?.trim();
    ETHNICITY
        .iter()
        .find(|(c, d)| c.eq_ignore_ascii_case(e) || d.eq_ignore_ascii_case(e))
        .map(|(c, _)| *c)
}

/// One young person's OC3 answers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Oc3 {
    pub in_touch: String,
    pub activity: String,
    pub accommodation: String,
}

/// A broken rule: the field it is about, the DfE rule number, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failure {
    pub field: &'static str,
    pub rule: &'static str,
    pub message: String,
}

fn fail(field: &'static str, rule: &'static str, message: &str) -> Failure {
    Failure {
        field,
        rule,
        message: message.to_string(),
    }
}

/// The age an OC3 record is for: the birthday it was recorded around. A contact up to
/// `window_before_months` before a birthday is for that birthday.
pub fn age_for(dob: NaiveDate, contact: NaiveDate, window_before_months: u32) -> u32 {
    age_years(dob, add_months(contact, window_before_months))
}

/// Checks one OC3 record for the birthday at `age` (17 to 21) or the latest contact (22 to 25).
pub fn validate(o: &Oc3, age: u32) -> Vec<Failure> {
    let mut out = Vec::new();
    if !IN_TOUCH.iter().any(|(c, _)| *c == o.in_touch) {
        out.push(fail("in_touch", "131", "Choose whether you are in touch"));
    }
    if !ACTIVITY.iter().any(|(c, _, _)| *c == o.activity) {
        out.push(fail("activity", "132", "Choose their main activity"));
    }
    let letter_ok = o.accommodation == "0"
        || (o.accommodation.len() == 2
            && ACCOMMODATION.iter().any(|(c, _, suitable_allowed)| {
                o.accommodation.starts_with(c)
                    && (o.accommodation.ends_with('2')
                        || (o.accommodation.ends_with('1') && *suitable_allowed))
            }));
    if !letter_ok {
        if matches!(o.accommodation.as_str(), "S1" | "X1") {
            out.push(fail(
                "accommodation",
                "133",
                "No fixed abode and custody are always recorded as unsuitable",
            ));
        } else {
            out.push(fail(
                "accommodation",
                "133",
                "Choose where they live and whether it is suitable",
            ));
        }
    }
    if !out.is_empty() {
        return out;
    }
    let gone = matches!(o.in_touch.as_str(), "DIED" | "RHOM");
    if gone && (o.activity != "0" || o.accommodation != "0") {
        out.push(fail(
            "activity",
            "344",
            "When a young person has died or returned home, activity and accommodation are 'not applicable'",
        ));
    }
    if !gone && (o.activity == "0" || o.accommodation == "0") {
        // Rule 345 covers YES; "not applicable" is only for DIED and RHOM (RULES.md section 5).
        out.push(fail(
            "activity",
            "345",
            "'Not applicable' is only for a young person who has died or returned home",
        ));
    }
    if o.accommodation.starts_with('T') && age < 18 {
        out.push(fail(
            "accommodation",
            "347",
            "A care leaver under 18 cannot be recorded as living in a foyer",
        ));
    }
    if o.accommodation.starts_with('Z') && age == 17 {
        out.push(fail(
            "accommodation",
            "3001",
            "Staying put with former foster carers is not recorded at 17",
        ));
    }
    if !(17..=25).contains(&age) {
        out.push(fail(
            "date",
            "391",
            "Care-leaver data is recorded from the 17th birthday to age 25",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(t: &str, a: &str, c: &str) -> Oc3 {
        Oc3 {
            in_touch: t.into(),
            activity: a.into(),
            accommodation: c.into(),
        }
    }
    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn rules(v: Vec<Failure>) -> Vec<&'static str> {
        v.into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_sound_record_passes() {
        assert!(validate(&o("YES", "F2", "U1"), 18).is_empty());
        assert!(validate(&o("DIED", "0", "0"), 18).is_empty());
        assert!(validate(&o("NO", "G5", "R2"), 21).is_empty());
        // A contact two months before the 17th birthday is for that birthday.
        assert_eq!(age_for(d("2009-05-01"), d("2026-03-01"), 3), 17);
        assert_eq!(age_for(d("2009-05-01"), d("2026-06-01"), 3), 17);
    }

    #[test]
    fn each_rule_fails_on_its_own() {
        assert_eq!(rules(validate(&o("MAYBE", "F2", "U1"), 18)), ["131"]);
        assert_eq!(rules(validate(&o("YES", "F3", "U1"), 18)), ["132"]);
        assert_eq!(rules(validate(&o("YES", "F2", "S1"), 18)), ["133"]);
        assert_eq!(rules(validate(&o("YES", "F2", "X1"), 18)), ["133"]);
        assert_eq!(rules(validate(&o("YES", "F2", "Q1"), 18)), ["133"]);
        assert_eq!(rules(validate(&o("RHOM", "F2", "0"), 18)), ["344"]);
        assert_eq!(rules(validate(&o("YES", "0", "U1"), 18)), ["345"]);
        assert_eq!(rules(validate(&o("YES", "F2", "T1"), 17)), ["347"]);
        assert_eq!(rules(validate(&o("YES", "F2", "Z1"), 17)), ["3001"]);
        assert!(validate(&o("YES", "F2", "Z1"), 18).is_empty());
        assert_eq!(rules(validate(&o("YES", "F2", "U1"), 16)), ["391"]);
    }

    #[test]
    fn header_codes_come_from_the_record() {
        assert_eq!(sex_code(Some("Female")), Some("F"));
        assert_eq!(sex_code(Some(" male ")), Some("M"));
        assert_eq!(sex_code(Some("Non-binary")), Some("U"));
        assert_eq!(sex_code(Some("")), None);
        assert_eq!(sex_code(None), None);
        assert_eq!(ethnic_code(Some("Black African")), Some("BAFR"));
        assert_eq!(ethnic_code(Some("wbri")), Some("WBRI"));
        assert_eq!(ethnic_code(Some("Martian")), None);
    }

    #[test]
    fn eet_and_suitability_follow_the_codes() {
        assert!(is_eet("F5") && is_eet("P1") && !is_eet("G6") && !is_eet("0"));
        assert!(is_suitable("U1") && !is_suitable("U2") && !is_suitable("0"));
        assert_eq!(
            accommodation_label("Z2"),
            "With former foster carers (staying put), unsuitable"
        );
    }
}
