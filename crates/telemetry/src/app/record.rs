//! `record_batch`: one committed transaction per ingest batch — points, latest values,
//! quarantine and exactly one `TelemetryReceived` event.

use crate::domain::repository::TelemetryRepository;
use crate::domain::stored::{StoreCounts, StoredPoint, UnroutedPoint};
use chrono::{DateTime, Utc};
use mgc_contracts::TelemetryReceived;
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
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
    let points = last_per_key(points);
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
        emit(uow, tenant, &ev, received_at).await?;
    }
    Ok(BatchReport { accepted: points.len() as u64, stored, quarantined, event })
}

/// Keeps the last point of each (device, point, ts): two raw keys mapped to one point, or a
/// key sent twice, must not write the same row twice in one statement.
pub fn last_per_key(points: Vec<StoredPoint>) -> Vec<StoredPoint> {
    let mut index: std::collections::HashMap<(mgc_kernel::DeviceId, String, DateTime<Utc>), usize> =
        std::collections::HashMap::with_capacity(points.len());
    let mut out: Vec<StoredPoint> = Vec::with_capacity(points.len());
    for p in points {
        match index.entry((p.device_id, p.point.clone(), p.ts)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()] = p,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RawValue;
    use mgc_kernel::DeviceId;

    fn point(d: DeviceId, name: &str, ts: i64, v: f64, raw: &str) -> StoredPoint {
        StoredPoint {
            device_id: d,
            point: name.into(),
            ts: DateTime::from_timestamp(ts, 0).unwrap_or_default(),
            num_value: Some(v),
            value: RawValue::Number(v),
            raw_key: raw.into(),
        }
    }

    #[test]
    fn given_two_keys_mapped_to_one_point_when_deduplicated_then_last_wins_in_first_position() {
        let d = DeviceId::new();
        let out = last_per_key(vec![
            point(d, "active_power_w", 1, 1.0, "P"),
            point(d, "soc_pct", 1, 50.0, "soc_pct"),
            point(d, "active_power_w", 1, 2.0, "active_power_w"),
            point(d, "active_power_w", 2, 3.0, "P"),
        ]);
        assert_eq!(out.len(), 3);
        assert_eq!((out[0].num_value, out[0].raw_key.as_str()), (Some(2.0), "active_power_w"));
        assert_eq!(out[2].ts.timestamp(), 2);
    }
}
