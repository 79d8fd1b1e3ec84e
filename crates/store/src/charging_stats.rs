//! Reads of the charging statistics: piles with their connectors, and session facts of a range,
//! scoped in SQL by tenant and station scope.

use crate::charging_rows::{charge_point_from_row, connector_from_row, session_from_row};
use crate::charging_rows::{CHARGE_POINT_COLUMNS, CONNECTOR_COLUMNS, SESSION_COLUMNS};
use crate::rows::db_err;
use crate::scope_sql::{bind_stations, station_clause};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePoint, ChargingStatsQueries, Connector, SessionFact};
use mgc_kernel::{RepoError, Scope, StationId};

#[async_trait]
impl ChargingStatsQueries for Store {
    async fn fleet(
        &self,
        scope: &Scope,
        station: Option<StationId>,
    ) -> Result<(Vec<ChargePoint>, Vec<Connector>), RepoError> {
        let stations = scope.stations.as_ref();
        let station = station.map(|s| s.as_uuid());
        let clause = station_clause("station_id", scope.stations.as_deref(), 3);
        let sql = format!(
            "SELECT {CHARGE_POINT_COLUMNS} FROM charge_points WHERE tenant_id = $1
             AND ($2 IS NULL OR station_id = $2){clause}"
        );
        let piles = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(station), stations)
            .fetch_all(p).await.map_err(db_err)?.iter().map(charge_point_from_row).collect::<Result<Vec<_>, _>>()?);
        let columns: Vec<String> = CONNECTOR_COLUMNS.split(',').map(|c| format!("c.{}", c.trim())).collect();
        let clause = station_clause("p.station_id", scope.stations.as_deref(), 3);
        let sql = format!(
            "SELECT {} FROM charging_connectors c JOIN charge_points p ON p.id = c.charge_point_id
             WHERE c.tenant_id = $1 AND p.tenant_id = $1 AND ($2 IS NULL OR p.station_id = $2){clause}",
            columns.join(", ")
        );
        let connectors = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(station), stations)
            .fetch_all(p).await.map_err(db_err)?.iter().map(connector_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok((piles, connectors))
    }

    async fn session_facts(
        &self,
        scope: &Scope,
        station: StationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SessionFact>, RepoError> {
        let stations = scope.stations.as_ref();
        let clause = station_clause("station_id", scope.stations.as_deref(), 5);
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM charging_sessions WHERE tenant_id = $1 AND station_id = $2
             AND started_at >= $3 AND started_at < $4{clause}"
        );
        let sessions = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str())
                .bind(station.as_uuid()).bind(from).bind(to), stations)
            .fetch_all(p).await.map_err(db_err)?.iter().map(session_from_row).collect::<Result<Vec<_>, _>>()?);
        Ok(sessions
            .into_iter()
            .map(|s| SessionFact {
                energy: s.energy(),
                started_at: s.started_at,
                stopped_at: s.stopped_at,
                state: s.state,
                stop_reason: s.stop_reason,
            })
            .collect())
    }
}
