//! Consumer of `DeviceProvisioned`: moves the device's quarantined points into its telemetry.

use crate::routing::to_stored;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::{DeviceProvisioned, EventEnvelope, IntegrationEvent};
use mgc_eventing::{EventHandler, HandlerError, OutboxWriter};
use mgc_kernel::{RepoError, TenantId};
use mgc_masterdata::{Device, MappingScope, MappingSet, MasterdataRepository};
use mgc_telemetry::domain::repository::TelemetryRepository;
use mgc_telemetry::record_in;

/// Re-ingests quarantined points once their device exists (idempotent: the points leave the
/// quarantine in the same transaction that stores them).
#[derive(Debug, Clone, Copy, Default)]
pub struct UnroutedReplay;

#[async_trait]
impl<Tx> EventHandler<Tx> for UnroutedReplay
where
    Tx: MasterdataRepository + TelemetryRepository + OutboxWriter + Send,
{
    fn consumer(&self) -> &'static str {
        "thingsboard.unrouted_replay"
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![DeviceProvisioned::TYPE]
    }

    async fn handle(&self, tx: &mut Tx, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: DeviceProvisioned = event.decode().map_err(HandlerError::new)?;
        let tenant = &event.tenant_id;
        let Some(device) = tx.device_by_name(tenant, &ev.name).await.map_err(HandlerError::new)? else {
            return Ok(());
        };
        let n = reingest_device(tx, tenant, &device, event.occurred_at).await.map_err(HandlerError::new)?;
        if n > 0 {
            tracing::info!(device = %device.name, points = n, "quarantined telemetry re-ingested");
        }
        Ok(())
    }
}

/// Moves the quarantined points sent under `device`'s name, id or ThingsBoard id into its
/// telemetry (through its current mappings) inside the caller's unit of work; returns how many.
pub async fn reingest_device<Tx>(
    tx: &mut Tx,
    tenant: &TenantId,
    device: &Device,
    at: DateTime<Utc>,
) -> Result<usize, RepoError>
where
    Tx: MasterdataRepository + TelemetryRepository + OutboxWriter + Send,
{
    let own = tx.mappings_of(tenant, MappingScope::Device(device.id)).await?;
    let kind = tx.mappings_of(tenant, MappingScope::Kind(device.kind)).await?;
    let set = MappingSet::new(own, kind);
    let mut references = vec![device.name.clone(), device.id.to_string()];
    references.extend(device.tb_device_id.clone());
    let mut points = Vec::new();
    for reference in references {
        for u in tx.take_unrouted(tenant, &reference).await? {
            points.push(to_stored(device, &set, &u.raw_key, u.ts, u.value));
        }
    }
    let n = points.len();
    if n > 0 {
        record_in(tx, tenant, points, Vec::new(), at).await?;
    }
    Ok(n)
}
