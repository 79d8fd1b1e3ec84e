//! Managing the tenant's id tags (the local authorization list and its version).

use crate::{ChargingError, ChargingTx, IdTag, IdToken, LocalAuthorizationList};
use mgc_kernel::TenantId;

/// Adds or replaces a tag of the tenant's list, commits, and returns the list version.
pub async fn put_id_tag<T: ChargingTx>(mut tx: T, tenant: &TenantId, tag: IdTag) -> Result<i32, ChargingError> {
    let mut list = tx.local_list(tenant).await?;
    let before = list.version;
    let version = list.put(tag)?;
    if version != before {
        tx.save_local_list(&list).await?;
        tx.commit().await?;
    }
    Ok(version)
}

/// Removes a tag from the tenant's list, commits, and returns the list version.
pub async fn remove_id_tag<T: ChargingTx>(mut tx: T, tenant: &TenantId, tag: &IdToken) -> Result<i32, ChargingError> {
    let mut list = tx.local_list(tenant).await?;
    let before = list.version;
    let version = list.remove(tag)?;
    if version != before {
        tx.save_local_list(&list).await?;
        tx.commit().await?;
    }
    Ok(version)
}

/// The tenant's current list and version (read only; nothing is committed).
pub async fn current_local_list<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
) -> Result<LocalAuthorizationList, ChargingError> {
    Ok(tx.local_list(tenant).await?)
}
