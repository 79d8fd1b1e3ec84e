//! Telemetry repository: idempotent point storage, the latest-value read model, quarantine.

use crate::rows::{db_err, parse_cursor, RowExt};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};
use mgc_telemetry::domain::repository::{PointQuery, PointRow, TelemetryQueries, TelemetryRepository, UnmappedKey};
use mgc_telemetry::domain::stored::{StoreOutcome, StoredPoint, UnroutedPoint};
use mgc_telemetry::RawValue;
use sqlx::types::Json;

pub(crate) fn value_json(v: &RawValue) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}

fn value_from(r: &impl RowExt) -> Result<RawValue, RepoError> {
    serde_json::from_value(r.json("value")?).map_err(|e| RepoError::Backend(format!("stored value unreadable: {e}")))
}

fn point_from_row(r: &impl RowExt) -> Result<PointRow, RepoError> {
    Ok(PointRow {
        device_id: DeviceId::from_uuid(r.uuid("device_id")?),
        point: r.text("point")?,
        ts: r.time("ts")?,
        num_value: r.opt_float("num_value")?,
        value: value_from(r)?,
    })
}

fn stored_from_row(r: &impl RowExt) -> Result<StoredPoint, RepoError> {
    let row = point_from_row(r)?;
    Ok(StoredPoint {
        device_id: row.device_id,
        point: row.point,
        ts: row.ts,
        num_value: row.num_value,
        value: row.value,
        raw_key: r.text("raw_key")?,
    })
}

fn unrouted_from_row(r: &impl RowExt) -> Result<UnroutedPoint, RepoError> {
    Ok(UnroutedPoint {
        device: r.text("device")?,
        device_type: r.opt_text("device_type")?,
        ts: r.time("ts")?,
        raw_key: r.text("raw_key")?,
        value: value_from(r)?,
        reason: r.text("reason")?,
    })
}

#[async_trait]
impl TelemetryRepository for StoreTx {
    async fn store_points(
        &mut self,
        tenant: &TenantId,
        points: &[&StoredPoint],
        received_at: DateTime<Utc>,
    ) -> Result<StoreOutcome, RepoError> {
        match &mut self.conn {
            crate::tx::TxConn::Postgres(t) => crate::telemetry_pg::store_points(t, tenant, points, received_at).await,
            crate::tx::TxConn::Sqlite(t) => crate::telemetry_sqlite::store_points(t, tenant, points, received_at).await,
        }
    }

    async fn advance_latest(&mut self, tenant: &TenantId, points: &[&StoredPoint]) -> Result<(), RepoError> {
        if points.is_empty() {
            return Ok(());
        }
        match &mut self.conn {
            crate::tx::TxConn::Postgres(t) => crate::telemetry_pg::advance_latest(t, tenant, points).await,
            crate::tx::TxConn::Sqlite(t) => crate::telemetry_sqlite::advance_latest(t, tenant, points).await,
        }
    }

    async fn quarantine(
        &mut self,
        tenant: &TenantId,
        points: &[UnroutedPoint],
        received_at: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let sql = "INSERT INTO telemetry_unrouted (id, tenant_id, device, device_type, ts, raw_key, value, reason, received_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                   ON CONFLICT (tenant_id, device, raw_key, ts) DO UPDATE SET value = excluded.value, reason = excluded.reason,
                   received_at = excluded.received_at, device_type = excluded.device_type";
        for p in points {
            let value = value_json(&p.value)?;
            on_tx!(self, c => sqlx::query(sql)
                .bind(uuid::Uuid::now_v7()).bind(tenant.as_str()).bind(&p.device).bind(&p.device_type).bind(p.ts)
                .bind(&p.raw_key).bind(Json(&value)).bind(&p.reason).bind(received_at)
                .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        }
        Ok(points.len() as u64)
    }

    async fn device_points(
        &mut self,
        tenant: &TenantId,
        q: &PointQuery,
        max: u32,
    ) -> Result<Option<Vec<StoredPoint>>, RepoError> {
        let sql = "SELECT device_id, point, ts, num_value, value, raw_key FROM telemetry_points
                   WHERE tenant_id = $1 AND device_id = $2 AND ($3 IS NULL OR point = $3) AND ts >= $4 AND ts < $5
                   ORDER BY ts, point LIMIT $6";
        let points = on_tx!(self, c => sqlx::query(sql)
            .bind(tenant.as_str()).bind(q.device_id.as_uuid()).bind(&q.point).bind(q.from).bind(q.to)
            .bind(i64::from(max) + 1).fetch_all(&mut *c).await.map_err(db_err)?
            .iter().map(stored_from_row).collect::<Result<Vec<_>, RepoError>>()?);
        Ok((points.len() <= max as usize).then_some(points))
    }

    async fn remove_points(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        keys: &[(String, DateTime<Utc>)],
    ) -> Result<(), RepoError> {
        let sql = "DELETE FROM telemetry_points WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts = $4";
        for (point, ts) in keys {
            on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid()).bind(point).bind(ts)
                .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        }
        Ok(())
    }

    async fn drop_orphan_latest(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        points: &[String],
    ) -> Result<(), RepoError> {
        let sql = "DELETE FROM telemetry_latest WHERE tenant_id = $1 AND device_id = $2 AND point = $3
                   AND NOT EXISTS (SELECT 1 FROM telemetry_points p WHERE p.tenant_id = $1 AND p.device_id = $2 AND p.point = $3)";
        for point in points {
            on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid()).bind(point)
                .execute(&mut *c).await.map_err(db_err).map(|_| ()))?;
        }
        Ok(())
    }

    async fn take_unrouted(&mut self, tenant: &TenantId, device: &str) -> Result<Vec<UnroutedPoint>, RepoError> {
        let rows = on_tx!(self, c => {
            let rows = sqlx::query("SELECT device, device_type, ts, raw_key, value, reason FROM telemetry_unrouted WHERE tenant_id = $1 AND device = $2 ORDER BY ts")
                .bind(tenant.as_str()).bind(device).fetch_all(&mut *c).await.map_err(db_err)?
                .iter().map(unrouted_from_row).collect::<Result<Vec<_>, _>>()?;
            sqlx::query("DELETE FROM telemetry_unrouted WHERE tenant_id = $1 AND device = $2")
                .bind(tenant.as_str()).bind(device).execute(&mut *c).await.map_err(db_err)?;
            rows
        });
        Ok(rows)
    }
}

#[async_trait]
impl TelemetryQueries for Store {
    async fn list_points(
        &self,
        tenant: &TenantId,
        q: &PointQuery,
        page: &PageRequest,
    ) -> Result<Page<PointRow>, RepoError> {
        // Cursor: "<ts rfc3339>|<point>" of the last row; rows in (ts, point) order.
        let (after_ts, after_point) = match page.cursor.as_deref() {
            None => (None, None),
            Some(c) => {
                let (ts, point) = c
                    .split_once('|')
                    .ok_or_else(|| RepoError::Invalid(format!("cursor '{c}' is not one this service returned")))?;
                let ts = DateTime::parse_from_rfc3339(ts)
                    .map_err(|_| RepoError::Invalid(format!("cursor '{c}' is not one this service returned")))?
                    .with_timezone(&Utc);
                (Some(ts), Some(point.to_owned()))
            }
        };
        let sql = "SELECT device_id, point, ts, num_value, value FROM telemetry_points
                   WHERE tenant_id = $1 AND device_id = $2 AND ($3 IS NULL OR point = $3) AND ts >= $4 AND ts < $5
                   AND ($6 IS NULL OR ts > $6 OR (ts = $6 AND point > $7))
                   ORDER BY ts, point LIMIT $8";
        let rows = on_read!(self, p => sqlx::query(sql)
            .bind(tenant.as_str()).bind(q.device_id.as_uuid()).bind(&q.point).bind(q.from).bind(q.to)
            .bind(after_ts).bind(after_point).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(point_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |r| format!("{}|{}", r.ts.to_rfc3339(), r.point)))
    }

    async fn numeric_samples(
        &self,
        tenant: &TenantId,
        q: &PointQuery,
        max: u32,
    ) -> Result<Option<Vec<(String, DateTime<Utc>, f64)>>, RepoError> {
        let sql = "SELECT point, ts, num_value FROM telemetry_points
                   WHERE tenant_id = $1 AND device_id = $2 AND ($3 IS NULL OR point = $3) AND ts >= $4 AND ts < $5
                   AND num_value IS NOT NULL ORDER BY point, ts LIMIT $6";
        let rows: Vec<(String, DateTime<Utc>, f64)> = on_read!(self, p => sqlx::query(sql)
            .bind(tenant.as_str()).bind(q.device_id.as_uuid()).bind(&q.point).bind(q.from).bind(q.to).bind(i64::from(max) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok((r.text("point")?, r.time("ts")?, r.float("num_value")?)))
            .collect::<Result<_, RepoError>>()?);
        Ok((rows.len() <= max as usize).then_some(rows))
    }

    async fn latest_for_station(&self, tenant: &TenantId, station: StationId) -> Result<Vec<PointRow>, RepoError> {
        let sql = "SELECT l.device_id, l.point, l.ts, l.num_value, l.value FROM telemetry_latest l
                   JOIN devices d ON d.id = l.device_id AND d.tenant_id = l.tenant_id
                   WHERE l.tenant_id = $1 AND d.station_id = $2 ORDER BY l.device_id, l.point";
        on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(point_from_row).collect())
    }

    async fn stored_raw_keys(&self, tenant: &TenantId, device: DeviceId) -> Result<Vec<UnmappedKey>, RepoError> {
        let sql = "SELECT point, COUNT(*) AS n, MAX(ts) AS last_ts FROM telemetry_points
                   WHERE tenant_id = $1 AND device_id = $2 AND point = raw_key GROUP BY point ORDER BY point";
        on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(device.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok(UnmappedKey { raw_key: r.text("point")?, points: r.int("n")?, last_ts: r.time("last_ts")? }))
            .collect())
    }

    async fn list_unrouted(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<UnroutedPoint>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = "SELECT id, device, device_type, ts, raw_key, value, reason FROM telemetry_unrouted
                   WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3";
        let rows = on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(cursor).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok((r.uuid("id")?, unrouted_from_row(r)?))).collect::<Result<Vec<_>, RepoError>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |(id, _)| id.to_string()).map(|(_, u)| u))
    }

    /// Devices that quarantined points name (by name or ThingsBoard id) although the device
    /// exists by now, at most `max`: points that arrived while the device was being provisioned.
    async fn quarantined_known_devices(&self, max: u32) -> Result<Vec<(TenantId, DeviceId)>, RepoError> {
        let sql = "SELECT DISTINCT d.tenant_id, d.id FROM telemetry_unrouted u
                   JOIN devices d ON d.tenant_id = u.tenant_id AND (d.name = u.device OR d.tb_device_id = u.device)
                   LIMIT $1";
        let rows = on_read!(self, p => sqlx::query(sql).bind(i64::from(max)).fetch_all(p).await.map_err(db_err)?
            .iter().map(|r| Ok((r.text("tenant_id")?, r.uuid("id")?))).collect::<Result<Vec<_>, RepoError>>()?);
        rows.into_iter()
            .map(|(t, id)| {
                Ok((TenantId::parse(&t).map_err(|e| RepoError::Backend(e.to_string()))?, DeviceId::from_uuid(id)))
            })
            .collect()
    }
}
