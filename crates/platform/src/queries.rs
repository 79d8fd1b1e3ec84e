//! A pile's ports and sessions as a platform reads them (read only: nothing is committed).

use crate::start::resolve;
use crate::{DeviceRef, OrderRepository, PlatformError, PlatformUnits};
use mgc_charging::{ChargePoint, ChargingSession, Connector, SessionId};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::Scope;

/// Every port the pile `device` names has reported, by number (0 is the pile as a whole).
pub async fn ports<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
) -> Result<(ChargePoint, Vec<Connector>), PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    let connectors = tx.connectors_of(&scope.tenant, cp.id).await?;
    Ok((cp, connectors))
}

/// The sessions of the pile `device` names, newest first; the cursor is the last session's id.
pub async fn sessions<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    page: &PageRequest,
) -> Result<Page<ChargingSession>, PlatformError> {
    let before =
        match page.cursor.as_deref() {
            None => None,
            Some(c) => Some(c.parse::<SessionId>().map_err(|_| {
                PlatformError::invalid("cursor", format!("'{c}' is not a cursor this service returned"))
            })?),
        };
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    let found = tx.sessions_of(&scope.tenant, cp.id, before, page.limit.saturating_add(1)).await?;
    Ok(Page::from_overfetch(found, page.limit, |s| s.id.to_string()))
}
