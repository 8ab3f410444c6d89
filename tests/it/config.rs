//! Configuration safety: production refuses weak secrets and unsafe settings, and the binary
//! refuses to start with them; `create-user` never takes a password on the command line.

use std::collections::HashMap;
use std::process::{Output, Stdio};
use std::time::Duration;

use axum::http::StatusCode;
use pathway::config::{AppEnv, Config, EXAMPLE_JWT_SECRET};
use tokio::io::AsyncWriteExt;

use crate::support::TestApp;

const GOOD_SECRET: &str = "a-production-secret-of-more-than-32-bytes-0123456789";

fn production() -> HashMap<String, String> {
    let mut env = HashMap::new();
    env.insert("APP_ENV".to_string(), "production".to_string());
    env.insert("JWT_SECRET".to_string(), GOOD_SECRET.to_string());
    env.insert(
        "DATABASE_URL".to_string(),
        "postgres://pathway@db.internal/pathway".to_string(),
    );
    env.insert(
        "APP_BASE_URL".to_string(),
        "https://pathway.example.gov.uk".to_string(),
    );
    env
}

fn load(env: &HashMap<String, String>) -> Result<Config, String> {
    Config::from_lookup(|k| env.get(k).cloned()).map_err(|e| e.to_string())
}

#[tokio::test]
async fn control_a_sound_production_configuration_loads() {
    let cfg = load(&production()).expect("a sound production configuration");
    assert_eq!(cfg.app_env, AppEnv::Production);
    assert!(cfg.secure_cookies);
    assert_eq!(cfg.session_cookie_name(), "__Host-pathway-session");
}

#[tokio::test]
async fn production_refuses_a_missing_jwt_secret() {
    let mut env = production();
    env.remove("JWT_SECRET");
    let err = load(&env).expect_err("missing JWT_SECRET must be refused");
    assert!(err.contains("JWT_SECRET"), "{err}");
    env.insert("JWT_SECRET".into(), "   ".into());
    let err = load(&env).expect_err("a blank JWT_SECRET must be refused");
    assert!(err.contains("JWT_SECRET"), "{err}");
}

#[tokio::test]
async fn production_refuses_a_short_jwt_secret() {
    let mut env = production();
    env.insert("JWT_SECRET".into(), "x".repeat(31));
    let err = load(&env).expect_err("a 31-byte JWT_SECRET must be refused");
    assert!(err.contains("JWT_SECRET"), "{err}");
    // 32 bytes is enough.
    env.insert(
        "JWT_SECRET".into(),
        "k7Qm2Zp9Lw4Rt8Yc1Vb6Nx3Hs5Jd0Fg!".into(),
    );
    assert_eq!(env["JWT_SECRET"].len(), 32);
    load(&env).expect("a 32-byte secret is accepted");
}

#[tokio::test]
async fn production_refuses_the_example_jwt_secret() {
    let mut env = production();
    env.insert("JWT_SECRET".into(), EXAMPLE_JWT_SECRET.into());
    let err = load(&env).expect_err("the example JWT_SECRET must be refused");
    assert!(err.contains("JWT_SECRET"), "{err}");
}

#[tokio::test]
async fn production_never_seeds_demo_data() {
    let mut env = production();
    assert!(!load(&env).unwrap().seed_demo);
    env.insert("SEED_DEMO".into(), "true".into());
    assert!(
        !load(&env).unwrap().seed_demo,
        "SEED_DEMO=true is ignored in production"
    );
    // Control: outside production the demo is seeded by default.
    env.insert("APP_ENV".into(), "development".into());
    assert!(load(&env).unwrap().seed_demo);
}

#[tokio::test]
async fn insecure_cookies_are_refused_outside_development() {
    for app_env in ["production", "test"] {
        let mut env = production();
        env.insert("APP_ENV".into(), app_env.into());
        env.insert("COOKIE_SECURE".into(), "false".into());
        let err = load(&env).expect_err("COOKIE_SECURE=false must be refused");
        assert!(err.contains("COOKIE_SECURE"), "{app_env}: {err}");
    }
    let mut env = production();
    env.insert("APP_ENV".into(), "development".into());
    env.insert("COOKIE_SECURE".into(), "false".into());
    let cfg = load(&env).expect("development may turn Secure off");
    assert!(!cfg.secure_cookies);
    assert_ne!(cfg.session_cookie_name(), "__Host-pathway-session");
}

#[tokio::test]
async fn config_debug_output_never_shows_secrets() {
    let cfg = load(&production()).unwrap();
    let shown = format!("{cfg:?}");
    assert!(!shown.contains(GOOD_SECRET), "{shown}");
    assert!(!shown.contains("db.internal"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// The binary

/// Runs the real binary with only the given environment (plus PATH), in an empty directory so no
/// `.env` file is picked up; kills it if it is still running after 60 seconds.
async fn run_binary(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_pathway"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BIND_ADDR", "127.0.0.1:0")
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start the binary");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input.as_bytes()).await.expect("write stdin");
        drop(pipe);
    }
    tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the binary exits within 60 seconds")
        .expect("wait")
}

fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}/cli.db?mode=rwc", dir.display())
}

#[tokio::test]
async fn the_binary_refuses_to_start_with_a_short_secret_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let out = run_binary(
        dir.path(),
        &[],
        &[
            ("APP_ENV", "production"),
            ("JWT_SECRET", "short"),
            ("DATABASE_URL", &url),
        ],
        None,
    )
    .await;
    assert!(!out.status.success(), "must exit non-zero: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line on stderr: {stderr:?}");
    assert!(lines[0].contains("JWT_SECRET"), "{stderr}");
    // The secret itself is not echoed ("shorter than" is fine, the word "short" alone is not).
    assert!(
        !lines[0]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "short"),
        "the secret itself is not echoed: {stderr}"
    );
}

#[tokio::test]
async fn create_user_refuses_a_password_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let out = run_binary(
        dir.path(),
        &[
            "create-user",
            "--email",
            "x@y.test",
            "--password",
            "hunter2-hunter2-hunter2",
        ],
        &[
            ("APP_ENV", "test"),
            ("JWT_SECRET", crate::support::SECRET),
            ("DATABASE_URL", &url),
        ],
        None,
    )
    .await;
    assert!(!out.status.success(), "must exit non-zero: {out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stderr.to_lowercase().contains("password"), "{stderr}");
    assert!(
        !stderr.contains("hunter2") && !stdout.contains("hunter2"),
        "{stderr}{stdout}"
    );

    // No user was created.
    let app = TestApp::with_env(|e| {
        e.insert("DATABASE_URL".into(), url.clone());
    })
    .await;
    let found = pathway::services::users::find_by_email(&app.state, "x@y.test")
        .await
        .unwrap();
    assert!(found.is_none());
}

#[tokio::test]
async fn create_user_reads_the_password_from_stdin_and_the_user_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let password = "a long enough passphrase";
    let out = run_binary(
        dir.path(),
        &["create-user", "--email", "x@y.test", "--role", "none"],
        &[
            ("APP_ENV", "test"),
            ("JWT_SECRET", crate::support::SECRET),
            ("DATABASE_URL", &url),
        ],
        Some(&format!("{password}\n")),
    )
    .await;
    assert!(out.status.success(), "create-user failed: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains(password) && !stderr.contains(password));

    let app = TestApp::with_env(|e| {
        e.insert("DATABASE_URL".into(), url.clone());
    })
    .await;
    let u = pathway::services::users::find_by_email(&app.state, "x@y.test")
        .await
        .unwrap()
        .expect("the user exists");
    assert_eq!(u.role, "none");
    assert!(
        u.is_admin,
        "a user with no casework role is an administrator"
    );
    assert!(!u.disabled);
    assert!(
        u.password_hash.starts_with("$argon2id$"),
        "{}",
        u.password_hash
    );
    assert!(!u.password_hash.contains(password));

    let mut b = app.browser();
    let res = b.login("x@y.test", password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = b.get("/").await;
    assert_eq!(res.location(), Some("/admin/users"));
    assert_eq!(b.get("/admin/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn create_user_refuses_a_short_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let out = run_binary(
        dir.path(),
        &["create-user", "--email", "x@y.test", "--role", "none"],
        &[
            ("APP_ENV", "test"),
            ("JWT_SECRET", crate::support::SECRET),
            ("DATABASE_URL", &url),
        ],
        Some("short-pw\n"),
    )
    .await;
    assert!(
        !out.status.success(),
        "an 8-character password must be refused: {out:?}"
    );
    let app = TestApp::with_env(|e| {
        e.insert("DATABASE_URL".into(), url.clone());
    })
    .await;
    assert!(
        pathway::services::users::find_by_email(&app.state, "x@y.test")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn mail_settings_are_checked_and_never_echo_a_password() {
    let mut env = production();
    env.insert(
        "SMTP_URL".into(),
        "smtp://mailer:hunter2-secret@smtp.example.gov.uk:587".into(),
    );
    let err = load(&env).expect_err("unencrypted SMTP to another host in production");
    assert!(err.contains("tls=required"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    env.insert(
        "SMTP_URL".into(),
        "smtp://mailer:hunter2-secret@smtp.example.gov.uk:587?tls=required".into(),
    );
    let cfg = load(&env).expect("STARTTLS required is accepted");
    assert!(!format!("{cfg:?}").contains("hunter2"));

    env.insert("SMTP_URL".into(), "ftp://hunter2-secret@nowhere".into());
    let err = load(&env).expect_err("not an SMTP address");
    assert!(err.starts_with("SMTP_URL"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    let mut env = production();
    env.insert("REMINDER_LEAD_DAYS".into(), "14,zero".into());
    assert!(load(&env).unwrap_err().contains("REMINDER_LEAD_DAYS"));
    env.insert("REMINDER_LEAD_DAYS".into(), "3, 14,3".into());
    assert_eq!(load(&env).unwrap().mail.lead_days, vec![14, 3]);
    env.insert("DIGEST_HOUR".into(), "24".into());
    assert!(load(&env).unwrap_err().contains("DIGEST_HOUR"));
    env.insert("DIGEST_HOUR".into(), "0".into());
    env.insert("MAIL_FROM".into(), "not an address".into());
    assert!(load(&env).unwrap_err().contains("MAIL_FROM"));
}

#[tokio::test]
async fn every_command_answers_help_without_starting_anything() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        "serve",
        "worker",
        "migrate",
        "seed-demo",
        "seed-synthetic",
        "refresh-timelines",
        "refresh-indicators",
        "create-user",
    ] {
        // No configuration at all: help needs none, and nothing is created or served.
        let out = run_binary(dir.path(), &[sub, "--help"], &[], None).await;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sub} --help: {out:?}");
        assert!(
            stdout.contains(&format!("Usage: pathway {sub}")),
            "{stdout}"
        );
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no database or outbox was made"
    );
    let out = run_binary(dir.path(), &["--version"], &[], None).await;
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("pathway "));
    let out = run_binary(
        dir.path(),
        &["seed-synthetic", "--young-people", "many"],
        &[],
        None,
    )
    .await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--young-people") && stderr.contains("many"),
        "the bad argument is named: {stderr}"
    );
}
