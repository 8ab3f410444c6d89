//! Start-up: configuration, database, migrations, demo data, then serving until a shutdown
//! signal.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::clock::{Clock, ShiftedClock, SystemClock};
use crate::config::{AppEnv, Config};
use crate::domain::working_days::BankHolidays;
use crate::state::AppState;

/// Loads the bank holidays: the authority's own file if configured, else the shipped list.
pub fn load_holidays(config: &Config) -> anyhow::Result<BankHolidays> {
    match &config.bank_holidays_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("BANK_HOLIDAYS_FILE {} cannot be read: {e}", path.display())
            })?;
            BankHolidays::parse(&text)
                .map_err(|e| anyhow::anyhow!("BANK_HOLIDAYS_FILE {}: {e}", path.display()))
        }
        None => Ok(BankHolidays::england_and_wales()),
    }
}

/// Connects, migrates and builds the shared state.
pub async fn prepare(config: Config) -> anyhow::Result<AppState> {
    let holidays = load_holidays(&config)?;
    let db = crate::db::connect(&config).await?;
    crate::db::migrate(&db)
        .await
        .map_err(|e| anyhow::anyhow!("database migrations failed: {e}"))?;
    let clock: Arc<dyn Clock> = match config.clock_start {
        Some(start) => {
            tracing::warn!(%start, "CLOCK_START is set: the service's clock starts on that date");
            Arc::new(ShiftedClock::starting_at(start))
        }
        None => Arc::new(SystemClock),
    };
    Ok(AppState::new(db, config, clock, holidays))
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let state = prepare(config).await?;
    let cfg = state.config.clone();
    if cfg.seed_demo && crate::seed::is_empty(&state).await? {
        crate::seed::seed_demo(&state).await?;
        println!("Seeded a demo authority. Sign in with any of these accounts:");
        for email in crate::seed::DEMO_ACCOUNTS {
            println!("  {email}");
        }
        if std::env::var("DEMO_PASSWORD").is_ok() {
            println!("  password: the value of DEMO_PASSWORD");
        } else {
            println!("  password: {}", cfg.demo_password.expose());
        }
    }
    if cfg.app_env == AppEnv::Development && cfg.jwt_secret_generated {
        tracing::warn!(
            "JWT_SECRET is not set: using a random one, so sessions end when the service restarts"
        );
    }
    crate::auth::password::warm_up();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = if cfg.mail.run_jobs {
        start_jobs(&state, stop_rx)?
    } else {
        Vec::new()
    };
    let listener = tokio::net::TcpListener::bind(cfg.bind_addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.bind_addr))?;
    println!("Pathway is running at {}", cfg.base_url);
    let router = crate::routes::build_router(state.clone());
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    })
    .await?;
    crate::jobs::join(jobs, std::time::Duration::from_secs(60)).await;
    tracing::info!("stopped");
    Ok(())
}

fn start_jobs(
    state: &AppState,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
    let mailer = Arc::new(crate::jobs::outbox::Mailer::from_config(
        &state.config.mail,
    )?);
    println!("Reminder emails go to {}", mailer.describe());
    Ok(crate::jobs::spawn(state, mailer, stop))
}

/// `pathway worker`: the reminder scheduler and outbox workers without the web service, for
/// running background work on nodes of its own.
pub async fn worker(config: Config) -> anyhow::Result<()> {
    let state = prepare(config).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let jobs = start_jobs(&state, stop_rx)?;
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    crate::jobs::join(jobs, std::time::Duration::from_secs(60)).await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
