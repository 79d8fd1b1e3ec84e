//! Events about device commands: issued, changed state, and commands requested by a strategy.

use crate::IntegrationEvent;
use chrono::{DateTime, Utc};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{DeviceId, StationId};
use serde::{Deserialize, Serialize};

/// Who or what caused a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommandOrigin {
    /// An operator or third party through the API.
    Api {
        /// Subject of the principal (user or API key id).
        subject: String,
    },
    /// A strategy execution.
    Strategy {
        /// The strategy.
        strategy_id: Uuid,
        /// Its version when it decided.
        strategy_version: i64,
        /// The execution that decided.
        execution_id: Uuid,
    },
}

/// A command was accepted for a device (state `pending`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandIssued {
    /// The command.
    pub command_id: Uuid,
    /// Target device.
    pub device_id: DeviceId,
    /// Station of the device.
    pub station_id: StationId,
    /// RPC method.
    pub method: String,
    /// RPC parameters.
    pub params: serde_json::Value,
    /// When it must have finished.
    pub deadline: DateTime<Utc>,
    /// What caused it.
    pub origin: CommandOrigin,
}

impl IntegrationEvent for CommandIssued {
    const TYPE: &'static str = "commands.command_issued";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("command", self.command_id.to_string())
    }
}

/// A command moved from one state to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandStateChanged {
    /// The command.
    pub command_id: Uuid,
    /// Target device.
    pub device_id: DeviceId,
    /// Station of the device.
    pub station_id: StationId,
    /// State before (`pending`, `sent`, `delivered`).
    pub from: String,
    /// State now (`sent`, `delivered`, `succeeded`, `failed`, `timed_out`, `expired`, `cancelled`).
    pub to: String,
    /// Why, in words (e.g. "ThingsBoard answered 504: device did not reply").
    pub reason: String,
    /// When the transition happened.
    pub at: DateTime<Utc>,
    /// What caused the command.
    pub origin: CommandOrigin,
}

impl IntegrationEvent for CommandStateChanged {
    const TYPE: &'static str = "commands.command_state_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("command", self.command_id.to_string())
    }
}

/// A strategy execution decided that a device must receive a command; the commands context
/// turns it into a command (idempotent on `idempotency_key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRequested {
    /// The strategy.
    pub strategy_id: Uuid,
    /// Its version when it decided.
    pub strategy_version: i64,
    /// The execution that decided.
    pub execution_id: Uuid,
    /// Station of the strategy.
    pub station_id: StationId,
    /// Target device.
    pub device_id: DeviceId,
    /// RPC method.
    pub method: String,
    /// RPC parameters.
    pub params: serde_json::Value,
    /// Seconds the command may take.
    pub timeout_s: u32,
    /// Unique per execution and device (`<execution_id>:<device_id>`), so redelivery creates nothing twice.
    pub idempotency_key: String,
}

impl IntegrationEvent for CommandRequested {
    const TYPE: &'static str = "strategy.command_requested";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("strategy_execution", self.execution_id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_origin_when_serialized_then_tagged_by_kind() {
        let o = CommandOrigin::Api { subject: "u1".into() };
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "api", "subject": "u1"}));
        let back: CommandOrigin = serde_json::from_value(v).unwrap();
        assert_eq!(back, o);
    }
}
