//! `[http]`: limits of the HTTP server against idle, slow and too many connections.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Connection limits of `mgc serve` (`[http]` in the configuration).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// A connection that has not sent a complete request head this long after it opened (or
    /// after its previous answer) is closed: slowloris and idle keep-alive connections.
    pub header_read_timeout_ms: u64,
    /// A connection on which no byte moved either way this long is closed once its request,
    /// if any, is answered (slow bodies, stalled upgraded connections).
    pub idle_timeout_ms: u64,
    /// Open connections per client IP address; more are refused (0 = no cap). Behind a
    /// reverse proxy every connection comes from the proxy: raise it there.
    pub max_connections_per_address: usize,
    /// When not empty, `/metrics` answers only `Authorization: Bearer <metrics_token>`.
    pub metrics_token: String,
    /// After shutdown was requested: how long open connections may take to finish (event
    /// streams are ended at once; this bounds answers still being written).
    pub drain_deadline_ms: u64,
}

impl std::fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSettings")
            .field("header_read_timeout_ms", &self.header_read_timeout_ms)
            .field("idle_timeout_ms", &self.idle_timeout_ms)
            .field("max_connections_per_address", &self.max_connections_per_address)
            .field("drain_deadline_ms", &self.drain_deadline_ms)
            .field("metrics_token", &if self.metrics_token.is_empty() { "" } else { "***" })
            .finish()
    }
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_read_timeout_ms: 10_000,
            idle_timeout_ms: 60_000,
            max_connections_per_address: 256,
            metrics_token: String::new(),
            drain_deadline_ms: 10_000,
        }
    }
}

impl HttpSettings {
    /// Names the first invalid setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.header_read_timeout_ms == 0 {
            return Err("http.header_read_timeout_ms must be > 0".into());
        }
        if self.idle_timeout_ms == 0 {
            return Err("http.idle_timeout_ms must be > 0".into());
        }
        if self.drain_deadline_ms > 300_000 {
            return Err("http.drain_deadline_ms must be at most 300000".into());
        }
        Ok(())
    }

    /// The limits the accept loop applies.
    pub fn limits(&self) -> crate::http_server::ConnectionLimits {
        crate::http_server::ConnectionLimits {
            header_read_timeout: Duration::from_millis(self.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            max_per_address: self.max_connections_per_address,
            drain_deadline: Duration::from_millis(self.drain_deadline_ms),
        }
    }
}
