//! A pile's connection in the cluster's connection directory: recorded when the pile binds to a
//! socket of this process (so commands issued on any instance are claimed here), released when
//! the connection closes (and the pile is recorded offline only when no newer connection, on any
//! instance, holds it).

use super::{lock, ChargingHandler};
use crate::PhysicalId;
use mgc_commands::{ConnectedDevice, ConnectionDirectory, PROTOCOL_AP3000};
use std::sync::Arc;

impl<U: super::telemetry::PileUnits + 'static> ChargingHandler<U> {
    /// Records every pile's connection in `directory` from now on; false when one was set already.
    pub fn set_directory(&self, directory: Arc<dyn ConnectionDirectory>) -> bool {
        self.inner.directory.set(directory).is_ok()
    }

    /// Whether a connection directory is set.
    pub fn has_directory(&self) -> bool {
        self.inner.directory.get().is_some()
    }

    /// `pile` bound to a connection of this process: records `connected` on its timeline (when it
    /// is known), and records it in the directory (which makes its waiting commands due and wakes
    /// the dispatcher) when there is one.
    pub async fn pile_connected(&self, pile: PhysicalId) {
        let recorded = async {
            let tx = self.inner.units.begin_charging_tx().await?;
            let details = serde_json::json!({ "protocol": mgc_charging::Protocol::Ap3000.as_str() });
            mgc_charging::connected(tx, &self.inner.tenant, &super::identity(pile)?, details, self.inner.clock.now())
                .await
        };
        if let Err(e) = recorded.await {
            tracing::warn!(%pile, error = %e, "could not record the pile's connection on the timeline");
        }
        let Some(directory) = self.inner.directory.get() else { return };
        let device = ConnectedDevice {
            tenant: self.inner.tenant.clone(),
            protocol: PROTOCOL_AP3000.to_owned(),
            target: pile.identity(),
        };
        let ticket = directory.connected(device, self.inner.clock.now()).await;
        lock(&self.inner.tickets).insert(pile, ticket);
    }

    /// The connection of `pile` closed: releases its directory record; false when a newer
    /// connection (here or on another instance) holds the pile now.
    pub(super) async fn still_held_here(&self, pile: PhysicalId) -> bool {
        let ticket = lock(&self.inner.tickets).remove(&pile);
        match (self.inner.directory.get(), ticket) {
            (Some(directory), Some(ticket)) => directory.disconnected(&ticket).await,
            _ => true,
        }
    }
}
