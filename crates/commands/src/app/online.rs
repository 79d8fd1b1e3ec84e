//! A device came online: its commands waiting for a retry go now instead of at their backoff.

use crate::domain::ports::CommandUnits;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};

/// The tenant's device addressed as `target` on `protocol` connected at `now`: its pending
/// commands (e.g. waiting with `queue_until_online`) become due; returns how many. The caller
/// wakes the dispatcher when some did.
pub async fn device_online<U: CommandUnits>(
    units: &U,
    tenant: &TenantId,
    protocol: &str,
    target: &str,
    now: DateTime<Utc>,
) -> Result<u64, RepoError> {
    let due = units.make_due(tenant, protocol, target, now).await?;
    if due > 0 {
        tracing::info!(%tenant, protocol, target, commands = due, "device online: its waiting commands are due now");
    }
    Ok(due)
}
