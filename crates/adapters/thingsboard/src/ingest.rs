//! One ingest request: resolve devices and mappings, route, record in one transaction.

use crate::routing::route_points;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{RepoError, TenantId};
use mgc_masterdata::MasterdataQueries;
use mgc_telemetry::domain::payload::{ParsedBatch, Skipped};
use mgc_telemetry::domain::repository::TelemetryRepository;
use mgc_telemetry::record_batch;
use std::collections::HashMap;

/// What the sender is told after the batch is committed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestReport {
    /// Points routed to known devices.
    pub accepted: u64,
    /// Of those: new.
    pub new: u64,
    /// Of those: same key, changed value.
    pub changed: u64,
    /// Of those: already stored as is.
    pub duplicate: u64,
    /// Points of unknown devices kept in quarantine.
    pub quarantined: u64,
    /// Entries skipped by the parser (e.g. null values).
    pub skipped: Vec<Skipped>,
}

/// Records a parsed batch for `tenant`; `uow` may already hold other writes of the request
/// (the replay log), which commit together with the points.
pub async fn ingest_batch<Q, U>(
    queries: &Q,
    uow: U,
    tenant: &TenantId,
    batch: ParsedBatch,
    received_at: DateTime<Utc>,
) -> Result<IngestReport, RepoError>
where
    Q: MasterdataQueries,
    U: TelemetryRepository + OutboxWriter + UnitOfWork,
{
    let mut devices = HashMap::new();
    for p in &batch.points {
        if devices.contains_key(&p.device) {
            continue;
        }
        let resolved = match queries.find_device(tenant, &p.device).await? {
            Some(d) => {
                let set = queries.mapping_set(tenant, &d).await?;
                Some((d, set))
            }
            None => None,
        };
        devices.insert(p.device.clone(), resolved);
    }
    let routed = route_points(batch.points, &devices, &batch.device_types);
    let report = record_batch(uow, tenant, routed.stored, routed.unrouted, received_at).await?;
    Ok(IngestReport {
        accepted: report.accepted,
        new: report.stored.new,
        changed: report.stored.changed,
        duplicate: report.stored.duplicate,
        quarantined: report.quarantined,
        skipped: batch.skipped,
    })
}
