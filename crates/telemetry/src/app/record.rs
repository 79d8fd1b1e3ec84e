//! Recording ingest batches: points, latest values, quarantine and one `TelemetryReceived`
//! event per committed set of batches, all inside the caller's unit of work.
//!
//! Several batches (a group commit) are merged into one set of statements as long as they
//! belong to one tenant and share no key; a batch that repeats a key of an earlier one starts a
//! new set, so each batch sees the earlier ones exactly as if it had been recorded after them.

use crate::domain::repository::TelemetryRepository;
use crate::domain::stored::{StoreCounts, StoredPoint, UnroutedPoint};
use chrono::{DateTime, Utc};
use mgc_contracts::{DeviceSpan, TelemetryReceived};
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, RepoError, TenantId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BatchReport {
    /// Points routed to a known device.
    pub accepted: u64,
    /// New / changed / duplicate counts of those.
    pub stored: StoreCounts,
    /// Points of unknown devices, kept in quarantine.
    pub quarantined: u64,
    /// True when a `TelemetryReceived` event covering this batch's news was written.
    pub event: bool,
}

/// One batch to record (one ingest request).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchInput {
    /// Tenant of the points.
    pub tenant: TenantId,
    /// Points of known devices.
    pub points: Vec<StoredPoint>,
    /// Points of unknown devices.
    pub unrouted: Vec<UnroutedPoint>,
    /// When the batch arrived.
    pub received_at: DateTime<Utc>,
}

type Key<'a> = (DeviceId, &'a str, DateTime<Utc>);

fn key(p: &StoredPoint) -> Key<'_> {
    (p.device_id, p.point.as_str(), p.ts)
}

/// Writes one batch and commits; the caller acknowledges only after this returns Ok.
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

/// Records one batch inside a unit of work the caller commits (event consumers).
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
    let input = BatchInput { tenant: tenant.clone(), points, unrouted, received_at };
    Ok(record_batches(uow, &[&input]).await?.into_iter().next().unwrap_or_default())
}

/// Records `batches` in order inside a unit of work the caller commits; one report per batch.
pub async fn record_batches<U>(uow: &mut U, batches: &[&BatchInput]) -> Result<Vec<BatchReport>, RepoError>
where
    U: TelemetryRepository + OutboxWriter,
{
    let deduped: Vec<Vec<&StoredPoint>> = batches.iter().map(|b| last_per_key(&b.points)).collect();
    let mut reports = Vec::with_capacity(batches.len());
    let mut start = 0;
    while start < batches.len() {
        let tenant = &batches[start].tenant;
        let mut end = start + 1;
        if batches.len() > 1 {
            let mut seen: HashSet<Key<'_>> = deduped[start].iter().map(|p| key(p)).collect();
            while end < batches.len() && batches[end].tenant == *tenant {
                if deduped[end].iter().any(|p| seen.contains(&key(p))) {
                    break;
                }
                seen.extend(deduped[end].iter().map(|p| key(p)));
                end += 1;
            }
        }
        reports.extend(record_set(uow, tenant, &batches[start..end], &deduped[start..end]).await?);
        start = end;
    }
    Ok(reports)
}

/// Records batches of one tenant whose keys are disjoint with one statement per table.
async fn record_set<U>(
    uow: &mut U,
    tenant: &TenantId,
    batches: &[&BatchInput],
    deduped: &[Vec<&StoredPoint>],
) -> Result<Vec<BatchReport>, RepoError>
where
    U: TelemetryRepository + OutboxWriter,
{
    let received_at = batches.iter().map(|b| b.received_at).max().unwrap_or_else(Utc::now);
    let merged: Vec<&StoredPoint> = deduped.iter().flatten().copied().collect();
    let outcome = uow.store_points(tenant, &merged, received_at).await?;
    let mut newest: BTreeMap<(DeviceId, &str), &StoredPoint> = BTreeMap::new();
    for p in &merged {
        let slot = newest.entry((p.device_id, p.point.as_str())).or_insert(p);
        if p.ts > slot.ts {
            *slot = p;
        }
    }
    let latest: Vec<&StoredPoint> = newest.into_values().collect();
    let mut quarantined = Vec::with_capacity(batches.len());
    for b in batches {
        let n = if b.unrouted.is_empty() { 0 } else { uow.quarantine(tenant, &b.unrouted, b.received_at).await? };
        quarantined.push(n);
    }
    // Only new or changed data is news: a redelivered batch emits nothing.
    let fresh: Vec<&StoredPoint> = outcome.fresh.iter().filter_map(|&i| merged.get(i).copied()).collect();
    let event = !fresh.is_empty();
    if event {
        let ev = TelemetryReceived {
            device_ids: fresh.iter().map(|p| p.device_id).collect::<BTreeSet<_>>().into_iter().collect(),
            points: fresh.iter().map(|p| p.point.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
            from: fresh.iter().map(|p| p.ts).min().unwrap_or(received_at),
            to: fresh.iter().map(|p| p.ts).max().unwrap_or(received_at),
            new_points: outcome.counts.new,
            changed_points: outcome.counts.changed,
            spans: device_spans(&fresh),
        };
        emit(uow, tenant, &ev, received_at).await?;
    }
    // Latest values last: their rows are the ones concurrent group commits share (one row per
    // device point), so their locks are held only from here to the commit.
    uow.advance_latest(tenant, &latest).await?;
    // Back from merged indexes to each batch.
    let mut owner = Vec::with_capacity(merged.len());
    for (b, points) in deduped.iter().enumerate() {
        owner.extend(std::iter::repeat_n(b, points.len()));
    }
    let mut reports: Vec<BatchReport> = deduped
        .iter()
        .zip(quarantined)
        .map(|(points, quarantined)| BatchReport {
            accepted: points.len() as u64,
            quarantined,
            ..BatchReport::default()
        })
        .collect();
    let changed: HashSet<usize> = outcome.changed.iter().copied().collect();
    for &i in &outcome.fresh {
        let Some(r) = owner.get(i).and_then(|&b| reports.get_mut(b)) else { continue };
        if changed.contains(&i) {
            r.stored.changed += 1;
        } else {
            r.stored.new += 1;
        }
        r.event = true;
    }
    for r in &mut reports {
        r.stored.duplicate = r.accepted.saturating_sub(r.stored.new + r.stored.changed);
    }
    Ok(reports)
}

/// The points of a batch with one per (device, point, ts), the last sent winning in the first
/// one's position: two raw keys mapped to one point, or a key sent twice, must not write the
/// same row twice in one statement.
pub fn last_per_key(points: &[StoredPoint]) -> Vec<&StoredPoint> {
    let mut index: HashMap<Key<'_>, usize> = HashMap::with_capacity(points.len());
    let mut out: Vec<&StoredPoint> = Vec::with_capacity(points.len());
    for p in points {
        match index.entry(key(p)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()] = p,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(p);
            }
        }
    }
    out
}

/// Earliest and latest time and the point names of one device's points.
type Span<'a> = (DateTime<Utc>, DateTime<Utc>, BTreeSet<&'a str>);

/// Per device: time range and point names of `fresh`, in device order.
fn device_spans(fresh: &[&StoredPoint]) -> Vec<DeviceSpan> {
    let mut by_device: BTreeMap<DeviceId, Span<'_>> = BTreeMap::new();
    for p in fresh {
        let entry = by_device.entry(p.device_id).or_insert((p.ts, p.ts, BTreeSet::new()));
        entry.0 = entry.0.min(p.ts);
        entry.1 = entry.1.max(p.ts);
        entry.2.insert(p.point.as_str());
    }
    by_device
        .into_iter()
        .map(|(device_id, (from, to, points))| DeviceSpan {
            device_id,
            from,
            to,
            points: points.into_iter().map(str::to_owned).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RawValue;

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
        let points = vec![
            point(d, "active_power_w", 1, 1.0, "P"),
            point(d, "soc_pct", 1, 50.0, "soc_pct"),
            point(d, "active_power_w", 1, 2.0, "active_power_w"),
            point(d, "active_power_w", 2, 3.0, "P"),
        ];
        let out = last_per_key(&points);
        assert_eq!(out.len(), 3);
        assert_eq!((out[0].num_value, out[0].raw_key.as_str()), (Some(2.0), "active_power_w"));
        assert_eq!(out[2].ts.timestamp(), 2);
    }
}
