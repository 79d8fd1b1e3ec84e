//! Several `mgc serve` processes on one database: the lease of each process
//! (`cluster_instances`) and the directory of device connections (`device_connections`) that
//! the command claim consults (only the live holder of a device's connection claims its
//! commands).

use crate::rows::db_err;
use crate::tx::TxConn;
use crate::{Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_commands::{ConnectionRecords, ConnectionTicket};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, TenantId};

/// The PostgreSQL channel that wakes the holder of a device when a command to it is issued
/// (payload: the holder id).
pub const DEVICE_COMMANDS_CHANNEL: &str = "mgc_device_commands";

/// What a round of [`Store::reap_instances`] released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reaped {
    /// Processes whose lease ran out.
    pub instances: u64,
    /// Device connections they held.
    pub connections: u64,
    /// Pending commands and outbox events they had claimed (due again at once).
    pub claims: u64,
}

/// The directory clause of the command claim (`mgc_commands::may_claim`): inside the claim's
/// `SELECT ... FROM commands c`, with the claiming holder as `$1` and `now` as `$3`, a row
/// exists when another process alive at `now` holds the connection of `c`'s device.
pub(crate) const HELD_ELSEWHERE: &str =
    "SELECT 1 FROM device_connections dc JOIN cluster_instances ci ON ci.holder = dc.holder
    WHERE dc.tenant_id = c.tenant_id AND dc.protocol = c.protocol AND dc.target = c.target
    AND dc.holder <> $1 AND ci.lease_until >= $3";

/// Rows of dead holders: no live lease in `cluster_instances` at `$1`.
const DEAD_HOLDER: &str =
    "NOT EXISTS (SELECT 1 FROM cluster_instances i WHERE i.holder = {col} AND i.lease_until >= $1)";

fn dead(col: &str) -> String {
    DEAD_HOLDER.replace("{col}", col)
}

impl Store {
    /// Records process `holder` (of `[outbox] instance_id` `instance`) as alive until `until`.
    pub async fn join_cluster(
        &self,
        holder: &str,
        instance: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO cluster_instances (holder, instance_id, started_at, lease_until) VALUES ($1, $2, $3, $4)
                   ON CONFLICT (holder) DO UPDATE SET lease_until = excluded.lease_until";
        on_write!(self, p => sqlx::query(sql).bind(holder).bind(instance).bind(now).bind(until)
            .execute(p).await.map_err(db_err).map(|_| ()))
    }

    /// Extends the lease of `holder` to `until` if it is still alive at `now`; false when it
    /// ran out (or was reaped): the process must [`Self::join_cluster`] again and record its
    /// connections again, since other instances may have released them.
    pub async fn renew_instance_lease(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let sql = "UPDATE cluster_instances SET lease_until = $2 WHERE holder = $1 AND lease_until >= $3";
        on_write!(self, p => sqlx::query(sql).bind(holder).bind(until).bind(now)
            .execute(p).await.map_err(db_err).map(|r| r.rows_affected() == 1))
    }

    /// A clean stop of `holder`: removes its lease and the device connections it still records.
    pub async fn leave_cluster(&self, holder: &str) -> Result<(), RepoError> {
        let mut tx = self.begin().await?;
        for sql in
            ["DELETE FROM device_connections WHERE holder = $1", "DELETE FROM cluster_instances WHERE holder = $1"]
        {
            on_tx!(tx, c => sqlx::query(sql).bind(holder).execute(&mut *c).await.map_err(db_err)?.rows_affected());
        }
        tx.commit().await
    }

    /// Holder ids of the processes alive at `now`, oldest first.
    pub async fn live_instances(&self, now: DateTime<Utc>) -> Result<Vec<String>, RepoError> {
        let sql = "SELECT holder FROM cluster_instances WHERE lease_until >= $1 ORDER BY started_at, holder";
        on_read!(self, p => sqlx::query_scalar::<_, String>(sql).bind(now).fetch_all(p).await.map_err(db_err))
    }

    /// Releases at `now` what processes whose lease ran out held: their device connections
    /// (the devices reconnect elsewhere), their claims on pending commands and outbox events
    /// (due again at once, not at the claims' own lease end), then their lease rows.
    pub async fn reap_instances(&self, now: DateTime<Utc>) -> Result<Reaped, RepoError> {
        let connections = format!("DELETE FROM device_connections WHERE {}", dead("device_connections.holder"));
        let dead_claims = "lease_owner IN (SELECT d.holder FROM cluster_instances d WHERE d.lease_until < $1)";
        let commands = format!(
            "UPDATE commands SET lease_owner = NULL, lease_until = NULL WHERE state = 'pending' AND {dead_claims}"
        );
        let events = format!(
            "UPDATE outbox_events SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending' AND {dead_claims}"
        );
        let instances = "DELETE FROM cluster_instances WHERE lease_until < $1";
        let mut tx = self.begin().await?;
        let mut done = Vec::with_capacity(4);
        for sql in [connections.as_str(), commands.as_str(), events.as_str(), instances] {
            done.push(
                on_tx!(tx, c => sqlx::query(sql).bind(now).execute(&mut *c).await.map_err(db_err)?.rows_affected()),
            );
        }
        tx.commit().await?;
        Ok(Reaped { connections: done[0], claims: done[1] + done[2], instances: done[3] })
    }

    /// The holder recorded for the tenant's device addressed as `target` on `protocol`.
    pub async fn device_holder(
        &self,
        tenant: &TenantId,
        protocol: &str,
        target: &str,
    ) -> Result<Option<String>, RepoError> {
        let sql = "SELECT holder FROM device_connections WHERE tenant_id = $1 AND protocol = $2 AND target = $3";
        on_read!(self, p => sqlx::query_scalar::<_, String>(sql).bind(tenant.as_str()).bind(protocol).bind(target)
            .fetch_optional(p).await.map_err(db_err))
    }
}

impl StoreTx {
    /// On PostgreSQL, wakes (on commit) the process holding the connection of the device a
    /// command was just issued to, wherever it runs; nothing when no process holds it.
    pub(crate) async fn notify_device_holder(
        &mut self,
        tenant: &TenantId,
        protocol: &str,
        target: &str,
    ) -> Result<(), RepoError> {
        if let TxConn::Postgres(t) = &mut self.conn {
            let sql = format!(
                "SELECT pg_notify('{DEVICE_COMMANDS_CHANNEL}', holder) FROM device_connections
                 WHERE tenant_id = $1 AND protocol = $2 AND target = $3"
            );
            sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(protocol)
                .bind(target)
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }
}

#[async_trait]
impl ConnectionRecords for Store {
    async fn hold_connection(&self, holder: &str, ticket: &ConnectionTicket) -> Result<(), RepoError> {
        let d = &ticket.device;
        let sql = "INSERT INTO device_connections (tenant_id, protocol, target, holder, connection_id, connected_at)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (tenant_id, protocol, target) DO UPDATE SET holder = excluded.holder,
                       connection_id = excluded.connection_id, connected_at = excluded.connected_at";
        on_write!(self, p => sqlx::query(sql).bind(d.tenant.as_str()).bind(&d.protocol).bind(&d.target).bind(holder)
            .bind(ticket.connection.as_uuid()).bind(ticket.connected_at)
            .execute(p).await.map_err(db_err).map(|_| ()))
    }

    async fn restore_connection(
        &self,
        holder: &str,
        ticket: &ConnectionTicket,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        let d = &ticket.device;
        // $1 is `now` so that the dead-holder clause reads the same as in the reaper.
        let sql = format!(
            "INSERT INTO device_connections (tenant_id, protocol, target, holder, connection_id, connected_at)
             VALUES ($2, $3, $4, $5, $6, $7)
             ON CONFLICT (tenant_id, protocol, target) DO UPDATE SET holder = excluded.holder,
                 connection_id = excluded.connection_id, connected_at = excluded.connected_at
             WHERE device_connections.holder = excluded.holder OR {}",
            dead("device_connections.holder")
        );
        on_write!(self, p => sqlx::query(&sql).bind(now).bind(d.tenant.as_str()).bind(&d.protocol).bind(&d.target)
            .bind(holder).bind(ticket.connection.as_uuid()).bind(ticket.connected_at)
            .execute(p).await.map_err(db_err).map(|r| r.rows_affected() == 1))
    }

    async fn release_connection(&self, ticket: &ConnectionTicket) -> Result<bool, RepoError> {
        let d = &ticket.device;
        let delete = "DELETE FROM device_connections
                      WHERE tenant_id = $1 AND protocol = $2 AND target = $3 AND connection_id = $4";
        let deleted = on_write!(self, p => sqlx::query(delete).bind(d.tenant.as_str()).bind(&d.protocol)
            .bind(&d.target).bind(ticket.connection.as_uuid()).execute(p).await.map_err(db_err)?.rows_affected());
        if deleted == 1 {
            return Ok(true);
        }
        // No row at all (reaped, or never recorded): still the device's last connection.
        Ok(self.device_holder(&d.tenant, &d.protocol, &d.target).await?.is_none())
    }
}
