//! A station's history for shadow runs: numeric telemetry of its meters and PV inverters, with
//! each device's kind, and the station's zone.

use crate::rows::{db_err, RowExt};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, StationId, StationTz, TenantId};
use mgc_strategy::domain::shadow::ports::HISTORY_POINTS;
use mgc_strategy::{DeviceReading, HistoryReader};

#[async_trait]
impl HistoryReader for Store {
    async fn station_zone(&self, tenant: &TenantId, station: StationId) -> Result<Option<StationTz>, RepoError> {
        let sql = "SELECT time_zone FROM stations WHERE tenant_id = $1 AND id = $2";
        let zone: Option<String> = on_read!(self, p => sqlx::query_scalar(sql).bind(tenant.as_str())
            .bind(station.as_uuid()).fetch_optional(p).await.map_err(db_err)?);
        zone.map(|z| StationTz::parse(&z).map_err(|e| RepoError::Backend(format!("stored zone: {e}")))).transpose()
    }

    async fn history(
        &self,
        tenant: &TenantId,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<DeviceReading>, RepoError> {
        let sql = "SELECT d.kind, t.device_id, t.point, t.num_value, t.ts FROM telemetry_points t
                   JOIN devices d ON d.id = t.device_id AND d.tenant_id = t.tenant_id
                   WHERE t.tenant_id = $1 AND d.station_id = $2 AND t.ts >= $3 AND t.ts < $4
                   AND t.num_value IS NOT NULL AND d.kind IN ('meter', 'pv_inverter')
                   AND t.point IN ('active_power_w', 'grid_import_power_w', 'grid_export_power_w', 'pv_power_w')
                   ORDER BY t.ts, t.device_id, t.point";
        let rows = on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(station.as_uuid()).bind(from)
            .bind(to).fetch_all(p).await.map_err(db_err)?.iter().map(|r| Ok(DeviceReading {
                kind: r.text("kind")?,
                device_id: r.uuid("device_id")?.to_string(),
                point: r.text("point")?,
                value: r.float("num_value")?,
                ts: r.time("ts")?,
            })).collect::<Result<Vec<_>, RepoError>>()?);
        Ok(rows.into_iter().filter(|r| HISTORY_POINTS.iter().any(|(k, p)| *k == r.kind && *p == r.point)).collect())
    }
}
