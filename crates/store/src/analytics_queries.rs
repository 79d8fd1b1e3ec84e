//! Analytics outside a unit of work: the scheduler's station lists, jobs, and stats queries.

use crate::analytics::cursor_from_row;
use crate::analytics_rows::{listed_stat_from_row, point_stat_from_row, LIST_COLUMNS, POINT_COLUMNS};
use crate::rows::{db_err, tenant_of, to_u32, RowExt};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_analytics::domain::repository::{AnalyticsScheduling, Job, JobState, StationRef, StatsQuery};
use mgc_analytics::domain::statistic::{PointStat, StationStat};
use mgc_analytics::domain::tracking::StationCursor;
use mgc_analytics::AnalyticsQueries;
use mgc_kernel::{Granularity, JobId, RepoError, StationId, TenantId};
use sqlx::types::Json;

const JOB_COLUMNS: &str =
    "id, tenant_id, kind, params, state, done, total, errors, result, created_by, created_at, started_at, finished_at";

fn job_from_row(r: &impl RowExt) -> Result<Job, RepoError> {
    let state = match r.text("state")?.as_str() {
        "queued" => JobState::Queued,
        "running" => JobState::Running,
        "succeeded" => JobState::Succeeded,
        "failed" => JobState::Failed,
        other => return Err(RepoError::Backend(format!("unknown job state {other}"))),
    };
    Ok(Job {
        id: JobId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        kind: r.text("kind")?,
        params: r.json("params")?,
        state,
        done: to_u32(r.int("done")?, "done").map(u64::from)?,
        total: to_u32(r.int("total")?, "total").map(u64::from)?,
        errors: serde_json::from_value(r.json("errors")?).map_err(|e| RepoError::Backend(e.to_string()))?,
        result: r.opt_text_json("result")?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        started_at: r.opt_time("started_at")?,
        finished_at: r.opt_time("finished_at")?,
    })
}

#[async_trait]
impl AnalyticsScheduling for Store {
    async fn tracked_stations(&self) -> Result<Vec<StationCursor>, RepoError> {
        let sql = "SELECT station_id, tenant_id, time_zone, tracked_from, closed_until FROM analytics_cursors";
        on_read!(self, p => sqlx::query(sql).fetch_all(p).await.map_err(db_err)?.iter().map(cursor_from_row).collect())
    }

    async fn stations_with_dirty_hours(&self) -> Result<Vec<StationRef>, RepoError> {
        let sql = "SELECT DISTINCT tenant_id, station_id FROM analytics_dirty_hours";
        on_read!(self, p => sqlx::query(sql).fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok(StationRef { tenant: tenant_of(r)?, station_id: StationId::from_uuid(r.uuid("station_id")?) }))
            .collect())
    }

    async fn save_job(&self, j: &Job) -> Result<(), RepoError> {
        let sql = format!(
            "INSERT INTO jobs ({JOB_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             ON CONFLICT (id) DO UPDATE SET params = excluded.params, state = excluded.state, done = excluded.done,
             total = excluded.total, errors = excluded.errors, result = excluded.result,
             started_at = excluded.started_at, finished_at = excluded.finished_at"
        );
        on_write!(self, p => sqlx::query(&sql).bind(j.id.as_uuid()).bind(j.tenant.as_str()).bind(&j.kind)
            .bind(Json(&j.params)).bind(j.state.as_str()).bind(j.done as i64).bind(j.total as i64)
            .bind(Json(&j.errors)).bind(j.result.as_ref().map(Json)).bind(&j.created_by).bind(j.created_at)
            .bind(j.started_at).bind(j.finished_at).execute(p).await.map_err(db_err).map(|_| ()))
    }

    async fn claim_job(&self, kind: &str, at: DateTime<Utc>) -> Result<Option<Job>, RepoError> {
        // One statement: a concurrent runner on another instance cannot claim the same job.
        let sql = format!(
            "UPDATE jobs SET state = 'running', started_at = $2 WHERE id = (SELECT id FROM jobs
             WHERE kind = $1 AND state = 'queued' ORDER BY created_at LIMIT 1) AND state = 'queued'
             RETURNING {JOB_COLUMNS}"
        );
        on_write!(self, p => sqlx::query(&sql).bind(kind).bind(at).fetch_optional(p).await.map_err(db_err)?
            .as_ref().map(job_from_row).transpose())
    }
}

#[async_trait]
impl AnalyticsQueries for Store {
    async fn station_stats(&self, tenant: &TenantId, q: &StatsQuery) -> Result<Vec<StationStat>, RepoError> {
        let current = if q.all_versions { "" } else { " AND is_current" };
        // Hours are built from raw samples, not from other statistics: they have no sources.
        let with_sources = q.granularity != Granularity::Hour;
        let columns = if with_sources { format!("{LIST_COLUMNS}, sources") } else { LIST_COLUMNS.to_owned() };
        let order = if q.all_versions { "period_start, version" } else { "period_start" };
        // The granularity is one of four fixed words, written into the statement so that the
        // prepared plan of each granularity is the partial index's range scan (a generic plan
        // for a bound granularity can prefer a bitmap scan and a sort).
        let sql = format!(
            "SELECT {columns} FROM stat_station WHERE station_id = $1 AND granularity = '{}'
             AND period_start >= $2 AND period_start < $3{current} AND tenant_id = $4 ORDER BY {order}",
            q.granularity.as_str()
        );
        on_read!(self, p => sqlx::query(&sql).bind(q.station.as_uuid())
            .bind(q.range.start).bind(q.range.end).bind(tenant.as_str()).fetch_all(p).await.map_err(db_err)?
            .iter().map(|r| listed_stat_from_row(r, tenant, q.station, q.granularity, with_sources)).collect())
    }

    async fn point_stats(&self, tenant: &TenantId, q: &StatsQuery) -> Result<Vec<PointStat>, RepoError> {
        let current = if q.all_versions { "" } else { " AND is_current" };
        let sql = format!(
            "SELECT {POINT_COLUMNS} FROM stat_point WHERE station_id = $1 AND granularity = $2
             AND period_start >= $3 AND period_start < $4{current} AND tenant_id = $5
             AND ($6 IS NULL OR device_id = $6) AND ($7 IS NULL OR point = $7)
             ORDER BY period_start, device_id, point, version"
        );
        on_read!(self, p => sqlx::query(&sql).bind(q.station.as_uuid()).bind(q.granularity.as_str())
            .bind(q.range.start).bind(q.range.end).bind(tenant.as_str())
            .bind(q.device.map(|d| d.as_uuid())).bind(q.point.as_deref())
            .fetch_all(p).await.map_err(db_err)?.iter().map(point_stat_from_row).collect())
    }

    async fn job(&self, tenant: &TenantId, id: JobId) -> Result<Option<Job>, RepoError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2");
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()).fetch_optional(p).await
            .map_err(db_err)?.as_ref().map(job_from_row).transpose())
    }

    async fn stats_revision(&self, tenant: &TenantId, station: StationId) -> Result<i64, RepoError> {
        let sql = "SELECT revision FROM station_stats_revisions WHERE station_id = $1 AND tenant_id = $2";
        on_read!(self, p => Ok(sqlx::query(sql).bind(station.as_uuid()).bind(tenant.as_str()).fetch_optional(p).await
            .map_err(db_err)?.map(|r| r.int("revision")).transpose()?.unwrap_or(0)))
    }
}
