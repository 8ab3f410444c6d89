//! Configuration from the environment. Every variable is documented in `.env.example`.
//! Secrets are wrapped so that they never print; production refuses unsafe settings.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::domain::policy::Policy;

/// The example secret shipped in `.env.example`; production refuses it.
pub const EXAMPLE_JWT_SECRET: &str = "change-me-to-at-least-32-random-bytes-in-production";
/// The demo password used when `DEMO_PASSWORD` is not set (development only).
pub const DEFAULT_DEMO_PASSWORD: &str = "pathway-demo-2026";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Test,
    Production,
}

impl AppEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Development => "development",
            AppEnv::Test => "test",
            AppEnv::Production => "production",
        }
    }
}

/// A secret value that is never printed by `Debug` or `Display`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub app_env: AppEnv,
    pub bind_addr: SocketAddr,
    pub base_url: String,
    pub database_url: Secret,
    pub jwt_secret: Secret,
    /// True when the JWT secret was generated at start-up (development without JWT_SECRET).
    pub jwt_secret_generated: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub api_token_minutes: i64,
    /// Secure cookie flag and the `__Host-` prefix. Only `APP_ENV=development` may turn it off.
    pub secure_cookies: bool,
    pub demo_password: Secret,
    pub seed_demo: bool,
    pub data_dir: PathBuf,
    pub login_max_failures_per_account: u64,
    pub login_max_failures_per_address: u64,
    pub login_window_minutes: i64,
    pub bank_holidays_file: Option<PathBuf>,
    pub policy: Policy,
    pub log_format: String,
    /// Supervision frequency in months, per role (policy; no statute): default monthly.
    pub supervision_months_adviser: u32,
    pub supervision_months_manager: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Read the process environment (after `.env`, if present).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Build the configuration from any key lookup, so tests can pass a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let app_env = match var("APP_ENV").as_deref() {
            None | Some("development") => AppEnv::Development,
            Some("test") => AppEnv::Test,
            Some("production") => AppEnv::Production,
            Some(other) => {
                return Err(ConfigError(format!(
                    "APP_ENV={other} is not recognised: set APP_ENV to development, test or production"
                )));
            }
        };
        let parse_num =
            |k: &str, default: i64| -> Result<i64, ConfigError> {
                match var(k) {
                    None => Ok(default),
                    Some(v) => v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                        ConfigError(format!("{k}={v} is not a positive whole number"))
                    }),
                }
            };
        let bind_addr: SocketAddr = var("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| ConfigError("BIND_ADDR must look like 127.0.0.1:3000".into()))?;
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/pathway.db?mode=rwc", data_dir.display()));
        let base_url = var("APP_BASE_URL").unwrap_or_else(|| format!("http://{bind_addr}"));

        let (jwt_secret, jwt_secret_generated) = match var("JWT_SECRET") {
            Some(s) => (s, false),
            None if app_env == AppEnv::Production => {
                return Err(ConfigError(
                    "JWT_SECRET is not set: set JWT_SECRET to at least 32 random bytes (for example `openssl rand -base64 48`)".into(),
                ));
            }
            None => (crate::auth::random_token(48), true),
        };
        if app_env == AppEnv::Production {
            if jwt_secret.len() < 32 {
                return Err(ConfigError(
                    "JWT_SECRET is shorter than 32 bytes: set JWT_SECRET to at least 32 random bytes (for example `openssl rand -base64 48`)".into(),
                ));
            }
            if jwt_secret == EXAMPLE_JWT_SECRET {
                return Err(ConfigError(
                    "JWT_SECRET is the example value from .env.example: set JWT_SECRET to your own 32 or more random bytes".into(),
                ));
            }
        }

        let secure_cookies = match var("COOKIE_SECURE").as_deref() {
            None => app_env != AppEnv::Development,
            Some("true") => true,
            Some("false") if app_env == AppEnv::Development => false,
            Some("false") => {
                return Err(ConfigError(
                    "COOKIE_SECURE=false is allowed only with APP_ENV=development: remove COOKIE_SECURE".into(),
                ));
            }
            Some(v) => {
                return Err(ConfigError(format!(
                    "COOKIE_SECURE={v} is not recognised: use true or false"
                )));
            }
        };
        let bool_var = |k: &str, default: bool| -> Result<bool, ConfigError> {
            match var(k).as_deref() {
                None => Ok(default),
                Some("true" | "1" | "yes") => Ok(true),
                Some("false" | "0" | "no") => Ok(false),
                Some(v) => Err(ConfigError(format!(
                    "{k}={v} is not recognised: use true or false"
                ))),
            }
        };
        let seed_demo = app_env != AppEnv::Production && bool_var("SEED_DEMO", true)?;
        let demo_password = var("DEMO_PASSWORD").unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into());
        if demo_password.chars().count() < 12 {
            return Err(ConfigError(
                "DEMO_PASSWORD is shorter than 12 characters: choose a longer one".into(),
            ));
        }
        let policy = Policy::from_lookup(|k| var(k)).map_err(ConfigError)?;

        Ok(Config {
            app_env,
            bind_addr,
            base_url: base_url.trim_end_matches('/').to_string(),
            database_url: Secret::new(database_url),
            jwt_secret: Secret::new(jwt_secret),
            jwt_secret_generated,
            session_idle_minutes: parse_num("SESSION_IDLE_MINUTES", 30)?,
            session_absolute_hours: parse_num("SESSION_ABSOLUTE_HOURS", 12)?,
            api_token_minutes: parse_num("API_TOKEN_MINUTES", 60)?,
            secure_cookies,
            demo_password: Secret::new(demo_password),
            seed_demo,
            data_dir,
            login_max_failures_per_account: parse_num("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)? as u64,
            login_max_failures_per_address: parse_num("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)? as u64,
            login_window_minutes: parse_num("LOGIN_WINDOW_MINUTES", 15)?,
            bank_holidays_file: var("BANK_HOLIDAYS_FILE").map(PathBuf::from),
            policy,
            log_format: var("LOG_FORMAT").unwrap_or_else(|| "pretty".into()),
            supervision_months_adviser: u32::try_from(parse_num(
                "SUPERVISION_INTERVAL_MONTHS_ADVISER",
                1,
            )?)
            .unwrap_or(1),
            supervision_months_manager: u32::try_from(parse_num(
                "SUPERVISION_INTERVAL_MONTHS_MANAGER",
                1,
            )?)
            .unwrap_or(1),
        })
    }

    /// The session cookie's name: `__Host-` prefixed whenever cookies are Secure.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pathway-session"
        } else {
            "pathway-session"
        }
    }

    /// The pre-login CSRF cookie's name.
    pub fn login_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-pathway-login"
        } else {
            "pathway-login"
        }
    }

    /// How often someone in this role is supervised, in months.
    pub fn supervision_interval_months(&self, role: &str) -> u32 {
        if role == "adviser" {
            self.supervision_months_adviser
        } else {
            self.supervision_months_manager
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose().starts_with("sqlite:")
    }
}
