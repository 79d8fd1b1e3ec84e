//! Strategy repositories on the unit of work: strategies and their versions, slot claims,
//! last-sent set-points and executions.

use crate::rows::{db_err, RowExt};
use crate::strategy_rows::{actuator_name, json_of, last_sent_from_row, site_of, strategy_from_row, STRATEGY_COLUMNS};
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, StationId, TenantId};
use mgc_strategy::{
    Actuator, Execution, LastSent, StationSite, Strategy, StrategyId, StrategyRepository, StrategyUnits,
};
use sqlx::types::Json;

#[async_trait]
impl StrategyRepository for StoreTx {
    async fn strategy(&mut self, tenant: &TenantId, id: StrategyId) -> Result<Option<Strategy>, RepoError> {
        let sql = format!("SELECT {STRATEGY_COLUMNS} FROM strategies WHERE tenant_id = $1 AND id = $2");
        on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(strategy_from_row).transpose())
    }

    async fn save_strategy(
        &mut self,
        s: &Strategy,
        is_new: bool,
        next_due_at: Option<DateTime<Utc>>,
    ) -> Result<(), RepoError> {
        let sql = if is_new {
            format!(
                "INSERT INTO strategies ({STRATEGY_COLUMNS}, next_due_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, COALESCE($15, $14))"
            )
        } else {
            "UPDATE strategies SET station_id = $3, name = $4, type = $5, params = $6, enabled = $7, version = $8,
             targets = $9, deadband_w = $10, command_timeout_s = $11, deleted_at = $12, created_at = $13,
             updated_at = $14, next_due_at = COALESCE($15, next_due_at) WHERE id = $1 AND tenant_id = $2"
                .to_owned()
        };
        let params = json_of(&s.params)?;
        let targets = s.targets.as_ref().map(json_of).transpose()?;
        let snapshot = json_of(s)?;
        on_tx!(self, c => {
            sqlx::query(&sql)
                .bind(s.id.as_uuid()).bind(s.tenant.as_str()).bind(s.station_id.as_uuid()).bind(&s.name)
                .bind(s.params.type_name()).bind(Json(&params)).bind(s.enabled).bind(s.version)
                .bind(targets.as_ref().map(Json)).bind(s.deadband_w).bind(i64::from(s.command_timeout_s))
                .bind(s.deleted_at).bind(s.created_at).bind(s.updated_at).bind(next_due_at)
                .execute(&mut *c).await.map_err(db_err)?;
            sqlx::query("INSERT INTO strategy_versions (strategy_id, version, tenant_id, snapshot, created_at)
                         VALUES ($1, $2, $3, $4, $5)")
                .bind(s.id.as_uuid()).bind(s.version).bind(s.tenant.as_str()).bind(Json(&snapshot)).bind(s.updated_at)
                .execute(&mut *c).await.map_err(db_err)?;
        });
        Ok(())
    }

    async fn station_site(&mut self, tenant: &TenantId, station: StationId) -> Result<Option<StationSite>, RepoError> {
        let (zone, devices) = on_tx!(self, c => {
            let zone: Option<String> = sqlx::query_scalar("SELECT time_zone FROM stations WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str()).bind(station.as_uuid()).fetch_optional(&mut *c).await.map_err(db_err)?;
            let devices = sqlx::query("SELECT id, kind FROM devices WHERE tenant_id = $1 AND station_id = $2 ORDER BY id")
                .bind(tenant.as_str()).bind(station.as_uuid()).fetch_all(&mut *c).await.map_err(db_err)?
                .iter().map(|r| Ok((r.uuid("id")?, r.text("kind")?))).collect::<Result<Vec<_>, RepoError>>()?;
            (zone, devices)
        });
        site_of(zone, devices)
    }

    async fn claim_slot(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        version: i64,
        now: DateTime<Utc>,
        next: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        // PostgreSQL re-checks the condition after a concurrent claim commits, so only one
        // instance moves the slot; SQLite has one writer at a time.
        let sql = "UPDATE strategies SET next_due_at = $1 WHERE id = $2 AND version = $3 AND next_due_at <= $4
                   AND enabled AND deleted_at IS NULL AND tenant_id = $5";
        let done = on_tx!(self, c => sqlx::query(sql).bind(next).bind(id.as_uuid()).bind(version).bind(now).bind(tenant.as_str())
            .execute(&mut *c).await.map_err(db_err)?.rows_affected());
        Ok(done == 1)
    }

    async fn last_sent(&mut self, tenant: &TenantId, id: StrategyId) -> Result<Vec<LastSent>, RepoError> {
        let sql = "SELECT actuator, setpoint, device_ids, execution_id FROM strategy_last_sent
                   WHERE tenant_id = $1 AND strategy_id = $2 ORDER BY actuator";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(id.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(last_sent_from_row).collect())
    }

    async fn save_last_sent(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        last: &LastSent,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO strategy_last_sent (strategy_id, actuator, tenant_id, setpoint, device_ids, execution_id, sent_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (strategy_id, actuator) DO UPDATE SET
                   setpoint = excluded.setpoint, device_ids = excluded.device_ids, execution_id = excluded.execution_id,
                   sent_at = excluded.sent_at";
        let setpoint = json_of(&last.sent.setpoint)?;
        let devices = json_of(&last.sent.device_ids)?;
        on_tx!(self, c => sqlx::query(sql).bind(id.as_uuid()).bind(actuator_name(last.actuator)).bind(tenant.as_str())
            .bind(Json(&setpoint)).bind(Json(&devices)).bind(last.execution_id.as_uuid()).bind(at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn forget_last_sent(
        &mut self,
        tenant: &TenantId,
        id: StrategyId,
        actuator: Actuator,
    ) -> Result<(), RepoError> {
        let sql = "DELETE FROM strategy_last_sent WHERE tenant_id = $1 AND strategy_id = $2 AND actuator = $3";
        on_tx!(self, c => sqlx::query(sql)
            .bind(tenant.as_str()).bind(id.as_uuid()).bind(actuator_name(actuator))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn save_execution(&mut self, tenant: &TenantId, e: &Execution) -> Result<(), RepoError> {
        let sql =
            "INSERT INTO strategy_executions (id, tenant_id, strategy_id, strategy_version, station_id, at, outcome,
                   note, inputs, decision, commands) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        let (inputs, decision, commands) = (json_of(&e.inputs)?, json_of(&e.decision)?, json_of(&e.commands)?);
        on_tx!(self, c => sqlx::query(sql).bind(e.id.as_uuid()).bind(tenant.as_str()).bind(e.strategy_id.as_uuid())
            .bind(e.strategy_version).bind(e.station_id.as_uuid()).bind(e.at).bind(e.outcome.as_str()).bind(&e.note)
            .bind(Json(&inputs)).bind(Json(&decision)).bind(Json(&commands))
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}

#[async_trait]
impl StrategyUnits for Store {
    type Tx = StoreTx;

    async fn begin_strategy_tx(&self) -> Result<StoreTx, RepoError> {
        self.begin().await
    }
}
