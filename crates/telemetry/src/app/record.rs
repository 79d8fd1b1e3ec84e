//! `record_batch`: one committed transaction per ingest batch — points, latest values,
//! quarantine and exactly one `TelemetryReceived` event.

use crate::domain::repository::TelemetryRepository;
use crate::domain::stored::{StoreCounts, StoredPoint, UnroutedPoint};
use chrono::{DateTime, Utc};
use mgc_contracts::{EventEnvelope, TelemetryReceived};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{RepoError, TenantId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchReport {
    /// Points routed to a known device.
    pub accepted: u64,
    /// New / changed / duplicate counts of those.
    pub stored: StoreCounts,
    /// Points of unknown devices, kept in quarantine.
    pub quarantined: u64,
    /// True when a `TelemetryReceived` event was written.
    pub event: bool,
}

/// Writes a batch durably; the caller acknowledges only after this returns Ok.
pub async fn record_batch<U>(
    mut uow: U,
    tenant: &TenantId,
    points: Vec<StoredPoint>,
    unrouted: Vec<UnroutedPoint>,
    received_at: DateTime<Utc>,
) -> Result<BatchReport, RepoError>
where
    U: TelemetryRepository + OutboxWriter + UnitOfWork,
{
    let report = record_in(&mut uow, tenant, points, unrouted, received_at).await?;
    uow.commit().await?;
    Ok(report)
}

/// Does the work of [`record_batch`] inside a unit of work the caller commits (event consumers).
pub async fn record_in<U>(
    uow: &mut U,
    tenant: &TenantId,
    points: Vec<StoredPoint>,
    unrouted: Vec<UnroutedPoint>,
    received_at: DateTime<Utc>,
) -> Result<BatchReport, RepoError>
where
    U: TelemetryRepository + OutboxWriter,
{
    let outcome = uow.store_points(tenant, &points, received_at).await?;
    let stored = outcome.counts;
    let mut newest: BTreeMap<(mgc_kernel::DeviceId, &str), &StoredPoint> = BTreeMap::new();
    for p in &points {
        let slot = newest.entry((p.device_id, p.point.as_str())).or_insert(p);
        if p.ts > slot.ts {
            *slot = p;
        }
    }
    let latest: Vec<&StoredPoint> = newest.into_values().collect();
    uow.advance_latest(tenant, &latest).await?;
    let quarantined = uow.quarantine(tenant, &unrouted, received_at).await?;
    // Only new or changed data is news: a redelivered batch emits nothing.
    let fresh: Vec<&StoredPoint> = outcome.fresh.iter().filter_map(|&i| points.get(i)).collect();
    let event = !fresh.is_empty();
    if event {
        let from = fresh.iter().map(|p| p.ts).min().unwrap_or(received_at);
        let to = fresh.iter().map(|p| p.ts).max().unwrap_or(received_at);
        let ev = TelemetryReceived {
            device_ids: fresh.iter().map(|p| p.device_id).collect::<BTreeSet<_>>().into_iter().collect(),
            points: fresh.iter().map(|p| p.point.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
            from,
            to,
            new_points: stored.new,
            changed_points: stored.changed,
        };
        let env = EventEnvelope::wrap(tenant, &ev, received_at).map_err(|e| RepoError::Backend(e.to_string()))?;
        uow.append(env).await?;
    }
    Ok(BatchReport { accepted: points.len() as u64, stored, quarantined, event })
}
