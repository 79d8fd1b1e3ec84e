//! Stopping a platform's order, and rebooting a pile.

use crate::start::{commit, reachable, resolve};
use crate::{
    reboot_command, stop_command, DeviceRef, Downlink, OrderNo, OrderRepository, PlatformError, PlatformUnits,
};
use chrono::{DateTime, Utc};
use mgc_charging::SessionRepository;
use mgc_commands::{AdapterRegistry, Command, CommandRepository, CommandSettings, CommandState, IssueRequest};
use mgc_contracts::CommandOrigin;
use mgc_kernel::{DeviceId, Scope};

/// What a platform asks for when it stops a charge.
#[derive(Debug, Clone, PartialEq)]
pub struct StopCharge {
    /// Connector number (1-based) the order runs on.
    pub port: u32,
    /// The order to stop.
    pub order_no: OrderNo,
}

/// How a control request was answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Controls {
    /// The command that carries it.
    pub command: Command,
    /// False when the same request had been answered before (nothing new was sent).
    pub created: bool,
}

/// Command settings and adapters, the caller and the time of a control request.
#[derive(Clone)]
pub struct Issuer<'a> {
    /// Command settings.
    pub settings: &'a CommandSettings,
    /// Protocol adapters.
    pub adapters: &'a AdapterRegistry,
    /// Who asks.
    pub origin: CommandOrigin,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Stops order `request.order_no` on the pile `device` names: the order must be on that pile
/// and port; a second stop of the same order returns the first stop command, unless that one
/// ended without success, when a new one is sent.
pub async fn stop_charge<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    request: &StopCharge,
    issuer: Issuer<'_>,
) -> Result<Controls, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    let unknown = || PlatformError::UnknownOrder(request.order_no.to_string());
    let order = tx.order(&scope.tenant, &request.order_no).await?.ok_or_else(unknown)?;
    if order.charge_point_id != cp.id || order.port != request.port {
        return Err(unknown());
    }
    // A stop already under way (or done) is answered with its command; one that ended without
    // success (the pile did not answer, was unplugged…) may be sent again.
    let mut attempt = None;
    if let Some(id) = order.stop_command_id {
        if let Some(command) = tx.command(&scope.tenant, id).await? {
            if command.state != CommandState::Succeeded && command.state.is_terminal() {
                attempt = Some(command.id);
            } else {
                return Ok(Controls { command, created: false });
            }
        }
    }
    let device_id = reachable(&cp)?;
    let open = tx.open_sessions(&scope.tenant, cp.id).await?;
    let transaction = open.iter().find(|s| s.connector == request.port).map(|s| s.transaction_id);
    let downlink = stop_command(cp.protocol, request.port, transaction)?;
    let key = match attempt {
        None => format!("order:{}:stop", request.order_no),
        Some(failed) => format!("order:{}:stop:after:{failed}", request.order_no),
    };
    let command = send(&mut tx, scope, device_id, downlink, Some(key), issuer).await?;
    tx.set_stop_command(&scope.tenant, &request.order_no, command.id).await?;
    commit(tx).await?;
    Ok(Controls { command, created: true })
}

/// Reboots the pile `device` names.
pub async fn reboot<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    issuer: Issuer<'_>,
) -> Result<Controls, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    let device_id = reachable(&cp)?;
    let command = send(&mut tx, scope, device_id, reboot_command(cp.protocol), None, issuer).await?;
    commit(tx).await?;
    Ok(Controls { command, created: true })
}

pub(crate) async fn send<T: mgc_commands::CommandTx>(
    tx: &mut T,
    scope: &Scope,
    device_id: DeviceId,
    downlink: Downlink,
    idempotency_key: Option<String>,
    issuer: Issuer<'_>,
) -> Result<Command, PlatformError> {
    let issue = IssueRequest {
        device_id,
        method: downlink.method.to_owned(),
        params: Some(downlink.params),
        timeout_s: None,
        idempotency_key,
        queue_until_online: false,
        origin: issuer.origin,
    };
    let issued = mgc_commands::issue(tx, scope, issue, issuer.settings, issuer.adapters, issuer.now).await?;
    Ok(issued.command().clone())
}
