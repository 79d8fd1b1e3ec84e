//! The device adapter port (one per protocol) and the registry that picks one by protocol.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use std::collections::HashMap;
use std::sync::Arc;

/// Protocol of OCPP 1.6J charge points (masterdata devices of kind `charger`), addressed by
/// their OCPP identity, which is their device name.
pub const PROTOCOL_OCPP16: &str = "ocpp16";
/// Protocol of AP3000 charging piles (the device's name is the pile's physical id, 8 hex digits).
pub const PROTOCOL_AP3000: &str = "ap3000";

/// What an adapter is asked to send.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcRequest {
    /// Owner tenant of the command (and of the device).
    pub tenant: TenantId,
    /// The device on its platform: ThingsBoard device id, OCPP identity, or the device id.
    pub target: String,
    /// Method.
    pub method: String,
    /// Parameters.
    pub params: serde_json::Value,
    /// Delivery options.
    pub options: crate::RpcOptions,
    /// Milliseconds left until the command's deadline.
    pub remaining_ms: u64,
    /// The command's deadline.
    pub deadline: DateTime<Utc>,
}

/// How a send ended, in the command's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum AdapterOutcome {
    /// The device answered (two-way reply, possibly empty).
    Succeeded {
        /// The reply, when there was one.
        response: Option<serde_json::Value>,
    },
    /// One-way command handed to the device.
    Delivered,
    /// Persistent RPC queued by the platform; its states arrive later.
    Accepted {
        /// The platform's RPC id.
        rpc_id: String,
    },
    /// Failed for good before anything reached the platform (no adapter, login refused).
    NotSent {
        /// Why.
        reason: String,
    },
    /// Refused or failed for good after it was sent.
    Failed {
        /// Why.
        reason: String,
    },
    /// The device answered, and its answer refuses the command (e.g. OCPP status `Rejected`).
    Refused {
        /// Why (names the refusing status).
        reason: String,
        /// The device's answer, kept on the command.
        response: serde_json::Value,
    },
    /// The platform says the device did not answer in time.
    TimedOut {
        /// Why.
        reason: String,
    },
    /// Not reached (network, 5xx): try again later while the deadline allows.
    Retry {
        /// Why.
        reason: String,
    },
}

/// What the platform says about a persistent RPC when asked.
#[derive(Debug, Clone, PartialEq)]
pub enum RpcStatusLookup {
    /// Its current state.
    Found {
        /// Status.
        status: crate::RemoteRpcState,
        /// The device's reply, when there is one.
        response: Option<serde_json::Value>,
    },
    /// The platform does not know the RPC (never had it, or deleted it).
    NotFound,
    /// Could not ask (network, 5xx, login, unreadable answer, not supported): ask again later.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// Why an adapter refuses a command before it is issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidCommand {
    /// The failing field: `method`, `params`, or a path inside the parameters (`params.idTag`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Sends commands to devices of one protocol.
#[async_trait]
pub trait DeviceAdapter: Send + Sync {
    /// Sends one command; never panics, every failure is an outcome.
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome;

    /// Checks `method` and `params` when a command is issued, so a command the protocol can
    /// never carry is refused at once (default: anything goes).
    fn validate(&self, method: &str, params: &serde_json::Value) -> Result<(), InvalidCommand> {
        let _ = (method, params);
        Ok(())
    }

    /// Asks the platform for the state of the persistent RPC `rpc_id` (protocols without
    /// persistent RPC cannot tell).
    async fn rpc_status(&self, rpc_id: &str) -> RpcStatusLookup {
        RpcStatusLookup::Unavailable { reason: format!("this protocol cannot look up RPC {rpc_id}") }
    }
}

/// Adapters by device protocol (`thingsboard`, ...).
#[derive(Clone, Default)]
pub struct AdapterRegistry {
    by_protocol: HashMap<String, Arc<dyn DeviceAdapter>>,
}

impl std::fmt::Debug for AdapterRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterRegistry").field("protocols", &self.by_protocol.keys().collect::<Vec<_>>()).finish()
    }
}

impl AdapterRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `adapter` for devices whose protocol is `protocol`.
    pub fn with(mut self, protocol: impl Into<String>, adapter: Arc<dyn DeviceAdapter>) -> Self {
        self.by_protocol.insert(protocol.into(), adapter);
        self
    }

    /// The adapter of `protocol`.
    pub fn get(&self, protocol: &str) -> Option<&Arc<dyn DeviceAdapter>> {
        self.by_protocol.get(protocol)
    }

    /// Checks a command for a device of `protocol` with its adapter (nothing to check when the
    /// protocol has none: sending will fail then).
    pub fn validate(&self, protocol: &str, method: &str, params: &serde_json::Value) -> Result<(), InvalidCommand> {
        self.get(protocol).map_or(Ok(()), |a| a.validate(method, params))
    }
}
