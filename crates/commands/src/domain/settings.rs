//! Settings of the commands context (from the `[commands]` configuration section).

use crate::domain::command::RpcOptions;
use mgc_eventing::Backoff;
use std::time::Duration;

/// Limits, method options and retry timing of commands.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandSettings {
    /// Largest `timeout_s` a client may ask for.
    pub max_timeout_s: u32,
    /// `timeout_s` when the client gives none.
    pub default_timeout_s: u32,
    /// Methods sent as one-way RPC.
    pub oneway_methods: Vec<String>,
    /// Methods that do not take the per-device lock.
    pub parallel_methods: Vec<String>,
    /// Methods sent as persistent RPC.
    pub persistent_methods: Vec<String>,
    /// Delay between send attempts after a retryable failure.
    pub backoff: Backoff,
    /// Commands claimed per dispatch round.
    pub batch_size: u32,
    /// Extra lease time on top of a command's RPC timeout.
    pub lease_margin: Duration,
    /// How long a state message for a not yet recorded RPC id is kept for its command.
    pub early_rpc_ttl: Duration,
    /// Most such messages kept per tenant (more are refused until older ones are used or purged).
    pub early_rpc_max_per_tenant: u32,
    /// A persistent command still `sent`/`delivered` this long after its last change (and its
    /// last check) is checked with the platform; None = never ask.
    pub rpc_check_after: Option<Duration>,
}

impl Default for CommandSettings {
    fn default() -> Self {
        Self {
            max_timeout_s: 3600,
            default_timeout_s: 30,
            oneway_methods: Vec::new(),
            parallel_methods: Vec::new(),
            persistent_methods: Vec::new(),
            backoff: Backoff { base: Duration::from_secs(1), max: Duration::from_secs(30) },
            batch_size: 50,
            lease_margin: Duration::from_secs(30),
            early_rpc_ttl: Duration::from_secs(3600),
            early_rpc_max_per_tenant: 1000,
            rpc_check_after: Some(Duration::from_secs(60)),
        }
    }
}

impl CommandSettings {
    /// Delivery options of `method`.
    pub fn options_for(&self, method: &str) -> RpcOptions {
        let has = |list: &[String]| list.iter().any(|m| m == method);
        RpcOptions {
            oneway: has(&self.oneway_methods),
            parallel: has(&self.parallel_methods),
            persistent: has(&self.persistent_methods),
            queue_until_online: false,
        }
    }
}
