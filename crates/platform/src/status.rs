//! A port as a platform sees it: the pile, the connector's status, the open session, the order.

use crate::start::resolve;
use crate::{ChargeOrder, DeviceRef, OrderRepository, PlatformError, PlatformUnits};
use mgc_charging::{ChargePoint, ChargingSession, Connector, ConnectorRepository, SessionRepository};
use mgc_kernel::Scope;

/// One port of a pile.
#[derive(Debug, Clone, PartialEq)]
pub struct PortStatus {
    /// The pile.
    pub charge_point: ChargePoint,
    /// Connector number.
    pub port: u32,
    /// Its last reported status (none before the pile reported one).
    pub connector: Option<Connector>,
    /// The session running on it.
    pub session: Option<ChargingSession>,
    /// The latest order placed on it.
    pub order: Option<ChargeOrder>,
}

/// Port `port` of the pile `device` names, read in one unit of work (not committed: it writes nothing).
pub async fn charge_status<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    port: u32,
) -> Result<PortStatus, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let charge_point = resolve(&mut tx, scope, device).await?;
    let tenant = &scope.tenant;
    let connector = tx.connector(tenant, charge_point.id, port).await?;
    let session = tx.open_sessions(tenant, charge_point.id).await?.into_iter().find(|s| s.connector == port);
    let order = tx.latest_order_on(tenant, charge_point.id, port).await?;
    Ok(PortStatus { charge_point, port, connector, session, order })
}

/// The pile `device` names in `scope` (read only).
pub async fn find_device<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
) -> Result<ChargePoint, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    resolve(&mut tx, scope, device).await
}
