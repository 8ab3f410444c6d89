//! Authentication and session security (OWASP ASVS level 2; see docs/security.md).
//!
//! - `password`: argon2id hashing off the async threads, equal cost for unknown users.
//! - `jwt`: HS256 tokens with a pinned algorithm, required `exp`/`iat`/`iss`/`aud`, tiny leeway.
//! - `session`: the server-side session row that makes logout, disabling and "end all sessions" real.
//! - `csrf`: the origin check and the per-session form token.
//! - `extract`: the extractors handlers use to get the signed-in user.

pub mod csrf;
pub mod extract;
pub mod jwt;
pub mod password;
pub mod session;

use base64::Engine;
use rand::RngCore;

pub use extract::{ApiUser, CurrentUser, WebUser};

/// `n` bytes from the operating system's CSPRNG, URL-safe base64 without padding.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// A user's casework role. Administration is a separate flag: an administrator without a
/// casework role manages users and settings but sees no young person's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Adviser,
    Manager,
    SeniorManager,
    None,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "adviser" => Some(Role::Adviser),
            "manager" => Some(Role::Manager),
            "senior_manager" => Some(Role::SeniorManager),
            "none" => Some(Role::None),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Adviser => "adviser",
            Role::Manager => "manager",
            Role::SeniorManager => "senior_manager",
            Role::None => "none",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Adviser => "Personal adviser",
            Role::Manager => "Team manager",
            Role::SeniorManager => "Senior manager",
            Role::None => "No casework role",
        }
    }
    pub fn is_manager(self) -> bool {
        matches!(self, Role::Manager | Role::SeniorManager)
    }
    pub fn has_casework(self) -> bool {
        !matches!(self, Role::None)
    }
}

/// An email address and password, as the sign-in page and the token endpoint both take them.
/// Too long is treated like wrong (no hashing of megabytes), and neither says which was wrong.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema, validator::Validate)]
pub struct Credentials {
    #[serde(default)]
    #[validate(
        custom(
            function = "crate::input::not_blank",
            message = "Enter your email address"
        ),
        length(max = 200)
    )]
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub email: String,
    #[serde(default)]
    #[validate(
        custom(function = "crate::input::not_empty", message = "Enter your password"),
        length(max = 1000)
    )]
    #[schema(required = true, min_length = 1, max_length = 1000)]
    pub password: String,
}

impl crate::input::Labels for Credentials {
    const LABELS: &'static [(&'static str, &'static str)] =
        &[("email", "Email address"), ("password", "Password")];
}
