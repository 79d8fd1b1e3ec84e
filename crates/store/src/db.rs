//! Connection set-up for both backends and the `Store` handle.

use crate::faults::StoreFaults;
use crate::rows::db_err;
use crate::storage_health::{StorageHealth, WriteHealth};
use crate::tx::{StoreTx, TxConn};
use mgc_kernel::RepoError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (default).
    Sqlite,
    /// PostgreSQL server (production).
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Pool sizing and how long storage may keep a caller waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Connections in the pool (PostgreSQL) or read pool (SQLite; writes use one connection).
    pub max_connections: u32,
    /// How long to wait for a free connection (also how long a connection attempt to an
    /// unreachable PostgreSQL may take) before failing as `storage unavailable`.
    pub acquire_timeout: Duration,
    /// SQLite: how long a write waits for a lock another process holds before failing as
    /// `storage unavailable`. The SQLite writer connection is waited for at most this long or
    /// `acquire_timeout`, whichever is longer.
    pub sqlite_busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(2),
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

pub(crate) enum Db {
    /// SQLite: one writer connection (SQLite serialises writers anyway; this avoids busy
    /// errors) and a pool of readers (WAL lets them run beside the writer).
    Sqlite {
        write: SqlitePool,
        read: SqlitePool,
    },
    Postgres {
        pool: PgPool,
    },
}

pub(crate) struct Inner {
    pub(crate) db: Db,
    /// Wakes this process's dispatcher when a unit of work with events commits.
    pub(crate) outbox_signal: Arc<Notify>,
    /// Wakes the notification worker and alarm streams after alarm commits.
    pub(crate) alarm_signals: Arc<crate::alarm_signals::AlarmSignals>,
    /// Faults the durability tests arm (none in production).
    pub(crate) faults: Arc<StoreFaults>,
    /// Recent outcomes of units of work, for readiness.
    pub(crate) health: StorageHealth,
    /// Master keys sealing secrets at rest (none: secrets are written as given).
    pub(crate) keyring: std::sync::OnceLock<Arc<crate::secret_box::Keyring>>,
    /// Set when the charging timeline (audit trail) is switched off (a benchmark switch).
    pub(crate) timeline_off: std::sync::atomic::AtomicBool,
}

/// Handle to the database: cheap to clone, shared by repositories, dispatcher and API.
#[derive(Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend()).finish()
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`); SQLite files and their
    /// directory are created when missing. Does not migrate (see [`Store::migrate`]).
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, RepoError> {
        let faults = Arc::new(StoreFaults::default());
        let db = if url.starts_with("sqlite:") {
            connect_sqlite(url, options, faults.clone()).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres { pool: connect_postgres(url, options).await? }
        } else {
            return Err(RepoError::Invalid(format!(
                "unsupported database URL '{}': use sqlite://PATH or postgres://...",
                redact(url)
            )));
        };
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                outbox_signal: Arc::new(Notify::new()),
                alarm_signals: Arc::default(),
                faults,
                health: StorageHealth::default(),
                keyring: std::sync::OnceLock::new(),
                timeline_off: std::sync::atomic::AtomicBool::new(false),
            }),
        })
    }

    /// The backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.inner.db {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Starts a unit of work: one transaction for a command's repositories and outbox writes.
    pub async fn begin(&self) -> Result<StoreTx, RepoError> {
        let conn = match &self.inner.db {
            Db::Sqlite { write, .. } => write.begin().await.map(TxConn::Sqlite),
            Db::Postgres { pool } => pool.begin().await.map(TxConn::Postgres),
        }
        .map_err(db_err);
        if conn.is_err() {
            self.inner.health.record(&conn);
        }
        Ok(StoreTx::new(conn?, self.inner.clone()))
    }

    /// How the latest units of work ended (for readiness).
    pub fn write_health(&self) -> WriteHealth {
        self.inner.health.report()
    }

    /// Checks that a write could start now: a writer connection is free within the acquire
    /// timeout and answers (readiness; on PostgreSQL the same as [`Store::ping`]).
    pub async fn ping_writer(&self) -> Result<(), RepoError> {
        on_write!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()).map_err(db_err))
    }

    /// Round-trips a trivial query (readiness).
    pub async fn ping(&self) -> Result<(), RepoError> {
        on_read!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()).map_err(db_err))
    }

    /// Idle and in-use connections of the main pool (for metrics).
    pub fn pool_figures(&self) -> (u32, u32) {
        let (size, idle) = match &self.inner.db {
            Db::Sqlite { read, write } => (read.size() + write.size(), read.num_idle() + write.num_idle()),
            Db::Postgres { pool } => (pool.size(), pool.num_idle()),
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        (idle, size.saturating_sub(idle))
    }

    /// Closes all connections (graceful shutdown).
    pub async fn close(&self) {
        match &self.inner.db {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres { pool } => pool.close().await,
        }
    }
}

async fn connect_sqlite(url: &str, options: &StoreOptions, faults: Arc<StoreFaults>) -> Result<Db, RepoError> {
    let base = SqliteConnectOptions::from_str(url)
        .map_err(|e| RepoError::Invalid(format!("invalid SQLite URL '{url}': {e}")))?;
    let file = base.get_filename().to_path_buf();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        return Err(RepoError::Invalid(
            "in-memory SQLite is not supported: give a file, e.g. sqlite://data/mgc.db".into(),
        ));
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| RepoError::Backend(format!("cannot create database directory {}: {e}", dir.display())))?;
    }
    let base = base
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(options.sqlite_busy_timeout)
        .foreign_keys(true);
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .after_connect(move |conn, _| {
            let limit = faults.sqlite_page_limit.load(std::sync::atomic::Ordering::SeqCst);
            Box::pin(async move {
                if limit > 0 {
                    sqlx::query(&format!("PRAGMA max_page_count = {limit}")).execute(conn).await?;
                }
                Ok(())
            })
        })
        .acquire_timeout(options.acquire_timeout.max(options.sqlite_busy_timeout))
        .after_release(|conn, _| crate::writer_check::writer_is_clean(conn))
        .connect_with(base.clone())
        .await
        .map_err(|e| RepoError::Backend(format!("cannot open SQLite database {}: {e}", file.display())))?;
    let read = SqlitePoolOptions::new()
        .max_connections(options.max_connections.max(1))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(base.read_only(true))
        .await
        .map_err(|e| RepoError::Backend(format!("cannot open SQLite database {}: {e}", file.display())))?;
    Ok(Db::Sqlite { write, read })
}

/// Hides the password of a database URL for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens the PostgreSQL pool after one direct connection attempt: the pool alone retries until
/// its timeout and then says only "pool timed out", hiding the cause (connection refused, bad
/// password, unknown database).
async fn connect_postgres(url: &str, options: &StoreOptions) -> Result<PgPool, RepoError> {
    let cannot = |e: &dyn std::fmt::Display| {
        RepoError::Backend(format!("cannot connect to PostgreSQL at {}: {e}", crate::redact(url)))
    };
    let connect = PgConnectOptions::from_str(url).map_err(|e| cannot(&e))?;
    match tokio::time::timeout(options.acquire_timeout, connect.connect()).await {
        Ok(Ok(probe)) => {
            let _ = probe.close().await;
        }
        Ok(Err(e)) => return Err(cannot(&e)),
        Err(_) => {
            let waited =
                format!("no answer within {} ms (database.acquire_timeout_ms)", options.acquire_timeout.as_millis());
            return Err(cannot(&waited));
        }
    }
    PgPoolOptions::new()
        .max_connections(options.max_connections.max(2))
        .acquire_timeout(options.acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(|e| cannot(&e))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn given_url_with_password_when_redacted_then_password_hidden() {
        assert_eq!(redact("postgres://mgc:s3cret@db:5432/mgc"), "postgres://mgc:***@db:5432/mgc");
        assert_eq!(redact("sqlite://data/mgc.db"), "sqlite://data/mgc.db");
        assert_eq!(redact("postgres://mgc@db/mgc"), "postgres://mgc@db/mgc");
    }
}
