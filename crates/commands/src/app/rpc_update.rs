//! Persistent-RPC state messages forwarded by the platform advance their command; a message
//! for an RPC id not recorded yet (the dispatcher is still storing it) waits for its command.

use crate::app::record;
use crate::domain::command::Command;
use crate::domain::early::EarlyRpcUpdate;
use crate::domain::ports::CommandTx;
use crate::domain::remote::RemoteRpcState;
use crate::{CommandError, CommandSettings};
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};

/// What became of a forwarded state message.
#[derive(Debug, Clone, PartialEq)]
pub enum RpcUpdateOutcome {
    /// The command of the RPC id, after the message (unchanged for repeats and older states).
    Applied(Box<Command>),
    /// No command carries the id yet but a persistent command is being sent: the message is
    /// kept and applied when the dispatcher records the id (or purged after the TTL).
    Pending,
}

/// Applies a reported state to the tenant's command with `rpc_id` and commits; repeats and
/// older states change nothing. An unknown id is buffered while one of the tenant's
/// persistent commands is being sent (bounded per tenant, expired ones purged first),
/// otherwise refused as unknown.
pub async fn apply_rpc_update<T: CommandTx>(
    mut tx: T,
    tenant: &TenantId,
    rpc_id: &str,
    remote: RemoteRpcState,
    response: Option<serde_json::Value>,
    settings: &CommandSettings,
    now: DateTime<Utc>,
) -> Result<RpcUpdateOutcome, CommandError> {
    tx.lock_rpc_id(tenant, rpc_id).await?;
    let Some(mut command) = tx.command_by_rpc_id(tenant, rpc_id).await? else {
        if !tx.awaiting_rpc_id(tenant, now).await? {
            return Err(CommandError::UnknownRpcId(rpc_id.to_owned()));
        }
        let ttl = chrono::Duration::from_std(settings.early_rpc_ttl).unwrap_or(chrono::Duration::hours(1));
        tx.purge_tenant_early_updates(tenant, now - ttl).await?;
        let max = settings.early_rpc_max_per_tenant;
        if tx.count_early_updates(tenant).await? >= u64::from(max) {
            return Err(CommandError::EarlyUpdatesFull(max, rpc_id.to_owned()));
        }
        let update = EarlyRpcUpdate { status: remote, response, received_at: now };
        tx.buffer_early_update(tenant, rpc_id, &update).await?;
        tx.commit().await?;
        return Ok(RpcUpdateOutcome::Pending);
    };
    let expected = command.state;
    let new = command.apply_remote(remote, response, now)?;
    if new.is_empty() {
        return Ok(RpcUpdateOutcome::Applied(Box::new(command)));
    }
    record::save(&mut tx, &command, expected, &new).await?;
    tx.commit().await?;
    record::count_transitions(&new);
    Ok(RpcUpdateOutcome::Applied(Box::new(command)))
}

/// Deletes early state messages older than the TTL (their RPC id never reached a command);
/// returns how many.
pub async fn purge_early_updates<U: crate::CommandUnits>(
    units: &U,
    settings: &CommandSettings,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    let ttl = chrono::Duration::from_std(settings.early_rpc_ttl).unwrap_or(chrono::Duration::hours(1));
    units.purge_early_updates(now - ttl).await
}
