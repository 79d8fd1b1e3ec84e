//! LISTEN side of [`DEVICE_COMMANDS_CHANNEL`]: wakes this process's command dispatcher when a
//! command is issued (on any instance) to a device whose connection this process holds.

use crate::cluster::DEVICE_COMMANDS_CHANNEL;
use crate::db::Db;
use crate::Store;
use sqlx::postgres::{PgListener, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Wait before opening the LISTEN connection again after it failed (polling covers the gap).
const RETRY_AFTER: Duration = Duration::from_secs(2);

/// Listens for the commands meant for one holder's devices (PostgreSQL only).
#[derive(Debug)]
pub struct DeviceCommandListener {
    pool: PgPool,
    holder: String,
    wake: Arc<Notify>,
}

impl Store {
    /// The listener waking `wake` for commands to devices held by `holder`; None on SQLite
    /// (one process: the issuing instance wakes its own dispatcher).
    pub fn device_command_listener(&self, holder: &str, wake: Arc<Notify>) -> Option<DeviceCommandListener> {
        match &self.inner.db {
            Db::Postgres { pool } => {
                Some(DeviceCommandListener { pool: pool.clone(), holder: holder.to_owned(), wake })
            }
            Db::Sqlite { .. } => None,
        }
    }
}

impl DeviceCommandListener {
    /// Runs until `stop` turns true (or its sender is dropped), then stops listening and
    /// closes its connection. Whenever the connection was lost (notifications may have been
    /// missed meanwhile) the dispatcher is woken too.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let stopped = async move { drop(stop.wait_for(|s| *s).await) };
        tokio::pin!(stopped);
        loop {
            let mut listener = tokio::select! {
                _ = &mut stopped => return,
                opened = self.open() => match opened {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot LISTEN for device commands; polling meanwhile");
                        tokio::select! {
                            _ = &mut stopped => return,
                            _ = tokio::time::sleep(RETRY_AFTER) => continue,
                        }
                    }
                },
            };
            // Anything issued before LISTEN took effect is found by this wake-up's claim.
            self.wake.notify_one();
            tracing::info!(holder = %self.holder, "listening for commands to this instance's devices");
            loop {
                tokio::select! {
                    _ = &mut stopped => {
                        if let Err(e) = listener.unlisten_all().await {
                            tracing::debug!(error = %e, "UNLISTEN at shutdown failed");
                        }
                        return;
                    }
                    received = listener.try_recv() => match received {
                        Ok(Some(n)) if n.payload() == self.holder => self.wake.notify_one(),
                        Ok(Some(_)) => {}
                        // Connection lost: the next try_recv reconnects; wake for what was missed.
                        Ok(None) => self.wake.notify_one(),
                        Err(e) => {
                            tracing::warn!(error = %e, "LISTEN connection for device commands failed; reopening");
                            self.wake.notify_one();
                            break;
                        }
                    },
                }
            }
        }
    }

    async fn open(&self) -> Result<PgListener, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(DEVICE_COMMANDS_CHANNEL).await?;
        Ok(listener)
    }
}
