//! The unit of work: one database transaction for a command's repositories and outbox writes.

use crate::db::Inner;
use crate::rows::db_err;
use async_trait::async_trait;
use mgc_eventing::UnitOfWork;
use mgc_kernel::RepoError;
use sqlx::TransactionManager;
use std::sync::Arc;

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
    /// What this unit of work wrote that alarm wake-ups care about.
    pub(crate) alarm_writes: crate::alarm_signals::AlarmWrites,
    /// The store's signals, faults and health record.
    pub(crate) store: Arc<Inner>,
    /// The audit entry of the HTTP request this unit of work serves (see [`crate::request_audit`]).
    pub(crate) audit: Option<Arc<crate::request_audit::RequestAudit>>,
    /// The protocol frame a charging unit of work handles (see [`mgc_charging::TimelineRepository`]).
    pub(crate) charging_frame: Option<mgc_charging::FrameRef>,
}

impl std::fmt::Debug for StoreTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreTx").field("appended_events", &self.appended_events).finish()
    }
}

impl StoreTx {
    pub(crate) fn new(conn: TxConn, store: Arc<Inner>) -> Self {
        let audit = crate::request_audit::current();
        Self { conn, appended_events: false, alarm_writes: Default::default(), store, audit, charging_frame: None }
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

impl StoreTx {
    /// Commits, and reports success only for a COMMIT that ended a real transaction.
    async fn commit_durably(self) -> Result<(), RepoError> {
        if self.store.faults.commit_fails() {
            return self.fail_commit_injected().await;
        }
        match self.conn {
            TxConn::Sqlite(t) => {
                // Only the outermost level issues COMMIT; anything deeper would release a savepoint
                // of a transaction nobody commits (see `writer_check`).
                let depth = <sqlx::Sqlite as sqlx::Database>::TransactionManager::get_transaction_depth(&t);
                if depth != 1 {
                    return Err(RepoError::Backend(format!(
                        "refusing to commit: the SQLite writer is {depth} transactions deep"
                    )));
                }
                t.commit().await.map_err(db_err)?
            }
            TxConn::Postgres(t) => t.commit().await.map_err(db_err)?,
        }
        if self.appended_events {
            self.store.outbox_signal.notify_one();
        }
        self.store.alarm_signals.committed(self.alarm_writes);
        Ok(())
    }

    /// The injected commit failure: the database rolls the transaction back on its own and the
    /// commit fails, as SQLite does when a COMMIT hits a full disk (the transaction ends behind
    /// sqlx's back, which still counts it as open) and as PostgreSQL does when it goes away.
    async fn fail_commit_injected(self) -> Result<(), RepoError> {
        match self.conn {
            TxConn::Sqlite(mut t) => {
                sqlx::query("ROLLBACK").execute(&mut *t).await.map_err(db_err)?;
                // Fails with "no transaction is active", like the real one.
                let _ = t.commit().await;
            }
            TxConn::Postgres(t) => t.rollback().await.map_err(db_err)?,
        }
        Err(RepoError::Unavailable("database or disk is full (injected commit failure)".into()))
    }
}

#[async_trait]
impl UnitOfWork for StoreTx {
    async fn commit(mut self) -> Result<(), RepoError> {
        let store = self.store.clone();
        // The request's audit entry goes in with the change (once per request).
        let audit = self.audit.take().and_then(|a| a.to_append().map(|entry| (a, entry)));
        if let Some((_, entry)) = &audit {
            // A change that cannot be audited is not made (dropping `self` rolls it back).
            mgc_iam::AuditRecorder::append_audit(&mut self, entry).await?;
        }
        let outcome = self.commit_durably().await;
        if let (Some((request, _)), Ok(())) = (&audit, &outcome) {
            request.committed();
        }
        store.health.record(&outcome);
        outcome
    }
}
