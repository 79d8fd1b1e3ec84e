//! Reads of the charging statistics: piles with their connectors, and session facts of a range,
//! scoped in SQL by tenant and station scope.

use crate::charging_rows::{charge_point_from_row, connector_from_row, session_from_row};
use crate::charging_rows::{CHARGE_POINT_COLUMNS, CONNECTOR_COLUMNS, SESSION_COLUMNS};
use crate::rows::{db_err, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::Store;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePoint, ChargingStatsQueries, CommandFact, CommandOutcome, Connector, SessionFact};
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

    async fn command_facts(
        &self,
        scope: &Scope,
        station: Option<StationId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CommandFact>, RepoError> {
        let stations = scope.stations.as_ref();
        let station = station.map(|s| s.as_uuid());
        let clause = station_clause("c.station_id", scope.stations.as_deref(), 5);
        // One row per command and per move to sent/succeeded/failed (none: one row of NULLs).
        let sql = format!(
            "SELECT c.seq, c.method, c.state, t.to_state, t.at FROM commands c
             LEFT JOIN command_transitions t ON t.command_id = c.id AND t.tenant_id = c.tenant_id
                  AND t.to_state IN ('sent', 'succeeded', 'failed')
             WHERE c.tenant_id = $1 AND ($2 IS NULL OR c.station_id = $2) AND c.created_at >= $3 AND c.created_at < $4
               AND EXISTS (SELECT 1 FROM charge_points p WHERE p.tenant_id = $1 AND p.device_id = c.device_id){clause}
             ORDER BY c.seq, t.position"
        );
        let rows = on_read!(self, p => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(station)
                .bind(from).bind(to), stations)
            .fetch_all(p).await.map_err(db_err)?.iter().map(command_row).collect::<Result<Vec<_>, _>>()?);
        let mut facts: Vec<(i64, CommandFact)> = Vec::new();
        for (seq, method, outcome, moved) in rows {
            if facts.last().map(|(s, _)| *s) != Some(seq) {
                let fact = CommandFact { method, outcome, sent_at: None, answered_at: None };
                facts.push((seq, fact));
            }
            let Some((_, fact)) = facts.last_mut() else { continue };
            match moved {
                Some((to, at)) if to == "sent" => fact.sent_at = fact.sent_at.or(Some(at)),
                Some((_, at)) => fact.answered_at = fact.answered_at.or(Some(at)),
                None => {}
            }
        }
        Ok(facts.into_iter().map(|(_, f)| f).collect())
    }
}

type CommandRow = (i64, String, CommandOutcome, Option<(String, DateTime<Utc>)>);

fn command_row(r: &impl RowExt) -> Result<CommandRow, RepoError> {
    let outcome = match r.text("state")?.as_str() {
        "succeeded" => CommandOutcome::Succeeded,
        "failed" => CommandOutcome::Failed,
        "timed_out" => CommandOutcome::TimedOut,
        "expired" => CommandOutcome::Expired,
        "cancelled" => CommandOutcome::Cancelled,
        _ => CommandOutcome::Open,
    };
    let moved = match (r.opt_text("to_state")?, r.opt_time("at")?) {
        (Some(to), Some(at)) => Some((to, at)),
        _ => None,
    };
    Ok((r.int("seq")?, r.text("method")?, outcome, moved))
}
