//! Re-mapping stored telemetry: the device's current mappings applied again to the points it
//! sent in a time range (e.g. after a mapping was added for keys stored under their raw name).
//! Every stored point keeps its raw key and raw value, so this never loses information.

use crate::routing::to_stored;
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{RepoError, TenantId};
use mgc_masterdata::{Device, MappingSet};
use mgc_telemetry::domain::repository::{PointQuery, TelemetryRepository};
use mgc_telemetry::record_in;
use serde::Serialize;
use std::collections::BTreeSet;

/// Most points one re-map handles; a larger range is refused (re-map it in parts).
pub const REMAP_MAX_POINTS: u32 = 200_000;

/// What a re-map did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemapReport {
    /// Stored points of the device in the range.
    pub examined: u64,
    /// Of those, stored again under another point name or with another mapped value.
    pub remapped: u64,
}

/// [`remap_device`] in a unit of work of its own, committed when it succeeded (what the API calls).
pub async fn remap_device_now<U>(
    mut uow: U,
    tenant: &TenantId,
    device: &Device,
    mappings: &MappingSet,
    range: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<RemapReport, RepoError>
where
    U: TelemetryRepository + OutboxWriter + UnitOfWork,
{
    let report = remap_device(&mut uow, tenant, device, mappings, range, now).await?;
    uow.commit().await?;
    Ok(report)
}

/// Re-maps the device's points with `from <= ts < to` inside the caller's unit of work; the
/// re-mapped points are news (one `TelemetryReceived` event), unchanged ones are left alone.
pub async fn remap_device<U>(
    uow: &mut U,
    tenant: &TenantId,
    device: &Device,
    mappings: &MappingSet,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<RemapReport, RepoError>
where
    U: TelemetryRepository + OutboxWriter,
{
    let q = PointQuery { device_id: device.id, point: None, from, to };
    let Some(points) = uow.device_points(tenant, &q, REMAP_MAX_POINTS).await? else {
        return Err(RepoError::Invalid(format!(
            "more than {REMAP_MAX_POINTS} points between {from} and {to}: re-map a shorter range"
        )));
    };
    let examined = points.len() as u64;
    let mut old_keys = Vec::new();
    let mut old_points = BTreeSet::new();
    let mut remapped = Vec::new();
    for p in points {
        let next = to_stored(device, mappings, &p.raw_key, p.ts, p.value.clone());
        if next.point == p.point && next.num_value == p.num_value {
            continue;
        }
        old_points.insert(p.point.clone());
        old_keys.push((p.point, p.ts));
        remapped.push(next);
    }
    let report = RemapReport { examined, remapped: remapped.len() as u64 };
    if remapped.is_empty() {
        return Ok(report);
    }
    uow.remove_points(tenant, device.id, &old_keys).await?;
    record_in(uow, tenant, remapped, Vec::new(), now).await?;
    let old_points: Vec<String> = old_points.into_iter().collect();
    uow.drop_orphan_latest(tenant, device.id, &old_points).await?;
    Ok(report)
}
