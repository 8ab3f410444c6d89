//! What every page needs from the layout: the title, who is signed in, the form token and the
//! navigation for their role.

use crate::auth::{CurrentUser, Role};

/// A date as people read it on every page: "29 June 2026" (the GOV.UK style). ISO dates are for
/// machine outputs (the API, CSV) and date inputs only.
pub fn date(d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
    d.borrow().format("%-d %B %Y").to_string()
}

/// Human text (a rule's explanation, a reason) with every ISO date in it written as [`date`].
pub fn dates_in(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if i + 10 <= b.len()
            && text.is_char_boundary(i)
            && text.is_char_boundary(i + 10)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
            && let Ok(d) = chrono::NaiveDate::parse_from_str(&text[i..i + 10], "%Y-%m-%d")
        {
            out.push_str(&date(d));
            i += 10;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// A date that may be missing: the date, or an empty string.
pub fn date_opt(d: Option<chrono::NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// How late something was done, as people say it: "on time", "3 days late", "2 weeks late",
/// "4 months late" (whole calendar months from the due date).
pub fn lateness(due: chrono::NaiveDate, done: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let days = (done - due).num_days();
    if days <= 0 {
        return "on time".into();
    }
    if days < 14 {
        return count(days, "day late", "days late");
    }
    let mut months =
        (done.year() * 12 + done.month() as i32) - (due.year() * 12 + due.month() as i32);
    if done.day() < due.day() {
        months -= 1;
    }
    if months < 2 {
        return count(days / 7, "week late", "weeks late");
    }
    if months < 24 {
        return count(months, "month late", "months late");
    }
    count(months / 12, "year late", "years late")
}

/// A count in English: "1 goal", "2 goals", "0 goals".
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub role_label: String,
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
}

impl Layout {
    /// A page with no one signed in.
    pub fn bare(title: &str) -> Self {
        Layout {
            title: title.to_string(),
            user_name: None,
            role_label: String::new(),
            csrf_token: String::new(),
            nav: vec![],
        }
    }

    /// A page for a signed-in user; `current` is the path of the navigation item to highlight.
    pub fn for_user(title: &str, user: &CurrentUser, current: &str) -> Self {
        let mut nav = vec![];
        if user.role == Role::Adviser || user.role.is_manager() {
            nav.push(("/caseload", "My caseload"));
        }
        if user.role.is_manager() {
            nav.push(("/team", "My team"));
        }
        if user.role == Role::Adviser || user.role.is_manager() {
            nav.push(("/performance", "Performance"));
        }
        if user.role == Role::SeniorManager {
            nav.push(("/returns/ssda903", "Returns"));
        }
        if user.user.is_admin {
            nav.push(("/admin/users", "Users"));
            nav.push(("/admin/audit", "Audit log"));
            nav.push(("/admin/emails", "Emails"));
        }
        Layout {
            title: title.to_string(),
            user_name: Some(user.user.name.clone()),
            role_label: if user.user.is_admin && !user.role.has_casework() {
                "Administrator".into()
            } else if user.user.is_admin {
                format!("{} and administrator", user.role.label())
            } else {
                user.role.label().into()
            },
            csrf_token: user.csrf_token.clone(),
            nav: nav
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: current == href,
                })
                .collect(),
        }
    }
}

// ----- the error page ----------------------------------------------------------------------

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

/// Browser rendering: an unauthenticated visitor is sent to sign in; anything else is a page.
impl IntoResponse for crate::error::AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, crate::error::AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let status = self.status();
        let heading = match status {
            StatusCode::NOT_FOUND => "Page not found".to_string(),
            StatusCode::INTERNAL_SERVER_ERROR => {
                "Sorry, there is a problem with the service".into()
            }
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts".into(),
            StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large".into(),
            StatusCode::FORBIDDEN => "You cannot do that".into(),
            _ => "There is a problem".into(),
        };
        let message = match &self {
            crate::error::AppError::NotFound => {
                "If you typed the web address, check it is correct. If you followed a link, the record may have been moved or you may not have access to it.".into()
            }
            crate::error::AppError::Internal(_) => "Try again later. Nothing you entered has been saved unless you were told so.".into(),
            _ => self.public_message(),
        };
        let page = ErrorPage {
            layout: Layout::bare(&heading),
            heading,
            message,
        };
        match page.render() {
            Ok(html) => (status, axum::response::Html(html)).into_response(),
            Err(_) => (status, "Sorry, there is a problem with the service").into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_counts_read_as_english() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 6, 29).unwrap();
        assert_eq!(super::date(d), "29 June 2026");
        assert_eq!(super::count(1, "goal", "goals"), "1 goal");
        assert_eq!(super::count(2, "action", "actions"), "2 actions");
        assert_eq!(super::count(0, "action", "actions"), "0 actions");
    }

    #[test]
    fn dates_in_text_are_written_for_people() {
        assert_eq!(
            super::dates_in("16 years (born 2011-03-23); eligible on 2027-02-28 — ok"),
            "16 years (born 23 March 2011); eligible on 28 February 2027 — ok"
        );
        assert_eq!(super::dates_in("case 12026-03-233"), "case 12026-03-233");
        assert_eq!(super::dates_in("not 2027-02-30"), "not 2027-02-30");
    }

    #[test]
    fn lateness_reads_as_people_say_it() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(super::lateness(d("2026-03-12"), d("2026-03-12")), "on time");
        assert_eq!(super::lateness(d("2026-03-12"), d("2026-03-01")), "on time");
        assert_eq!(
            super::lateness(d("2026-03-12"), d("2026-03-13")),
            "1 day late"
        );
        assert_eq!(
            super::lateness(d("2026-03-12"), d("2026-03-25")),
            "13 days late"
        );
        assert_eq!(
            super::lateness(d("2026-03-12"), d("2026-04-30")),
            "7 weeks late"
        );
        assert_eq!(
            super::lateness(d("2026-03-12"), d("2026-07-12")),
            "4 months late"
        );
        assert_eq!(
            super::lateness(d("2026-03-12"), d("2026-07-11")),
            "3 months late"
        );
        assert_eq!(
            super::lateness(d("2024-02-29"), d("2026-03-01")),
            "2 years late"
        );
    }
}
