//! Analytics repository inside a unit of work: cursors, dirty hours, samples, statistics
//! (counter carries and neighbouring samples in `analytics_carries`).

use crate::analytics_rows::{placeholders, point_stat_from_row, station_stat_from_row, POINT_COLUMNS, STAT_COLUMNS};
use crate::rows::{db_err, tenant_of, RowExt};
use crate::StoreTx;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_analytics::domain::carry::Carries;
use mgc_analytics::domain::hour::DeviceRef;
use mgc_analytics::domain::point_stats::PointKind;
use mgc_analytics::domain::samples::Sample;
use mgc_analytics::domain::statistic::{NewVersion, PointStat, StationStat};
use mgc_analytics::domain::tracking::StationCursor;
use mgc_analytics::AnalyticsRepository;
use mgc_kernel::{DeviceId, Granularity, RepoError, StationId, StationTz, TenantId, Window};
use sqlx::types::Json;
use std::collections::BTreeMap;

const CURSOR_COLUMNS: &str = "station_id, tenant_id, time_zone, tracked_from, closed_until";

pub(crate) fn cursor_from_row(r: &impl RowExt) -> Result<StationCursor, RepoError> {
    Ok(StationCursor {
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        tz: StationTz::parse(&r.text("time_zone")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        tracked_from: r.time("tracked_from")?,
        closed_until: r.time("closed_until")?,
    })
}

/// One series: the last sample before `from`, those in `[from, to)`, the first at or after `to`.
const SERIES_SQL: &str = "SELECT ts, num_value FROM (SELECT ts, num_value FROM telemetry_points
        WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts < $4 AND num_value IS NOT NULL
        ORDER BY ts DESC LIMIT 1) AS before_range
    UNION ALL
    SELECT ts, num_value FROM telemetry_points
        WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts >= $4 AND ts < $5 AND num_value IS NOT NULL
    UNION ALL
    SELECT ts, num_value FROM (SELECT ts, num_value FROM telemetry_points
        WHERE tenant_id = $1 AND device_id = $2 AND point = $3 AND ts >= $5 AND num_value IS NOT NULL
        ORDER BY ts LIMIT 1) AS after_range";

#[async_trait]
impl AnalyticsRepository for StoreTx {
    async fn cursor(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationCursor>, RepoError> {
        let sql = format!("SELECT {CURSOR_COLUMNS} FROM analytics_cursors WHERE tenant_id = $1 AND station_id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(cursor_from_row).transpose())
    }

    async fn save_cursor(&mut self, k: &StationCursor, at: DateTime<Utc>) -> Result<(), RepoError> {
        let sql = "INSERT INTO analytics_cursors (station_id, tenant_id, time_zone, tracked_from, closed_until, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (station_id) DO UPDATE SET time_zone = excluded.time_zone,
                   tracked_from = excluded.tracked_from, closed_until = excluded.closed_until, updated_at = excluded.updated_at";
        on_tx!(self, c => sqlx::query(sql).bind(k.station_id.as_uuid()).bind(k.tenant.as_str()).bind(k.tz.name())
            .bind(k.tracked_from).bind(k.closed_until).bind(at).execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn stations_of(
        &mut self,
        tenant: &TenantId,
        devices: &[DeviceId],
    ) -> Result<Vec<(DeviceId, StationId, StationTz)>, RepoError> {
        let mut out = Vec::with_capacity(devices.len());
        // One statement per 500 devices: a group-committed batch can name many devices.
        for chunk in devices.chunks(500) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT d.id, d.station_id, s.time_zone FROM devices d JOIN stations s ON s.id = d.station_id
                 WHERE d.tenant_id = $1 AND d.id IN ({})",
                list.join(", ")
            );
            let rows: Vec<(DeviceId, StationId, String)> = on_tx!(self, c => {
                let mut q = sqlx::query(&sql).bind(tenant.as_str());
                for device in chunk {
                    q = q.bind(device.as_uuid());
                }
                q.fetch_all(&mut *c).await.map_err(db_err)?.iter()
                    .map(|r| Ok((DeviceId::from_uuid(r.uuid("id")?), StationId::from_uuid(r.uuid("station_id")?), r.text("time_zone")?)))
                    .collect::<Result<Vec<_>, RepoError>>()?
            });
            for (device, station, zone) in rows {
                let tz = StationTz::parse(&zone).map_err(|e| RepoError::Backend(e.to_string()))?;
                out.push((device, station, tz));
            }
        }
        Ok(out)
    }

    async fn station_devices(&mut self, tenant: &TenantId, station: StationId) -> Result<Vec<DeviceRef>, RepoError> {
        let sql = "SELECT id, kind FROM devices WHERE tenant_id = $1 AND station_id = $2 ORDER BY id";
        let rows = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| Ok(DeviceRef { id: DeviceId::from_uuid(r.uuid("id")?), kind: r.text("kind")? }))
            .collect::<Result<Vec<_>, RepoError>>()?);
        Ok(rows)
    }

    async fn samples_around(
        &mut self,
        tenant: &TenantId,
        devices: &[DeviceId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DeviceId, String, Sample)>, RepoError> {
        let mut out = Vec::new();
        for device in devices {
            let points: Vec<String> = on_tx!(self, c => sqlx::query_scalar(
                "SELECT point FROM telemetry_latest WHERE tenant_id = $1 AND device_id = $2 ORDER BY point")
                .bind(tenant.as_str()).bind(device.as_uuid()).fetch_all(&mut *c).await.map_err(db_err)?);
            for point in points.into_iter().filter(|p| PointKind::of(p).is_some()) {
                let rows: Vec<(DateTime<Utc>, f64)> = on_tx!(self, c => sqlx::query_as(SERIES_SQL)
                    .bind(tenant.as_str()).bind(device.as_uuid()).bind(&point).bind(from).bind(to)
                    .fetch_all(&mut *c).await.map_err(db_err)?);
                out.extend(rows.into_iter().map(|(ts, v)| (*device, point.clone(), Sample::new(ts, v))));
            }
        }
        Ok(out)
    }

    async fn samples_beside(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        points: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, Option<DateTime<Utc>>, Option<DateTime<Utc>>)>, RepoError> {
        crate::analytics_carries::samples_beside(self, tenant, device, points, from, to).await
    }

    async fn meter_carries(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        range: &Window,
    ) -> Result<BTreeMap<DateTime<Utc>, Carries>, RepoError> {
        crate::analytics_carries::meter_carries(self, tenant, station, range).await
    }

    async fn save_meter_carries(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        hours: &[(DateTime<Utc>, Carries)],
    ) -> Result<(), RepoError> {
        crate::analytics_carries::save_meter_carries(self, tenant, station, hours).await
    }

    async fn mark_dirty(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        hours: &[DateTime<Utc>],
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql =
            "INSERT INTO analytics_dirty_hours (station_id, hour_start, tenant_id, marked_at) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (station_id, hour_start) DO UPDATE SET marked_at = excluded.marked_at";
        for hour in hours {
            on_tx!(self, c => sqlx::query(sql).bind(station.as_uuid()).bind(hour).bind(tenant.as_str()).bind(at)
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }

    async fn take_dirty(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        before: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepoError> {
        let select = "SELECT hour_start FROM analytics_dirty_hours WHERE tenant_id = $1 AND station_id = $2
                      AND hour_start < $3 ORDER BY hour_start";
        let delete = "DELETE FROM analytics_dirty_hours WHERE tenant_id = $1 AND station_id = $2 AND hour_start < $3";
        on_tx!(self, c => {
            let hours: Vec<DateTime<Utc>> = sqlx::query_scalar(select).bind(tenant.as_str()).bind(station.as_uuid())
                .bind(before).fetch_all(&mut *c).await.map_err(db_err)?;
            sqlx::query(delete).bind(tenant.as_str()).bind(station.as_uuid()).bind(before)
                .execute(&mut *c).await.map_err(db_err)?;
            Ok(hours)
        })
    }

    async fn current_stats(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        granularity: Granularity,
        range: &Window,
        with_slots: bool,
    ) -> Result<Vec<StationStat>, RepoError> {
        let slots = if with_slots { ", slots" } else { "" };
        let sql = format!(
            "SELECT {STAT_COLUMNS}{slots} FROM stat_station WHERE station_id = $1 AND granularity = $2
             AND period_start >= $3 AND period_start < $4 AND is_current AND tenant_id = $5 ORDER BY period_start"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(station.as_uuid()).bind(granularity.as_str()).bind(range.start)
            .bind(range.end).bind(tenant.as_str()).fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(|r| station_stat_from_row(r, with_slots)).collect())
    }

    async fn current_point_stats(
        &mut self,
        tenant: &TenantId,
        station: StationId,
        granularity: Granularity,
        range: &Window,
    ) -> Result<Vec<PointStat>, RepoError> {
        let sql = format!(
            "SELECT {POINT_COLUMNS} FROM stat_point WHERE station_id = $1 AND granularity = $2
             AND period_start >= $3 AND period_start < $4 AND is_current AND tenant_id = $5
             ORDER BY period_start, device_id, point"
        );
        on_tx!(self, c => sqlx::query(&sql).bind(station.as_uuid()).bind(granularity.as_str()).bind(range.start)
            .bind(range.end).bind(tenant.as_str()).fetch_all(&mut *c).await.map_err(db_err)?.iter()
            .map(point_stat_from_row).collect())
    }

    async fn save_stats(&mut self, versions: &[NewVersion]) -> Result<(), RepoError> {
        let key = "station_id = $1 AND granularity = $2 AND period_start = $3 AND is_current";
        let retire_stat = format!("UPDATE stat_station SET is_current = FALSE WHERE {key}");
        let retire_points = format!("UPDATE stat_point SET is_current = FALSE WHERE {key}");
        for s in versions.iter().filter(|v| v.replaces).map(|v| &v.stat) {
            on_tx!(self, c => {
                for sql in [&retire_stat, &retire_points] {
                    sqlx::query(sql).bind(s.station_id.as_uuid()).bind(s.granularity.as_str()).bind(s.window.start)
                        .execute(&mut *c).await.map_err(db_err)?;
                }
            });
        }
        for chunk in versions.chunks(100) {
            let sql =
                format!("INSERT INTO stat_station ({STAT_COLUMNS}, slots) VALUES {}", placeholders(chunk.len(), 20));
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for s in chunk.iter().map(|v| &v.stat) {
                    let e = &s.energy;
                    q = q.bind(s.station_id.as_uuid()).bind(s.granularity.as_str()).bind(s.window.start)
                        .bind(i64::from(s.version)).bind(s.tenant.as_str()).bind(s.window.end).bind(&s.period).bind(true)
                        .bind(e.grid_import_wh).bind(e.grid_export_wh).bind(e.pv_generation_wh).bind(e.battery_charge_wh)
                        .bind(e.battery_discharge_wh).bind(e.load_wh).bind(e.charging_wh).bind(s.coverage).bind(&s.quality)
                        .bind(Json(&s.sources)).bind(s.calculated_at).bind(Json(&s.slots));
                }
                q.execute(&mut *c).await.map_err(db_err)?;
            });
        }
        let points: Vec<(&StationStat, &PointStat)> =
            versions.iter().flat_map(|v| v.points.iter().map(move |p| (&v.stat, p))).collect();
        for chunk in points.chunks(500) {
            let sql = format!("INSERT INTO stat_point ({POINT_COLUMNS}) VALUES {}", placeholders(chunk.len(), 19));
            on_tx!(self, c => {
                let mut q = sqlx::query(&sql);
                for (s, p) in chunk {
                    let f = &p.figures;
                    q = q.bind(s.station_id.as_uuid()).bind(p.granularity.as_str()).bind(p.window.start)
                        .bind(p.device_id.as_uuid()).bind(&p.point).bind(i64::from(p.version)).bind(s.tenant.as_str())
                        .bind(p.window.end).bind(&p.period).bind(true).bind(f.count).bind(f.min).bind(f.max)
                        .bind(f.mean).bind(f.first).bind(f.last).bind(f.energy_wh).bind(f.coverage).bind(&f.quality);
                }
                q.execute(&mut *c).await.map_err(db_err)?;
            });
        }
        bump_revisions(self, versions).await
    }

    async fn forget_station(&mut self, tenant: &TenantId, station: StationId) -> Result<(), RepoError> {
        on_tx!(self, c => {
            for table in ["analytics_dirty_hours", "analytics_meter_carries", "analytics_cursors"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND station_id = $2"))
                    .bind(tenant.as_str()).bind(station.as_uuid()).execute(&mut *c).await.map_err(db_err)?;
            }
        });
        Ok(())
    }
}

/// Bumps the statistics revision of every station in `versions` (in station order, so two units
/// of work never wait on each other's rows crosswise), in the caller's transaction: a cached
/// stats answer of the station is stale from the commit on.
async fn bump_revisions(tx: &mut StoreTx, versions: &[NewVersion]) -> Result<(), RepoError> {
    let stations: BTreeMap<StationId, &TenantId> =
        versions.iter().map(|v| (v.stat.station_id, &v.stat.tenant)).collect();
    let sql = "INSERT INTO station_stats_revisions (station_id, tenant_id, revision) VALUES ($1, $2, 1)
               ON CONFLICT (station_id) DO UPDATE SET revision = station_stats_revisions.revision + 1";
    for (station, tenant) in stations {
        on_tx!(tx, c => sqlx::query(sql).bind(station.as_uuid()).bind(tenant.as_str()).execute(&mut *c).await
            .map_err(db_err).map(|_| ())?);
    }
    Ok(())
}
