//! Cancelling a pending command.

use crate::app::record;
use crate::domain::command::Command;
use crate::domain::ports::CommandTx;
use crate::{CommandError, CommandId, CommandState};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Cancels a command of the tenant that is pending and not being sent, and commits.
pub async fn cancel<T: CommandTx>(
    mut tx: T,
    tenant: &TenantId,
    id: CommandId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Command, CommandError> {
    let mut command = tx.command(tenant, id).await?.ok_or(CommandError::NotFound(id))?;
    let t = command.cancel(by, now)?;
    let new = [t];
    record::save(&mut tx, &command, CommandState::Pending, &new).await?;
    tx.commit().await?;
    record::count_transitions(&new);
    Ok(command)
}
