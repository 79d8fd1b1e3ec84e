//! The `[ap3000]` configuration section: the TCP gateway for AP3000 charging piles.

use mgc_adapter_ap3000::gateway::GatewaySettings;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// The AP3000 TCP gateway (off unless `listen` is set).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ap3000Config {
    /// Address to listen on, e.g. `0.0.0.0:7054`; empty = no gateway.
    pub listen: String,
    /// Tenant owning the piles of this gateway; empty = the bootstrap tenant.
    pub tenant: String,
    /// Accept a pile seen for the first time at once; otherwise (default) it is recorded
    /// `pending` and listed for an operator to adopt (its register is answered "not accepted").
    pub accept_unknown: bool,
    /// Connections open at once.
    pub max_connections: usize,
    /// New connections accepted per second from one IP address.
    pub new_per_ip_per_second: u32,
    /// A connection silent this long is closed (s); the modem sends `link` every 30 s when idle.
    pub read_timeout_s: u64,
    /// Largest frame length field accepted (bytes after the length field).
    pub max_frame_length: u16,
    /// A downlink not answered within this long is resent once, then failed (ms; protocol: 15000).
    pub ack_timeout_ms: u64,
    /// Least time between two downlinks to one pile (ms; protocol: 500).
    pub spacing_ms: u64,
    /// How long shutdown waits for pile connections to close (ms).
    pub drain_deadline_ms: u64,
}

impl Default for Ap3000Config {
    fn default() -> Self {
        let g = GatewaySettings::default();
        Self {
            listen: String::new(),
            tenant: String::new(),
            accept_unknown: false,
            max_connections: g.max_connections,
            new_per_ip_per_second: g.new_per_ip_per_second,
            read_timeout_s: g.read_timeout.as_secs(),
            max_frame_length: g.max_length,
            ack_timeout_ms: 15_000,
            spacing_ms: 500,
            drain_deadline_ms: 5_000,
        }
    }
}

impl Ap3000Config {
    /// Every bad setting, named.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.listen.is_empty() && self.listen.parse::<SocketAddr>().is_err() {
            p.push(format!("ap3000.listen: '{}' is not an address like 0.0.0.0:7054 (or empty)", self.listen));
        }
        if !self.tenant.is_empty() && mgc_kernel::TenantId::parse(&self.tenant).is_err() {
            p.push(format!("ap3000.tenant: '{}' is not a tenant id", self.tenant));
        }
        for (name, v) in [
            ("max_connections", self.max_connections as u64),
            ("new_per_ip_per_second", u64::from(self.new_per_ip_per_second)),
            ("read_timeout_s", self.read_timeout_s),
            ("ack_timeout_ms", self.ack_timeout_ms),
        ] {
            if v == 0 {
                p.push(format!("ap3000.{name}: must be greater than 0"));
            }
        }
        if !(64..=4096).contains(&self.max_frame_length) {
            p.push("ap3000.max_frame_length: must be between 64 and 4096 (the legacy firmware frame needs 269)".into());
        }
        if self.drain_deadline_ms > 60_000 {
            p.push("ap3000.drain_deadline_ms: must be at most 60000".into());
        }
        p
    }

    /// The gateway's address, when it is on.
    pub fn own_listen(&self) -> Option<SocketAddr> {
        self.listen.parse().ok()
    }

    /// The gateway's settings.
    pub fn to_settings(&self) -> GatewaySettings {
        GatewaySettings {
            max_connections: self.max_connections,
            new_per_ip_per_second: self.new_per_ip_per_second,
            read_timeout: Duration::from_secs(self.read_timeout_s),
            max_length: self.max_frame_length,
            ack_timeout: Duration::from_millis(self.ack_timeout_ms),
            spacing: Duration::from_millis(self.spacing_ms),
            drain_deadline: Duration::from_millis(self.drain_deadline_ms),
            ..GatewaySettings::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_defaults_then_valid_and_off() {
        let c = Ap3000Config::default();
        assert!(c.problems().is_empty(), "{:?}", c.problems());
        assert!(c.own_listen().is_none());
        assert_eq!(c.to_settings().ack_timeout, Duration::from_secs(15));
    }

    #[test]
    fn given_bad_settings_then_each_is_named() {
        let c = Ap3000Config {
            listen: "nowhere".into(),
            tenant: "not a tenant!".into(),
            max_connections: 0,
            max_frame_length: 10,
            drain_deadline_ms: 120_000,
            ..Ap3000Config::default()
        };
        let all = c.problems().join("\n");
        for name in [
            "ap3000.listen",
            "ap3000.tenant",
            "ap3000.max_connections",
            "ap3000.max_frame_length",
            "ap3000.drain_deadline_ms",
        ] {
            assert!(all.contains(name), "{name} missing in {all}");
        }
    }
}
