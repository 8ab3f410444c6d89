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
    pub mail: MailConfig,
    /// How often each node works out the performance indicators again.
    pub indicators_refresh_minutes: i64,
    /// A test-only setting: the service's clock starts on this instant and runs on from there
    /// (`CLOCK_START`). Refused in production, where the clock is always the system's.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
}

/// Reminders and the email outbox (issue: reminder emails that are never lost and never doubled).
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtps://…`, `smtp://…?tls=required` and so on; `None` writes `.eml` files instead.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// Where the file transport writes, when no SMTP server is configured.
    pub outbox_dir: PathBuf,
    pub smtp_timeout_seconds: u64,
    /// Days before a due date at which a reminder goes, largest first (default 14 and 3).
    pub lead_days: Vec<u32>,
    /// The hour (UTC) from which the day's digest is built.
    pub digest_hour: u32,
    pub max_attempts: i32,
    pub retry_base_seconds: i64,
    pub retry_max_seconds: i64,
    pub lease_seconds: i64,
    pub tick_seconds: u64,
    pub poll_seconds: u64,
    /// Whether `serve` also runs the scheduler and outbox workers (a `worker` process always does).
    pub run_jobs: bool,
    pub workers: usize,
    /// Sent emails' bodies are cleared after this many days; the row (who, what, when) stays.
    pub retention_days: i64,
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
        let vars = Vars { get: &get };
        let var = |k: &str| vars.get(k);
        let app_env = app_env(&vars)?;
        let bind_addr: SocketAddr = var("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| ConfigError("BIND_ADDR must look like 127.0.0.1:3000".into()))?;
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/pathway.db?mode=rwc", data_dir.display()));
        let base_url = var("APP_BASE_URL").unwrap_or_else(|| format!("http://{bind_addr}"));
        let (jwt_secret, jwt_secret_generated) = jwt_secret(&vars, app_env)?;
        let secure_cookies = secure_cookies(&vars, app_env)?;
        let seed_demo = app_env != AppEnv::Production && vars.flag("SEED_DEMO", true)?;
        let demo_password = demo_password(&vars)?;
        let policy = Policy::from_lookup(|k| var(k)).map_err(ConfigError)?;
        let clock_start = clock_start(&vars, app_env)?;
        let mail = mail_config(&vars, app_env, &data_dir)?;
        let parse_num = |k: &str, default: i64| vars.num(k, default);

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
            mail,
            indicators_refresh_minutes: parse_num("INDICATORS_REFRESH_MINUTES", 60)?,
            clock_start,
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

/// The environment as the configuration reads it: a value is trimmed, and an empty one is unset.
struct Vars<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
}

impl Vars<'_> {
    fn get(&self, k: &str) -> Option<String> {
        (self.get)(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A positive whole number, or `default` when unset.
    fn num(&self, k: &str, default: i64) -> Result<i64, ConfigError> {
        match self.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError(format!("{k}={v} is not a positive whole number"))),
        }
    }

    /// true/1/yes or false/0/no, or `default` when unset.
    fn flag(&self, k: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(k).as_deref() {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(v) => Err(ConfigError(format!(
                "{k}={v} is not recognised: use true or false"
            ))),
        }
    }
}

fn app_env(vars: &Vars) -> Result<AppEnv, ConfigError> {
    match vars.get("APP_ENV").as_deref() {
        None | Some("development") => Ok(AppEnv::Development),
        Some("test") => Ok(AppEnv::Test),
        Some("production") => Ok(AppEnv::Production),
        Some(other) => Err(ConfigError(format!(
            "APP_ENV={other} is not recognised: set APP_ENV to development, test or production"
        ))),
    }
}

/// The JWT secret and whether it was generated: production requires its own, of 32 bytes or more.
fn jwt_secret(vars: &Vars, app_env: AppEnv) -> Result<(String, bool), ConfigError> {
    let (jwt_secret, jwt_secret_generated) = match vars.get("JWT_SECRET") {
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
    Ok((jwt_secret, jwt_secret_generated))
}

/// Secure cookies everywhere but development, which alone may turn them off.
fn secure_cookies(vars: &Vars, app_env: AppEnv) -> Result<bool, ConfigError> {
    match vars.get("COOKIE_SECURE").as_deref() {
        None => Ok(app_env != AppEnv::Development),
        Some("true") => Ok(true),
        Some("false") if app_env == AppEnv::Development => Ok(false),
        Some("false") => Err(ConfigError(
            "COOKIE_SECURE=false is allowed only with APP_ENV=development: remove COOKIE_SECURE"
                .into(),
        )),
        Some(v) => Err(ConfigError(format!(
            "COOKIE_SECURE={v} is not recognised: use true or false"
        ))),
    }
}

fn demo_password(vars: &Vars) -> Result<String, ConfigError> {
    let demo_password = vars
        .get("DEMO_PASSWORD")
        .unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into());
    if demo_password.chars().count() < 12 {
        return Err(ConfigError(
            "DEMO_PASSWORD is shorter than 12 characters: choose a longer one".into(),
        ));
    }
    Ok(demo_password)
}

/// `CLOCK_START`, a test setting refused in production.
fn clock_start(
    vars: &Vars,
    app_env: AppEnv,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ConfigError> {
    match vars.get("CLOCK_START") {
        None => Ok(None),
        Some(_) if app_env == AppEnv::Production => Err(ConfigError(
            "CLOCK_START is a test setting and is refused in production: remove CLOCK_START".into(),
        )),
        Some(v) => Ok(Some(crate::clock::parse_start(&v).map_err(ConfigError)?)),
    }
}

fn mail_config(
    vars: &Vars,
    app_env: AppEnv,
    data_dir: &std::path::Path,
) -> Result<MailConfig, ConfigError> {
    let var = |k: &str| vars.get(k);
    let smtp_url = smtp_url(vars, app_env)?;
    let mail_from = var("MAIL_FROM").unwrap_or_else(|| "Pathway <pathway@localhost>".into());
    if mail_from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError(format!(
            "MAIL_FROM={mail_from} is not an email address: use for example \"Leaving care <pathway@council.gov.uk>\""
        )));
    }
    let lead_days = lead_days(vars)?;
    let digest_hour =
        match var("DIGEST_HOUR") {
            None => 7,
            Some(v) => v.parse::<u32>().ok().filter(|h| *h <= 23).ok_or_else(|| {
                ConfigError(format!("DIGEST_HOUR={v} must be an hour from 0 to 23"))
            })?,
        };
    let whole = |k: &str, default: i64| -> Result<i64, ConfigError> { vars.num(k, default) };
    Ok(MailConfig {
        smtp_url: smtp_url.map(Secret::new),
        mail_from,
        outbox_dir: var("OUTBOX_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("outbox")),
        smtp_timeout_seconds: whole("SMTP_TIMEOUT_SECONDS", 30)? as u64,
        lead_days,
        digest_hour,
        max_attempts: i32::try_from(whole("OUTBOX_MAX_ATTEMPTS", 8)?).unwrap_or(8),
        retry_base_seconds: whole("OUTBOX_RETRY_BASE_SECONDS", 60)?,
        retry_max_seconds: whole("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)?,
        lease_seconds: whole("OUTBOX_LEASE_SECONDS", 300)?,
        tick_seconds: whole("REMINDER_TICK_SECONDS", 300)? as u64,
        poll_seconds: whole("OUTBOX_POLL_SECONDS", 5)? as u64,
        run_jobs: vars.flag("RUN_JOBS", true)?,
        workers: usize::try_from(whole("OUTBOX_WORKERS", 1)?).unwrap_or(1),
        retention_days: whole("OUTBOX_RETENTION_DAYS", 30)?,
    })
}

/// `SMTP_URL`, checked: a valid SMTP address, and in production never unencrypted to another
/// host.
fn smtp_url(vars: &Vars, app_env: AppEnv) -> Result<Option<String>, ConfigError> {
    let smtp_url = vars.get("SMTP_URL");
    if let Some(url) = &smtp_url {
        use lettre::{AsyncSmtpTransport, Tokio1Executor};
        if AsyncSmtpTransport::<Tokio1Executor>::from_url(url).is_err() {
            // The URL may hold a password: never echo it.
            return Err(ConfigError(
                "SMTP_URL is not a valid SMTP address: use smtps://user:pass@host:465 or smtp://user:pass@host:587?tls=required".into(),
            ));
        }
        let plain = url.starts_with("smtp://") && !url.contains("tls=required");
        let host = url
            .split("://")
            .nth(1)
            .map(|rest| rest.rsplit('@').next().unwrap_or(rest))
            .map(|h| h.split([':', '/', '?']).next().unwrap_or(h))
            .unwrap_or("");
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        if app_env == AppEnv::Production && plain && !loopback {
            return Err(ConfigError(
                "SMTP_URL sends email unencrypted: use smtps:// or add ?tls=required".into(),
            ));
        }
    }
    Ok(smtp_url)
}

/// `REMINDER_LEAD_DAYS`: days between 1 and 90, largest first, each once (default 14 and 3).
fn lead_days(vars: &Vars) -> Result<Vec<u32>, ConfigError> {
    let Some(v) = vars.get("REMINDER_LEAD_DAYS") else {
        return Ok(vec![14, 3]);
    };
    let mut days = Vec::new();
    for part in v.split(',') {
        match part.trim().parse::<u32>() {
            Ok(d) if (1..=90).contains(&d) => days.push(d),
            _ => {
                return Err(ConfigError(format!(
                    "REMINDER_LEAD_DAYS={v} must be days between 1 and 90, separated by commas, like 14,3"
                )));
            }
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}
