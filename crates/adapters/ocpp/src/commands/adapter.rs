//! The commands context's device adapter for OCPP 1.6J charge points (protocol `ocpp16`): the
//! command's method is the OCPP action, its parameters the payload, sent as a CALL on the
//! charge point's live connection.

use crate::commands::actions::{command_action, COMMAND_ACTIONS};
use crate::commands::outcome::command_outcome;
use crate::commands::stop_trail::{remote_stop_transaction, StopTrail};
use crate::csms::{Caller, Registry};
use async_trait::async_trait;
use mgc_charging::OcppIdentity;
use mgc_commands::{AdapterOutcome, DeviceAdapter, InvalidCommand, RpcRequest};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Sends commands to the charge points connected to this instance's CSMS.
#[derive(Clone)]
pub struct OcppCommandAdapter {
    connections: Registry,
    stops: Option<Arc<dyn StopTrail>>,
}

impl std::fmt::Debug for OcppCommandAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcppCommandAdapter").field("records_stops", &self.stops.is_some()).finish_non_exhaustive()
    }
}

impl OcppCommandAdapter {
    /// An adapter sending over the connections of `connections` (the CSMS's registry).
    pub fn new(connections: Registry) -> Self {
        Self { connections, stops: None }
    }

    /// The same adapter, recording each RemoteStopTransaction it sends on the session's
    /// timeline (`stop_requested`) before sending it.
    pub fn with_stop_trail(mut self, stops: Arc<dyn StopTrail>) -> Self {
        self.stops = Some(stops);
        self
    }
}

/// The method and parameters checked against the action's request schema.
fn checked(method: &str, params: &Value) -> Result<&'static crate::commands::actions::CommandAction, InvalidCommand> {
    let action = command_action(method).ok_or_else(|| InvalidCommand {
        field: "method".into(),
        message: format!(
            "'{method}' is not an OCPP 1.6 action a charge point accepts from the central system (one of {})",
            COMMAND_ACTIONS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
        ),
    })?;
    action.check_request(params).map_err(|v| InvalidCommand {
        field: if v.field.is_empty() { "params".into() } else { format!("params.{}", v.field) },
        message: format!("{} ({})", v.message, v.code),
    })?;
    Ok(action)
}

#[async_trait]
impl DeviceAdapter for OcppCommandAdapter {
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome {
        let action = match checked(&request.method, &request.params) {
            Ok(action) => action,
            Err(invalid) => {
                return AdapterOutcome::NotSent { reason: format!("{}: {}", invalid.field, invalid.message) }
            }
        };
        let Ok(identity) = OcppIdentity::parse(&request.target) else {
            let reason = format!("'{}' is not an OCPP identity (the charger device's name)", request.target);
            return AdapterOutcome::NotSent { reason };
        };
        let caller = Caller { tenant: request.tenant.clone(), identity };
        // Recorded before the call, so the pile's StopTransaction cannot be on the timeline
        // first; only when the pile is connected here, so a stop never sent is not recorded.
        if let (Some(stops), "RemoteStopTransaction") = (&self.stops, action.name) {
            if let Some(transaction) =
                remote_stop_transaction(&request.params).filter(|_| self.connections.is_connected(&caller))
            {
                let details = json!({ "command": action.name, "transaction_id": transaction.0 });
                stops.stop_requested(&caller.tenant, &caller.identity, transaction, details).await;
            }
        }
        let timeout = Duration::from_millis(request.remaining_ms);
        let outcome = self.connections.call(&caller, action.name, request.params.clone(), timeout).await;
        let result = command_outcome(action, caller.identity.as_str(), request.options.queue_until_online, outcome);
        tracing::info!(tenant = %caller.tenant, identity = %caller.identity, action = action.name, ?result, "OCPP command");
        result
    }

    fn validate(&self, method: &str, params: &Value) -> Result<(), InvalidCommand> {
        checked(method, params).map(drop)
    }
}
