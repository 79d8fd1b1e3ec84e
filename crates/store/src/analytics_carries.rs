//! Analytics bookkeeping beside the statistics: the counters' cycle highs stored per computed
//! hour, and the stored samples next to newly arrived ones.

use crate::analytics_rows::placeholders;
use crate::rows::{db_err, RowExt};
use crate::StoreTx;
use chrono::{DateTime, Utc};
use mgc_analytics::domain::carry::{Carries, MeterCarry};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId, Window};
use std::collections::BTreeMap;

/// The last numeric sample of a series before `$4` and its first after `$5`.
const BESIDE_SQL: &str = "SELECT
    (SELECT ts FROM telemetry_points WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts < $4
        AND num_value IS NOT NULL ORDER BY ts DESC LIMIT 1) AS prev,
    (SELECT ts FROM telemetry_points WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts > $5
        AND num_value IS NOT NULL ORDER BY ts LIMIT 1) AS next";

type Beside = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

pub(crate) async fn samples_beside(
    tx: &mut StoreTx,
    tenant: &TenantId,
    device: DeviceId,
    points: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Beside>, RepoError> {
    let mut out = Vec::with_capacity(points.len());
    for point in points {
        let (prev, next) = on_tx!(tx, c => {
            let row = sqlx::query(BESIDE_SQL).bind(tenant.as_str()).bind(device.as_uuid()).bind(point).bind(from)
                .bind(to).fetch_one(&mut *c).await.map_err(db_err)?;
            (row.opt_time("prev")?, row.opt_time("next")?)
        });
        out.push((point.clone(), prev, next));
    }
    Ok(out)
}

pub(crate) async fn meter_carries(
    tx: &mut StoreTx,
    tenant: &TenantId,
    station: StationId,
    range: &Window,
) -> Result<BTreeMap<DateTime<Utc>, Carries>, RepoError> {
    let sql = "SELECT hour_start, device_id, point, high_in, high_out FROM analytics_meter_carries
               WHERE tenant_id = $1 AND station_id = $2 AND hour_start >= $3 AND hour_start < $4";
    let rows = on_tx!(tx, c => sqlx::query(sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(range.start)
        .bind(range.end).fetch_all(&mut *c).await.map_err(db_err)?.iter()
        .map(|r| Ok((r.time("hour_start")?, DeviceId::from_uuid(r.uuid("device_id")?), r.text("point")?,
            MeterCarry { high_in: r.opt_float("high_in")?, high_out: r.opt_float("high_out")? })))
        .collect::<Result<Vec<_>, RepoError>>()?);
    let mut out: BTreeMap<DateTime<Utc>, Carries> = BTreeMap::new();
    for (hour, device, point, carry) in rows {
        out.entry(hour).or_default().insert((device, point), carry);
    }
    Ok(out)
}

pub(crate) async fn save_meter_carries(
    tx: &mut StoreTx,
    tenant: &TenantId,
    station: StationId,
    hours: &[(DateTime<Utc>, Carries)],
) -> Result<(), RepoError> {
    for chunk in hours.chunks(200) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let delete = format!(
            "DELETE FROM analytics_meter_carries WHERE tenant_id = $1 AND station_id = $2 AND hour_start IN ({})",
            marks.join(", ")
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&delete).bind(tenant.as_str()).bind(station.as_uuid());
            for (hour, _) in chunk {
                q = q.bind(*hour);
            }
            q.execute(&mut *c).await.map_err(db_err)?;
        });
    }
    let rows: Vec<_> =
        hours.iter().flat_map(|(hour, carries)| carries.iter().map(move |(key, carry)| (hour, key, carry))).collect();
    for chunk in rows.chunks(200) {
        let sql = format!(
            "INSERT INTO analytics_meter_carries (station_id, hour_start, device_id, point, tenant_id, high_in, high_out)
             VALUES {}",
            placeholders(chunk.len(), 7)
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&sql);
            for (hour, (device, point), carry) in chunk {
                q = q.bind(station.as_uuid()).bind(**hour).bind(device.as_uuid()).bind(point).bind(tenant.as_str())
                    .bind(carry.high_in).bind(carry.high_out);
            }
            q.execute(&mut *c).await.map_err(db_err)?;
        });
    }
    Ok(())
}
