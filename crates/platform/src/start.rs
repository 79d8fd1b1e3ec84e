//! Starting a charge under a platform's order number: exactly one start per order, for ever.

use crate::Issuer;
use crate::{
    start_command, ChargeOrder, DeviceRef, OrderRepository, PlatformError, PlatformTx, PlatformUnits, StartCharge,
};
use mgc_charging::ChargePoint;
use mgc_commands::{Command, CommandError, CommandRepository, IssueRequest};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{DeviceId, RepoError, Scope};

/// The result of a start.
#[derive(Debug, Clone, PartialEq)]
pub enum Started {
    /// A new order and its start command.
    Created(ChargeOrder, Command),
    /// The order of this number placed before (a repeat): nothing new was sent.
    Existing(ChargeOrder, Option<Command>),
}

impl Started {
    /// The order either way.
    pub fn order(&self) -> &ChargeOrder {
        match self {
            Self::Created(o, _) | Self::Existing(o, _) => o,
        }
    }
}

/// The masterdata device commands reach `cp` through: `NotLinked` or `Offline` when none can now.
pub(crate) fn reachable(cp: &ChargePoint) -> Result<DeviceId, PlatformError> {
    let device_id = cp.device_id.ok_or_else(|| PlatformError::NotLinked(cp.identity.to_string()))?;
    if !cp.connected {
        return Err(PlatformError::Offline(cp.identity.to_string()));
    }
    Ok(device_id)
}

/// The pile `device` names in `scope`, or `UnknownDevice`.
pub(crate) async fn resolve<T: OrderRepository>(
    tx: &mut T,
    scope: &Scope,
    device: &DeviceRef,
) -> Result<ChargePoint, PlatformError> {
    tx.charge_point_in_scope(scope, device).await?.ok_or_else(|| PlatformError::UnknownDevice(device.to_string()))
}

/// Starts `request` on the pile `device` names: a new order number opens a [`ChargeOrder`] and
/// issues the protocol's start command in one unit of work; the same order again returns the
/// stored order (even when the two arrive together); the number used for another charge is
/// `OrderConflict`.
pub async fn start_charge<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    request: &StartCharge,
    issuer: Issuer<'_>,
) -> Result<Started, PlatformError> {
    match start_once(units, scope, device, request, issuer.clone()).await {
        // A concurrent start of the same order committed first: answer with it.
        Err(PlatformError::Repo(RepoError::Conflict(_)))
        | Err(PlatformError::Command(CommandError::Repo(RepoError::Conflict(_)))) => {
            start_once(units, scope, device, request, issuer).await
        }
        other => other,
    }
}

async fn start_once<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    request: &StartCharge,
    issuer: Issuer<'_>,
) -> Result<Started, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    // A repeat is answered even when the pile went offline since.
    if let Some(order) = tx.order(&scope.tenant, &request.order_no).await? {
        if !order.is_repeat_of(cp.id, request) {
            return Err(PlatformError::OrderConflict(request.order_no.to_string()));
        }
        let command = tx.command(&scope.tenant, order.start_command_id).await?;
        return Ok(Started::Existing(order, command));
    }
    let device_id = reachable(&cp)?;
    let downlink = start_command(cp.protocol, request)?;
    let issue = IssueRequest {
        device_id,
        method: downlink.method.to_owned(),
        params: Some(downlink.params),
        timeout_s: None,
        idempotency_key: Some(format!("order:{}:start", request.order_no)),
        queue_until_online: false,
        origin: issuer.origin,
    };
    let command = mgc_commands::issue(&mut tx, scope, issue, issuer.settings, issuer.adapters, issuer.now)
        .await?
        .command()
        .clone();
    let order = ChargeOrder {
        tenant: scope.tenant.clone(),
        order_no: request.order_no.clone(),
        charge_point_id: cp.id,
        port: request.port,
        mode: request.mode,
        id_tag: request.id_tag.to_string(),
        start_command_id: command.id,
        stop_command_id: None,
        session_id: None,
        created_at: issuer.now,
    };
    tx.insert_order(&order).await?;
    commit(tx).await?;
    Ok(Started::Created(order, command))
}

pub(crate) async fn commit<T: PlatformTx>(tx: T) -> Result<(), PlatformError> {
    UnitOfWork::commit(tx).await.map_err(PlatformError::from)
}
