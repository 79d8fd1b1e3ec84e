//! The device adapter port (one per protocol) and the registry that picks one by protocol.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// What an adapter is asked to send.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcRequest {
    /// Device id on the platform.
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

/// Sends commands to devices of one protocol.
#[async_trait]
pub trait DeviceAdapter: Send + Sync {
    /// Sends one command; never panics, every failure is an outcome.
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome;

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
}
