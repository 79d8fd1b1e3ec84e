//! Persistent-RPC state messages forwarded by the platform advance their command.

use crate::app::record;
use crate::domain::command::Command;
use crate::domain::ports::CommandTx;
use crate::domain::remote::RemoteRpcState;
use crate::CommandError;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Applies a reported state to the tenant's command with `rpc_id` and commits; repeats and
/// older states change nothing.
pub async fn apply_rpc_update<T: CommandTx>(
    mut tx: T,
    tenant: &TenantId,
    rpc_id: &str,
    remote: RemoteRpcState,
    response: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<Command, CommandError> {
    let mut command =
        tx.command_by_rpc_id(tenant, rpc_id).await?.ok_or_else(|| CommandError::UnknownRpcId(rpc_id.to_owned()))?;
    let expected = command.state;
    let new = command.apply_remote(remote, response, now)?;
    if new.is_empty() {
        return Ok(command);
    }
    record::save(&mut tx, &command, expected, &new).await?;
    tx.commit().await?;
    record::count_transitions(&new);
    Ok(command)
}
