//! The unit of work: one database transaction for a command's repositories and outbox writes.

use crate::rows::db_err;
use async_trait::async_trait;
use mgc_eventing::UnitOfWork;
use mgc_kernel::RepoError;
use std::sync::Arc;
use tokio::sync::Notify;

pub(crate) enum TxConn {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// An open transaction. Repositories of every context are implemented on it; dropping it
/// without [`UnitOfWork::commit`] rolls everything back, events included.
pub struct StoreTx {
    pub(crate) conn: TxConn,
    /// Set when the transaction appended outbox events, so commit wakes the dispatcher.
    pub(crate) appended_events: bool,
    signal: Arc<Notify>,
    /// What this unit of work wrote that alarm wake-ups care about.
    pub(crate) alarm_writes: crate::alarm_signals::AlarmWrites,
    alarm_signals: Arc<crate::alarm_signals::AlarmSignals>,
}

impl std::fmt::Debug for StoreTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreTx").field("appended_events", &self.appended_events).finish()
    }
}

impl StoreTx {
    pub(crate) fn new(conn: TxConn, signal: Arc<Notify>) -> Self {
        Self { conn, appended_events: false, signal, alarm_writes: Default::default(), alarm_signals: Arc::default() }
    }

    pub(crate) fn with_alarm_signals(mut self, signals: Arc<crate::alarm_signals::AlarmSignals>) -> Self {
        self.alarm_signals = signals;
        self
    }

    /// Marks that this unit of work makes events due, so its commit wakes the dispatchers:
    /// this process's at once, other instances' through PostgreSQL NOTIFY (sent on commit).
    pub(crate) async fn announce_events(&mut self) -> Result<(), RepoError> {
        if let TxConn::Postgres(t) = &mut self.conn {
            sqlx::query("SELECT pg_notify('mgc_outbox', '')").execute(&mut **t).await.map_err(db_err)?;
        }
        self.appended_events = true;
        Ok(())
    }

    /// Rolls back explicitly (dropping does the same).
    pub async fn rollback(self) -> Result<(), RepoError> {
        match self.conn {
            TxConn::Sqlite(t) => t.rollback().await.map_err(db_err),
            TxConn::Postgres(t) => t.rollback().await.map_err(db_err),
        }
    }
}

#[async_trait]
impl UnitOfWork for StoreTx {
    async fn commit(self) -> Result<(), RepoError> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await.map_err(db_err)?,
            TxConn::Postgres(t) => t.commit().await.map_err(db_err)?,
        }
        if self.appended_events {
            self.signal.notify_one();
        }
        self.alarm_signals.committed(self.alarm_writes);
        Ok(())
    }
}
