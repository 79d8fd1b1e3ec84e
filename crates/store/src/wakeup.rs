//! Dispatcher wake-ups: in-process signal on commit, plus LISTEN/NOTIFY on PostgreSQL so
//! events committed by another instance wake this one; polling is the fallback.

use crate::db::Db;
use crate::Store;
use async_trait::async_trait;
use mgc_eventing::Wakeup;
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The wake-up source of a store's dispatcher.
pub struct StoreWakeup {
    local: Arc<Notify>,
    pg: Option<(PgPool, Option<PgListener>)>,
}

impl std::fmt::Debug for StoreWakeup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreWakeup").field("listen_notify", &self.pg.is_some()).finish()
    }
}

impl Store {
    /// A wake-up source for this store's dispatcher.
    pub fn wakeup(&self) -> StoreWakeup {
        let pg = match &self.inner.db {
            Db::Postgres { pool } => Some((pool.clone(), None)),
            Db::Sqlite { .. } => None,
        };
        StoreWakeup { local: self.inner.outbox_signal.clone(), pg }
    }
}

#[async_trait]
impl Wakeup for StoreWakeup {
    async fn wait(&mut self, max: Duration) {
        let local = self.local.clone();
        let Some((pool, listener)) = &mut self.pg else {
            let _ = tokio::time::timeout(max, local.notified()).await;
            return;
        };
        if listener.is_none() {
            match PgListener::connect_with(pool).await {
                Ok(mut l) => match l.listen("mgc_outbox").await {
                    Ok(()) => *listener = Some(l),
                    Err(e) => tracing::warn!(error = %e, "LISTEN mgc_outbox failed; polling"),
                },
                Err(e) => tracing::warn!(error = %e, "cannot open LISTEN connection; polling"),
            }
        }
        let Some(l) = listener.as_mut() else {
            let _ = tokio::time::timeout(max, local.notified()).await;
            return;
        };
        tokio::select! {
            _ = local.notified() => {}
            received = tokio::time::timeout(max, l.recv()) => {
                if let Ok(Err(e)) = received {
                    tracing::warn!(error = %e, "LISTEN connection lost; will reconnect");
                    *listener = None;
                }
            }
        }
    }
}
