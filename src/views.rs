//! What every page needs from the layout: the title, who is signed in, the form token and the
//! navigation for their role.

use crate::auth::{CurrentUser, Role};

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
