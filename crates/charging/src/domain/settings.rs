//! Settings of the charging context (from the `[charging]` configuration section).

use chrono::Duration;

/// Registration policy, heartbeat timing and event throttling of charging.
#[derive(Debug, Clone, PartialEq)]
pub struct ChargingSettings {
    /// Accept charge points whose identity is not recorded yet (otherwise they wait as `pending`).
    pub accept_unknown: bool,
    /// Heartbeat interval told to accepted charge points, in seconds.
    pub heartbeat_interval_s: u32,
    /// Boot retry interval told to pending or rejected charge points, in seconds.
    pub boot_retry_interval_s: u32,
    /// A charge point silent this long is offline, in seconds (default: two heartbeats and a minute).
    pub offline_after_s: u32,
    /// Least time between two meter-value `ChargingSessionUpdated` events of one session, in seconds.
    pub session_update_min_interval_s: u32,
    /// Vendors whose DataTransfer is answered `Accepted` (others: `UnknownVendorId`; kept either way).
    pub data_transfer_vendors: Vec<String>,
}

impl Default for ChargingSettings {
    fn default() -> Self {
        Self {
            accept_unknown: false,
            heartbeat_interval_s: 300,
            boot_retry_interval_s: 60,
            offline_after_s: 660,
            session_update_min_interval_s: 60,
            data_transfer_vendors: Vec::new(),
        }
    }
}

impl ChargingSettings {
    /// The offline timeout as a duration.
    pub fn offline_after(&self) -> Duration {
        Duration::seconds(i64::from(self.offline_after_s))
    }

    /// The update throttle as a duration.
    pub fn session_update_min_interval(&self) -> Duration {
        Duration::seconds(i64::from(self.session_update_min_interval_s))
    }
}
