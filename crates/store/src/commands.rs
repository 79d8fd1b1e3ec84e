//! Command repositories on the unit of work, and the device directory over masterdata.

use crate::commands_rows::{
    attach, command_from_row, json_of, transition_from_row, COMMAND_COLUMNS, TRANSITION_COLUMNS,
};
use crate::rows::{db_err, RowExt};
use crate::scope_sql::{bind_stations, station_clause};
use crate::StoreTx;
use async_trait::async_trait;
use mgc_commands::{Command, CommandId, CommandRepository, CommandState, DeviceDirectory, DeviceTarget, Transition};
use mgc_kernel::{DeviceId, RepoError, Scope, StationId, TenantId};
use sqlx::types::Json;

/// How a command is looked up.
enum Lookup<'a> {
    Id(CommandId),
    Key(&'a str),
    Rpc(&'a str),
}

impl StoreTx {
    /// The tenant's command found by `lookup`, with its transitions.
    async fn command_where(&mut self, tenant: &TenantId, lookup: Lookup<'_>) -> Result<Option<Command>, RepoError> {
        let clause = match lookup {
            Lookup::Id(_) => "id = $2",
            Lookup::Key(_) => "idempotency_key = $2",
            Lookup::Rpc(_) => "rpc_id = $2",
        };
        let sql = format!("SELECT {COMMAND_COLUMNS} FROM commands WHERE tenant_id = $1 AND {clause}");
        let found = on_tx!(self, c => {
            let q = sqlx::query(&sql).bind(tenant.as_str());
            let q = match lookup {
                Lookup::Id(id) => q.bind(id.as_uuid()),
                Lookup::Key(v) | Lookup::Rpc(v) => q.bind(v),
            };
            q.fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(command_from_row).transpose()?
        });
        let Some((_, mut command)) = found else { return Ok(None) };
        let sql = format!(
            "SELECT {TRANSITION_COLUMNS} FROM command_transitions WHERE tenant_id = $1 AND command_id = $2 ORDER BY position"
        );
        let transitions = on_tx!(self, c => sqlx::query(&sql).bind(tenant.as_str()).bind(command.id.as_uuid())
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(transition_from_row).collect::<Result<Vec<_>, _>>()?);
        attach(std::slice::from_mut(&mut command), transitions);
        Ok(Some(command))
    }

    async fn insert_transitions(
        &mut self,
        command: &Command,
        first: usize,
        new: &[Transition],
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO command_transitions (command_id, position, tenant_id, from_state, to_state, at, reason)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        for (i, t) in new.iter().enumerate() {
            let position = i64::try_from(first + i).map_err(|_| RepoError::Invalid("too many transitions".into()))?;
            on_tx!(self, c => sqlx::query(sql).bind(command.id.as_uuid()).bind(position).bind(command.tenant.as_str())
                .bind(t.from.map(|s| s.as_str())).bind(t.to.as_str()).bind(t.at).bind(&t.reason)
                .execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        }
        Ok(())
    }
}

#[async_trait]
impl CommandRepository for StoreTx {
    async fn command(&mut self, tenant: &TenantId, id: CommandId) -> Result<Option<Command>, RepoError> {
        self.command_where(tenant, Lookup::Id(id)).await
    }

    async fn command_by_key(&mut self, tenant: &TenantId, key: &str) -> Result<Option<Command>, RepoError> {
        self.command_where(tenant, Lookup::Key(key)).await
    }

    async fn command_by_rpc_id(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<Option<Command>, RepoError> {
        self.command_where(tenant, Lookup::Rpc(rpc_id)).await
    }

    async fn insert_command(&mut self, c: &Command) -> Result<(), RepoError> {
        let sql = "INSERT INTO commands (id, tenant_id, device_id, station_id, method, params, timeout_s, oneway, parallel,
            persistent, protocol, target, state, origin, idempotency_key, fingerprint, created_at, deadline, updated_at,
            attempts, next_attempt_at, last_error, rpc_id, response, reason, queue_until_online)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)";
        let origin = json_of(&c.origin)?;
        on_tx!(self, conn => sqlx::query(sql)
            .bind(c.id.as_uuid()).bind(c.tenant.as_str()).bind(c.device_id.as_uuid()).bind(c.station_id.as_uuid())
            .bind(&c.method).bind(Json(&c.params)).bind(i64::from(c.timeout_s)).bind(c.options.oneway)
            .bind(c.options.parallel).bind(c.options.persistent).bind(&c.protocol).bind(&c.target).bind(c.state.as_str())
            .bind(Json(&origin)).bind(c.idempotency_key.as_deref()).bind(&c.fingerprint).bind(c.created_at).bind(c.deadline)
            .bind(c.updated_at).bind(i64::from(c.attempts)).bind(c.next_attempt_at).bind(c.last_error.as_deref())
            .bind(c.rpc_id.as_deref()).bind(c.response.as_ref().map(Json)).bind(&c.reason).bind(c.options.queue_until_online)
            .execute(&mut *conn).await.map_err(db_err).map(|_| ())?);
        self.notify_device_holder(&c.tenant, &c.protocol, &c.target).await?;
        self.insert_transitions(c, 0, &c.transitions).await
    }

    async fn save_command(&mut self, c: &Command, expected: CommandState, new: &[Transition]) -> Result<(), RepoError> {
        let sql =
            "UPDATE commands SET state = $3, updated_at = $4, attempts = $5, next_attempt_at = $6, last_error = $7,
            rpc_id = $8, response = $9, reason = $10, lease_owner = NULL, lease_until = NULL
            WHERE tenant_id = $1 AND id = $2 AND state = $11 AND lease_owner IS NOT DISTINCT FROM $12";
        let updated = on_tx!(self, conn => sqlx::query(sql)
            .bind(c.tenant.as_str()).bind(c.id.as_uuid()).bind(c.state.as_str()).bind(c.updated_at)
            .bind(i64::from(c.attempts)).bind(c.next_attempt_at).bind(c.last_error.as_deref()).bind(c.rpc_id.as_deref())
            .bind(c.response.as_ref().map(Json)).bind(&c.reason).bind(expected.as_str()).bind(c.lease_owner.as_deref())
            .execute(&mut *conn).await.map_err(db_err)?.rows_affected());
        if updated != 1 {
            return Err(RepoError::Conflict(format!("command {} changed meanwhile", c.id)));
        }
        let first = c.transitions.len().saturating_sub(new.len());
        self.insert_transitions(c, first, new).await
    }

    async fn release_key(&mut self, tenant: &TenantId, id: CommandId) -> Result<(), RepoError> {
        on_tx!(self, c => sqlx::query("UPDATE commands SET idempotency_key = NULL WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str()).bind(id.as_uuid()).execute(&mut *c).await.map_err(db_err).map(|_| ())?);
        Ok(())
    }
}

#[async_trait]
impl DeviceDirectory for StoreTx {
    async fn device_target(&mut self, scope: &Scope, device: DeviceId) -> Result<Option<DeviceTarget>, RepoError> {
        let sql = format!(
            "SELECT id, station_id, name, protocol, tb_device_id FROM devices WHERE tenant_id = $1 AND id = $2{}",
            station_clause("station_id", scope.station_list(), 3)
        );
        on_tx!(self, c => bind_stations!(sqlx::query(&sql).bind(scope.tenant.as_str()).bind(device.as_uuid()), scope.station_list())
            .fetch_optional(&mut *c).await.map_err(db_err)?.as_ref().map(|r| Ok(DeviceTarget {
                device_id: DeviceId::from_uuid(r.uuid("id")?),
                station_id: StationId::from_uuid(r.uuid("station_id")?),
                name: r.text("name")?,
                protocol: r.text("protocol")?,
                tb_device_id: r.opt_text("tb_device_id")?,
            })).transpose())
    }
}
