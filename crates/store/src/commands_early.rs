//! The buffer of persistent-RPC state messages whose RPC id no command carries yet, and the
//! queue of persistent commands to check with the platform.

use crate::commands_rows::corrupt;
use crate::rows::{db_err, tenant_of, RowExt};
use crate::tx::TxConn;
use crate::{Backend, Store, StoreTx};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_commands::{CommandId, EarlyRpcUpdate, EarlyRpcUpdates, RemoteRpcState, RpcCheck};
use mgc_kernel::{RepoError, TenantId};
use sqlx::types::Json;

#[async_trait]
impl EarlyRpcUpdates for StoreTx {
    async fn lock_rpc_id(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<(), RepoError> {
        // SQLite runs one writing transaction at a time already.
        if let TxConn::Postgres(t) = &mut self.conn {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("mgc_rpc_id:{}:{rpc_id}", tenant.as_str()))
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    async fn awaiting_rpc_id(&mut self, tenant: &TenantId, now: DateTime<Utc>) -> Result<bool, RepoError> {
        let sql = "SELECT 1 AS one FROM commands WHERE tenant_id = $1 AND state = 'pending' AND persistent
                   AND lease_owner IS NOT NULL AND lease_until > $2 LIMIT 1";
        on_tx!(self, c => Ok(sqlx::query(sql).bind(tenant.as_str()).bind(now)
            .fetch_optional(&mut *c).await.map_err(db_err)?.is_some()))
    }

    async fn purge_tenant_early_updates(&mut self, tenant: &TenantId, before: DateTime<Utc>) -> Result<(), RepoError> {
        let sql = "DELETE FROM command_rpc_early_updates WHERE tenant_id = $1 AND received_at < $2";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(before)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn count_early_updates(&mut self, tenant: &TenantId) -> Result<u64, RepoError> {
        let sql = "SELECT COUNT(*) AS n FROM command_rpc_early_updates WHERE tenant_id = $1";
        let n = on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str())
            .fetch_one(&mut *c).await.map_err(db_err)?.int("n")?);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn buffer_early_update(
        &mut self,
        tenant: &TenantId,
        rpc_id: &str,
        u: &EarlyRpcUpdate,
    ) -> Result<(), RepoError> {
        let sql = "INSERT INTO command_rpc_early_updates (tenant_id, rpc_id, status, response, received_at)
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, rpc_id, status) DO NOTHING";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(rpc_id).bind(u.status.as_str())
            .bind(u.response.as_ref().map(Json)).bind(u.received_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }

    async fn take_early_updates(&mut self, tenant: &TenantId, rpc_id: &str) -> Result<Vec<EarlyRpcUpdate>, RepoError> {
        let sql = "DELETE FROM command_rpc_early_updates WHERE tenant_id = $1 AND rpc_id = $2
                   RETURNING status, response, received_at";
        on_tx!(self, c => sqlx::query(sql).bind(tenant.as_str()).bind(rpc_id)
            .fetch_all(&mut *c).await.map_err(db_err)?.iter().map(|r| Ok(EarlyRpcUpdate {
                status: r.text("status")?.parse::<RemoteRpcState>().map_err(|e| corrupt("early RPC status", e))?,
                response: r.opt_text_json("response")?,
                received_at: r.time("received_at")?,
            })).collect())
    }
}

impl Store {
    /// Marks checked and returns quiet persistent commands due for a check with the platform.
    pub(crate) async fn claim_rpc_checks_at(
        &self,
        now: DateTime<Utc>,
        quiet_since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<RpcCheck>, RepoError> {
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE commands SET rpc_checked_at = $1
             WHERE seq IN (SELECT seq FROM commands
                 WHERE state IN ('sent', 'delivered') AND rpc_id IS NOT NULL AND persistent AND deadline > $1
                 AND updated_at <= $2 AND (rpc_checked_at IS NULL OR rpc_checked_at <= $2)
                 ORDER BY updated_at LIMIT $3 {lock})
             RETURNING tenant_id, id, rpc_id, protocol"
        );
        on_write!(self, p => sqlx::query(&sql).bind(now).bind(quiet_since).bind(i64::from(limit))
            .fetch_all(p).await.map_err(db_err)?.iter().map(|r| Ok(RpcCheck {
                tenant: tenant_of(r)?,
                id: CommandId::from_uuid(r.uuid("id")?),
                rpc_id: r.text("rpc_id")?,
                protocol: r.text("protocol")?,
            })).collect())
    }

    /// Deletes buffered early RPC state messages of every tenant received before `before`.
    pub(crate) async fn purge_early_rpc_updates(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let sql = "DELETE FROM command_rpc_early_updates WHERE received_at < $1";
        on_write!(self, p => sqlx::query(sql).bind(before).execute(p).await.map_err(db_err).map(|r| r.rows_affected()))
    }
}
