//! Read side of strategies: lists, versions, executions, due strategies, stations' devices and
//! the latest readings of a station (telemetry_latest joined with the devices' kinds).

use crate::rows::{db_err, parse_cursor, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::strategy_rows::{
    corrupt, execution_from_row, site_of, strategy_from_row, EXECUTION_COLUMNS, STRATEGY_COLUMNS,
};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{RepoError, Scope, StationId, TenantId};
use mgc_strategy::{
    DeviceReading, Execution, ExecutionId, LatestReadings, StationSite, Strategy, StrategyFilter, StrategyId,
    StrategyQueries,
};

#[async_trait]
impl StrategyQueries for Store {
    async fn get_strategy(&self, scope: &Scope, id: StrategyId) -> Result<Option<Strategy>, RepoError> {
        let sql = format!(
            "SELECT {STRATEGY_COLUMNS} FROM strategies WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(id.as_uuid()), scope.station_list())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(strategy_from_row).transpose())
    }

    async fn list_strategies(
        &self,
        scope: &Scope,
        f: &StrategyFilter,
        page: &PageRequest,
    ) -> Result<Page<Strategy>, RepoError> {
        let tenant = &scope.tenant;
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {STRATEGY_COLUMNS} FROM strategies WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2 IS NULL OR id < $2)
             AND ($3 IS NULL OR station_id = $3) AND ($4 IS NULL OR type = $4) AND ($5 IS NULL OR enabled = $5){}
             ORDER BY id DESC LIMIT $6",
            station_clause("station_id", scope.station_list(), 7)
        );
        let rows = on_read!(self, p => {
            let q = sqlx::query(&sql).bind(tenant.as_str()).bind(cursor).bind(f.station_id.map(|s| s.as_uuid()))
                .bind(f.type_name.as_deref()).bind(f.enabled).bind(i64::from(page.limit) + 1);
            bind_stations!(q, scope.station_list()).fetch_all(p).await.map_err(db_err)?.iter().map(strategy_from_row).collect::<Result<Vec<_>, _>>()?
        });
        Ok(Page::from_overfetch(rows, page.limit, |s| s.id.to_string()))
    }

    async fn strategy_versions(&self, tenant: &TenantId, id: StrategyId) -> Result<Vec<Strategy>, RepoError> {
        let sql = "SELECT snapshot FROM strategy_versions WHERE tenant_id = $1 AND strategy_id = $2 ORDER BY version";
        let snapshots = on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| r.json("snapshot")).collect::<Result<Vec<_>, _>>()?);
        snapshots.into_iter().map(|v| serde_json::from_value(v).map_err(|e| corrupt("strategy version", e))).collect()
    }

    async fn list_executions(
        &self,
        tenant: &TenantId,
        id: StrategyId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Page<Execution>, RepoError> {
        let cursor = parse_cursor(page.cursor.as_deref())?;
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM strategy_executions WHERE tenant_id = $1 AND strategy_id = $2
             AND ($3 IS NULL OR id < $3) AND ($4 IS NULL OR at >= $4) AND ($5 IS NULL OR at < $5)
             ORDER BY id DESC LIMIT $6"
        );
        let rows = on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()).bind(cursor)
            .bind(from).bind(to).bind(i64::from(page.limit) + 1)
            .fetch_all(p).await.map_err(db_err)?.iter().map(execution_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(Page::from_overfetch(rows, page.limit, |e| e.id.to_string()))
    }

    async fn execution(
        &self,
        tenant: &TenantId,
        id: StrategyId,
        execution: ExecutionId,
    ) -> Result<Option<Execution>, RepoError> {
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM strategy_executions WHERE tenant_id = $1 AND strategy_id = $2 AND id = $3"
        );
        on_read!(self, p => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid()).bind(execution.as_uuid())
            .fetch_optional(p).await.map_err(db_err)?.as_ref().map(execution_from_row).transpose())
    }

    async fn due_strategies(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Strategy>, RepoError> {
        let sql = format!(
            "SELECT {STRATEGY_COLUMNS} FROM strategies WHERE enabled AND deleted_at IS NULL AND next_due_at <= $1
             ORDER BY next_due_at, id LIMIT $2"
        );
        on_read!(self, p => sqlx::query(&sql).bind(now).bind(i64::from(limit))
            .fetch_all(p).await.map_err(db_err)?.iter().map(strategy_from_row).collect())
    }

    async fn site_of(&self, tenant: &TenantId, station: StationId) -> Result<Option<StationSite>, RepoError> {
        let (zone, devices) = on_read!(self, p => {
            let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM stations WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(station.as_uuid()).fetch_optional(p).await.map_err(db_err)?;
            let devices = sqlx::query("SELECT id, kind FROM devices WHERE tenant_id = $1 AND station_id = $2 ORDER BY id")
                .bind(tenant.as_str()).bind(station.as_uuid()).fetch_all(p).await.map_err(db_err)?
                .iter().map(|r| Ok((r.uuid("id")?, r.text("kind")?))).collect::<Result<Vec<_>, RepoError>>()?;
            (zone, devices)
        });
        site_of(zone, devices)
    }
}

#[async_trait]
impl LatestReadings for Store {
    async fn latest_readings(&self, tenant: &TenantId, station: StationId) -> Result<Vec<DeviceReading>, RepoError> {
        let sql = "SELECT d.id, d.kind, l.point, l.ts, l.num_value FROM telemetry_latest l
                   JOIN devices d ON d.tenant_id = l.tenant_id AND d.id = l.device_id
                   WHERE l.tenant_id = $1 AND d.station_id = $2 AND l.num_value IS NOT NULL ORDER BY d.id, l.point";
        on_read!(self, p => sqlx::query(sql).bind(tenant.as_str()).bind(station.as_uuid())
            .fetch_all(p).await.map_err(db_err)?.iter()
            .map(|r| Ok(DeviceReading {
                kind: r.text("kind")?,
                device_id: r.uuid("id")?.to_string(),
                point: r.text("point")?,
                value: r.float("num_value")?,
                ts: r.time("ts")?,
            }))
            .collect())
    }
}
