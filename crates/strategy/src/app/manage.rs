//! Strategy commands: create, replace (version + 1), enable/disable, soft delete. Each saves the
//! strategy and its new version in one unit of work.

use crate::domain::repository::{StrategyRepository, StrategyTx};
use crate::domain::strategy::{Strategy, StrategyInput};
use crate::StrategyError;
use crate::StrategyId;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// A live (not deleted) strategy of the tenant.
pub async fn live<T: StrategyRepository>(
    tx: &mut T,
    tenant: &TenantId,
    id: StrategyId,
) -> Result<Strategy, StrategyError> {
    tx.strategy(tenant, id).await?.filter(|s| !s.is_deleted()).ok_or(StrategyError::NotFound(id))
}

async fn check_station<T: StrategyRepository>(
    tx: &mut T,
    tenant: &TenantId,
    s: &Strategy,
) -> Result<(), StrategyError> {
    let site = tx.station_site(tenant, s.station_id).await?.ok_or(StrategyError::UnknownStation(s.station_id))?;
    site.check_targets(s.targets.as_ref()).map_err(StrategyError::InvalidTargets)
}

/// Creates a strategy (version 1); when enabled it is due at once.
pub async fn create_strategy<T: StrategyTx>(
    mut tx: T,
    tenant: &TenantId,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<Strategy, StrategyError> {
    let s =
        Strategy::create(StrategyId::new(), tenant.clone(), input, now).map_err(StrategyError::InvalidDefinition)?;
    check_station(&mut tx, tenant, &s).await?;
    tx.save_strategy(&s, true, Some(now)).await?;
    tx.commit().await?;
    Ok(s)
}

/// Replaces a strategy's definition (version + 1); it is due at once.
pub async fn update_strategy<T: StrategyTx>(
    mut tx: T,
    tenant: &TenantId,
    id: StrategyId,
    input: StrategyInput,
    now: DateTime<Utc>,
) -> Result<Strategy, StrategyError> {
    let mut s = live(&mut tx, tenant, id).await?;
    s.revise(input, now).map_err(StrategyError::InvalidDefinition)?;
    check_station(&mut tx, tenant, &s).await?;
    tx.save_strategy(&s, false, Some(now)).await?;
    tx.commit().await?;
    Ok(s)
}

/// Enables or disables a strategy (version + 1 when that changes it). Enabling forgets what
/// was last sent, so the first evaluation sends its set-points whatever the devices did meanwhile.
pub async fn set_strategy_enabled<T: StrategyTx>(
    mut tx: T,
    tenant: &TenantId,
    id: StrategyId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<Strategy, StrategyError> {
    let mut s = live(&mut tx, tenant, id).await?;
    if s.set_enabled(enabled, now) {
        if enabled {
            for last in tx.last_sent(tenant, id).await? {
                tx.forget_last_sent(tenant, id, last.actuator).await?;
            }
        }
        tx.save_strategy(&s, false, enabled.then_some(now)).await?;
        tx.commit().await?;
    }
    Ok(s)
}

/// Soft-deletes a strategy: never evaluated nor listed again; versions and executions stay.
pub async fn delete_strategy<T: StrategyTx>(
    mut tx: T,
    tenant: &TenantId,
    id: StrategyId,
    now: DateTime<Utc>,
) -> Result<(), StrategyError> {
    let mut s = live(&mut tx, tenant, id).await?;
    s.delete(now);
    tx.save_strategy(&s, false, None).await?;
    Ok(tx.commit().await?)
}
