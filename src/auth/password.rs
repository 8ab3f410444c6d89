//! Password hashing with argon2id (OWASP ASVS 4.0.3 2.4.1; OWASP cheat sheet minimum
//! m=19456 KiB, t=2, p=1, which is `argon2::Params::DEFAULT`). Hashing runs on the blocking pool
//! behind a semaphore so a flood of logins cannot starve the async threads or exhaust memory.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::AppError;
use crate::state::AppState;

/// Minimum length (ASVS 4.0.3 2.1.1); no composition rules (2.1.9).
pub const MIN_LENGTH: usize = 12;
/// Maximum length we accept, generous for passphrases and password managers (ASVS 2.1.2).
pub const MAX_LENGTH: usize = 128;

/// Checks a new password's length; returns the message to show at the field.
pub fn check_new_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < MIN_LENGTH {
        return Err(format!("Password must be {MIN_LENGTH} characters or more"));
    }
    if n > MAX_LENGTH {
        return Err(format!("Password must be {MAX_LENGTH} characters or fewer"));
    }
    Ok(())
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// A real hash of a random password, verified against when the account does not exist so that
/// unknown emails cost the same as wrong passwords (zero2prod's pattern).
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking(&super::random_token(24)).unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
                .to_string()
        })
    })
}

pub async fn hash(state: &AppState, password: String) -> Result<String, AppError> {
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(
    state: &AppState,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok();
        exists && ok
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// Warm the dummy hash at start-up so the first unknown-email login costs the same as the rest.
pub fn warm_up() {
    let _ = dummy_hash();
}
