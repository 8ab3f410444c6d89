//! Connecting to SQLite or PostgreSQL and applying the migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Config;

pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.database_url.expose().to_string();
    if config.is_sqlite() {
        // Create the folder that holds the database file, e.g. data/.
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .and_then(|rest| rest.split('?').next())
            .filter(|p| !p.is_empty() && *p != ":memory:")
            && let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
    }
    connect_url(&url).await
}

pub async fn connect_url(url: &str) -> anyhow::Result<DatabaseConnection> {
    let sqlite = url.starts_with("sqlite:");
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(if sqlite { 8 } else { 20 })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if sqlite {
        // Every pooled connection gets the same settings: WAL lets readers work beside one writer,
        // a busy timeout waits for the write lock instead of failing, foreign keys are enforced.
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    }
    let db = Database::connect(opts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether the database answers (readiness).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits its turn under the
/// busy timeout instead of failing with SQLITE_BUSY when another writer got in between. On
/// PostgreSQL it is an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A raw statement written with `$1`-style placeholders, for either database: SQLite takes them
/// as `?1`, PostgreSQL as written.
pub fn statement(
    backend: sea_orm::DatabaseBackend,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> sea_orm::Statement {
    let sql = match backend {
        sea_orm::DatabaseBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_string(),
    };
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}
