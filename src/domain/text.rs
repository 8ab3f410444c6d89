//! Text that people type: what a field may hold. Names, identifiers and notes flow into pages,
//! CSV returns and emails, so a control character or a code point Unicode has not assigned is
//! refused where it is typed, with a message at the field (OWASP ASVS 5.0 V1.2, V2.2.1).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Why `value` cannot be kept, as the end of a sentence that starts with the field's label, or
/// `None` when it is fine. `multiline` fields may hold line breaks and tabs; others may not.
pub fn problem(value: &str, multiline: bool) -> Option<&'static str> {
    for c in value.chars() {
        match c.general_category() {
            GeneralCategory::Control if !(multiline && matches!(c, '\n' | '\r' | '\t')) => {
                return Some(if matches!(c, '\n' | '\r') {
                    "must be on one line"
                } else {
                    "must not contain control characters, such as a tab or an invisible character"
                });
            }
            GeneralCategory::Unassigned
            | GeneralCategory::PrivateUse
            | GeneralCategory::Surrogate => {
                return Some(
                    "must not contain characters that are not letters, numbers, punctuation or symbols",
                );
            }
            _ => {}
        }
    }
    None
}

/// A local identifier: letters, numbers, hyphens, slashes, dots and underscores, starting with a
/// letter or number (case numbers such as `BAR-1001` or `12/3456`).
pub const LOCAL_ID_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9/._-]*$";

pub fn is_local_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_every_script_and_refuse_controls_and_unassigned_code_points() {
        for ok in [
            "Zoë",
            "Siobhán Ní Bhriain",
            "محمد",
            "李小龙",
            "O'Neill-Smith",
            "Ama 👩🏾‍🎓",
        ] {
            assert_eq!(problem(ok, false), None, "{ok}");
        }
        // What an API fuzzer sent as a name.
        let fuzzed = "1\u{98}\u{80}ãh…\u{7}P+\"\u{10}\u{1a} Ô\u{9f}_";
        assert!(problem(fuzzed, false).unwrap().contains("control"));
        assert!(problem("tab\there", false).is_some());
        assert_eq!(problem("line\nbreak", false), Some("must be on one line"));
        assert_eq!(problem("line\r\nbreak\tand tab", true), None);
        assert!(problem("bell\u{7}", true).is_some());
        assert!(
            problem("unassigned \u{0378}", false)
                .unwrap()
                .contains("not letters")
        );
        assert!(problem("private \u{E000}", true).is_some());
    }

    #[test]
    fn local_ids_follow_the_documented_pattern() {
        for ok in ["BAR-1001", "12/3456", "A.b_c"] {
            assert!(is_local_id(ok), "{ok}");
        }
        for bad in ["", "-1", "BAR 1001", "BAR–1001", "<script>"] {
            assert!(!is_local_id(bad), "{bad}");
        }
    }
}
