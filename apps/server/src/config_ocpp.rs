//! The `[ocpp]` configuration section: the OCPP 1.6J endpoint and the charging context's timing.

use mgc_adapter_ocpp::csms::CsmsSettings;
use mgc_charging::ChargingSettings;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;

/// The OCPP 1.6J central system endpoint (`/ocpp/1.6/{tenant}/{identity}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OcppConfig {
    /// Serve the endpoint.
    pub enabled: bool,
    /// Own address for the endpoint (e.g. `0.0.0.0:9000`); empty = the HTTP API's listener.
    pub listen: String,
    /// Heartbeat interval told to accepted charge points (s).
    pub heartbeat_interval_s: u32,
    /// Boot retry interval told to pending or rejected charge points (s).
    pub boot_retry_interval_s: u32,
    /// A charge point silent this long is offline (s).
    pub offline_after_s: u32,
    /// Least time between two meter-value session updates of one session (s).
    pub session_update_min_interval_s: u32,
    /// Largest WebSocket message accepted (bytes); a larger one closes the connection.
    pub max_frame_bytes: usize,
    /// WebSocket ping interval (s).
    pub ping_interval_s: u64,
    /// A connection silent this long (no message, ping or pong) is closed (s).
    pub idle_timeout_s: u64,
    /// How long shutdown waits for charge point connections to close (ms).
    pub drain_deadline_ms: u64,
    /// How often silent charge points are marked offline (s).
    pub sweep_interval_s: u64,
    /// Vendors whose DataTransfer is answered `Accepted` (others `UnknownVendorId`; every one is stored).
    pub data_transfer_vendors: Vec<String>,
    /// A charge point without a credential: `refuse` it (401) or admit it as `pending`, listed
    /// at `GET /api/v1/charge-points?registration=pending` for an operator to adopt.
    pub accept_unknown: UnknownChargePoints,
}

/// What the endpoint does with a charge point that has no credential yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownChargePoints {
    /// 401 at the handshake.
    #[default]
    Refuse,
    /// Admitted; its boot is recorded `pending` until an operator adopts it.
    Pending,
}

impl Default for OcppConfig {
    fn default() -> Self {
        let charging = ChargingSettings::default();
        Self {
            enabled: false,
            listen: String::new(),
            heartbeat_interval_s: charging.heartbeat_interval_s,
            boot_retry_interval_s: charging.boot_retry_interval_s,
            offline_after_s: charging.offline_after_s,
            session_update_min_interval_s: charging.session_update_min_interval_s,
            max_frame_bytes: 64 * 1024,
            ping_interval_s: 30,
            idle_timeout_s: 90,
            drain_deadline_ms: 5_000,
            sweep_interval_s: 60,
            data_transfer_vendors: Vec::new(),
            accept_unknown: UnknownChargePoints::Refuse,
        }
    }
}

impl OcppConfig {
    /// Every bad setting, named.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.listen.is_empty() && self.listen.parse::<SocketAddr>().is_err() {
            p.push(format!("ocpp.listen: '{}' is not an address like 0.0.0.0:9000 (or empty)", self.listen));
        }
        for (name, v) in [
            ("heartbeat_interval_s", u64::from(self.heartbeat_interval_s)),
            ("boot_retry_interval_s", u64::from(self.boot_retry_interval_s)),
            ("ping_interval_s", self.ping_interval_s),
            ("sweep_interval_s", self.sweep_interval_s),
        ] {
            if v == 0 {
                p.push(format!("ocpp.{name}: must be greater than 0"));
            }
        }
        if self.offline_after_s <= self.heartbeat_interval_s {
            p.push("ocpp.offline_after_s: must be longer than heartbeat_interval_s".into());
        }
        if self.idle_timeout_s <= self.ping_interval_s {
            p.push("ocpp.idle_timeout_s: must be longer than ping_interval_s".into());
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.max_frame_bytes) {
            p.push("ocpp.max_frame_bytes: must be between 1024 and 16777216".into());
        }
        if let Some(bad) = self.data_transfer_vendors.iter().find(|v| v.is_empty() || v.len() > 255) {
            p.push(format!("ocpp.data_transfer_vendors: '{bad}' must be 1-255 characters (a CiString255 vendor id)"));
        }
        if self.drain_deadline_ms > 60_000 {
            p.push("ocpp.drain_deadline_ms: must be at most 60000".into());
        }
        p
    }

    /// The endpoint's own address, when it has one.
    pub fn own_listen(&self) -> Option<SocketAddr> {
        self.listen.parse().ok()
    }

    /// The settings of the CSMS and of the charging context.
    pub fn to_settings(&self) -> CsmsSettings {
        CsmsSettings {
            charging: ChargingSettings {
                // Charge points connect only with credentials an operator set, which records them.
                accept_unknown: false,
                heartbeat_interval_s: self.heartbeat_interval_s,
                boot_retry_interval_s: self.boot_retry_interval_s,
                offline_after_s: self.offline_after_s,
                session_update_min_interval_s: self.session_update_min_interval_s,
                data_transfer_vendors: self.data_transfer_vendors.clone(),
            },
            max_frame_bytes: self.max_frame_bytes,
            ping_interval: Duration::from_secs(self.ping_interval_s),
            idle_timeout: Duration::from_secs(self.idle_timeout_s),
            drain_deadline: Duration::from_millis(self.drain_deadline_ms),
            admit_unknown: self.accept_unknown == UnknownChargePoints::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_defaults_then_valid_and_disabled() {
        let c = OcppConfig::default();
        assert!(c.problems().is_empty(), "{:?}", c.problems());
        assert!(!c.enabled && c.own_listen().is_none());
    }

    #[test]
    fn given_bad_settings_then_each_is_named() {
        let c = OcppConfig {
            listen: "nowhere".into(),
            heartbeat_interval_s: 0,
            idle_timeout_s: 10,
            max_frame_bytes: 10,
            drain_deadline_ms: 120_000,
            ..OcppConfig::default()
        };
        let all = c.problems().join("\n");
        for name in [
            "ocpp.listen",
            "ocpp.heartbeat_interval_s",
            "ocpp.idle_timeout_s",
            "ocpp.max_frame_bytes",
            "ocpp.drain_deadline_ms",
        ] {
            assert!(all.contains(name), "{name} missing in {all}");
        }
    }

    #[test]
    fn given_accept_unknown_then_pending_admits_refuse_does_not_and_other_words_are_refused() {
        let parse = |v: &str| toml::from_str::<OcppConfig>(&format!("accept_unknown = \"{v}\""));
        assert!(parse("pending").unwrap().to_settings().admit_unknown);
        assert!(!parse("refuse").unwrap().to_settings().admit_unknown);
        assert!(!OcppConfig::default().to_settings().admit_unknown, "refuse by default");
        let err = parse("maybe").unwrap_err().to_string();
        assert!(err.contains("maybe") && err.contains("pending"), "{err}");
    }
}
