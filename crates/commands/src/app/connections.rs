//! The connection directory of one process: what a connection-owning adapter (OCPP, AP3000)
//! calls when a device connects or its connection ends. A connect records this process as
//! the device's holder (taking it over from any other instance), makes the device's waiting
//! commands due and wakes the dispatcher, so commands queued on any instance follow the device.

use crate::app::online::device_online;
use crate::domain::connections::{
    ConnectedDevice, ConnectionDirectory, ConnectionId, ConnectionRecords, ConnectionTicket,
};
use crate::domain::ports::CommandUnits;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::RepoError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Wakes this process's command dispatcher.
pub type WakeDispatcher = Arc<dyn Fn() + Send + Sync>;

/// A connection this process holds, and whether the directory has recorded it.
#[derive(Debug, Clone)]
struct Held {
    ticket: ConnectionTicket,
    recorded: bool,
}

/// The directory as seen by the process `holder` (its lease holder id, also the lease owner of
/// its command claims).
pub struct InstanceDirectory<U> {
    units: U,
    holder: String,
    wake: WakeDispatcher,
    /// The connections this process holds now (to record them again after a failed write or
    /// a lost lease).
    held: Mutex<HashMap<ConnectedDevice, Held>>,
}

impl<U> std::fmt::Debug for InstanceDirectory<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceDirectory").field("holder", &self.holder).finish()
    }
}

impl<U: CommandUnits + ConnectionRecords> InstanceDirectory<U> {
    /// The directory of process `holder`, waking its dispatcher with `wake`.
    pub fn new(units: U, holder: impl Into<String>, wake: WakeDispatcher) -> Self {
        Self { units, holder: holder.into(), wake, held: Mutex::default() }
    }

    /// This process's holder id.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Number of device connections this process holds.
    pub fn held(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ConnectedDevice, Held>> {
        // Plain data: a panic elsewhere while holding the lock leaves it usable.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, ticket: &ConnectionTicket, recorded: bool) {
        if let Some(h) = self.lock().get_mut(&ticket.device).filter(|h| h.ticket.connection == ticket.connection) {
            h.recorded = recorded;
        }
    }

    /// Records at `now` the held connections the directory may be missing: those whose write
    /// failed, or every one when `all` (after this process lost its lease and took a new one),
    /// except where another live process holds the device by now; returns how many it recorded.
    pub async fn restore(&self, all: bool, now: DateTime<Utc>) -> Result<usize, RepoError> {
        let tickets: Vec<ConnectionTicket> =
            self.lock().values().filter(|h| all || !h.recorded).map(|h| h.ticket.clone()).collect();
        let mut restored = 0;
        for ticket in tickets {
            let recorded = self.units.restore_connection(&self.holder, &ticket, now).await?;
            // Not recorded: another process holds it now; nothing more to retry here.
            self.mark(&ticket, true);
            if recorded {
                restored += 1;
            }
        }
        if restored > 0 {
            (self.wake)();
        }
        Ok(restored)
    }
}

#[async_trait]
impl<U: CommandUnits + ConnectionRecords> ConnectionDirectory for InstanceDirectory<U> {
    async fn connected(&self, device: ConnectedDevice, now: DateTime<Utc>) -> ConnectionTicket {
        let ticket = ConnectionTicket { device: device.clone(), connection: ConnectionId::new(), connected_at: now };
        self.lock().insert(device.clone(), Held { ticket: ticket.clone(), recorded: false });
        match self.units.hold_connection(&self.holder, &ticket).await {
            Ok(()) => self.mark(&ticket, true),
            Err(e) => tracing::warn!(tenant = %device.tenant, protocol = device.protocol, target = device.target,
                error = %e, "cannot record the device's connection in the directory; retried with the lease"),
        }
        if let Err(e) = device_online(&self.units, &device.tenant, &device.protocol, &device.target, now).await {
            tracing::warn!(target = device.target, error = %e, "cannot hurry the commands waiting for the device");
        }
        // Also when nothing was waiting: a command issued elsewhere just before the row moved
        // here was skipped by the claim of the previous holder.
        (self.wake)();
        ticket
    }

    async fn disconnected(&self, ticket: &ConnectionTicket) -> bool {
        {
            let mut held = self.lock();
            if held.get(&ticket.device).is_some_and(|h| h.ticket.connection == ticket.connection) {
                held.remove(&ticket.device);
            }
        }
        match self.units.release_connection(ticket).await {
            Ok(current) => current,
            Err(e) => {
                tracing::warn!(target = ticket.device.target, error = %e, "cannot remove the ended connection from the directory");
                true
            }
        }
    }
}
