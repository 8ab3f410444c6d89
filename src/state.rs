use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::working_days::BankHolidays;

/// Everything a request handler or a background job needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub holidays: Arc<BankHolidays>,
    /// Commits audit entries for views in groups (see `audit_log::AuditWriter`).
    pub audit: Arc<crate::audit_log::AuditWriter>,
    /// Caps concurrent argon2 hashes (19 MiB each) so a login flood cannot exhaust memory.
    pub hashing: Arc<Semaphore>,
    /// The day this node last finished building digests, so later ticks that day skip the work.
    pub digests_built_on: Arc<std::sync::Mutex<Option<chrono::NaiveDate>>>,
    /// When this node last worked out the performance indicators.
    pub indicators_refreshed_at: Arc<std::sync::Mutex<Option<chrono::DateTime<chrono::Utc>>>>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        clock: Arc<dyn Clock>,
        holidays: BankHolidays,
    ) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            clock,
            holidays: Arc::new(holidays),
            audit: Arc::default(),
            hashing: Arc::new(Semaphore::new(4)),
            digests_built_on: Arc::new(std::sync::Mutex::new(None)),
            indicators_refreshed_at: Arc::new(std::sync::Mutex::new(None)),
        }
    }
}
