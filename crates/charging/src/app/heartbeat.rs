//! Heartbeat: the charge point is alive; answer the CSMS's time.

use crate::app::arrival::{arrive, Needs};
use crate::{ChargingError, ChargingTx, OcppIdentity};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Records a Heartbeat of `identity` at `now`, commits, and returns the time to answer.
pub async fn heartbeat<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ChargingError> {
    arrive(&mut tx, tenant, identity, Needs::Known, now).await?;
    tx.commit().await?;
    Ok(now)
}
