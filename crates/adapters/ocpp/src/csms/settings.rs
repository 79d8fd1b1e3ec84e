//! Settings of the OCPP 1.6J CSMS endpoint (from the `[ocpp]` configuration section).

use mgc_charging::ChargingSettings;
use std::time::Duration;

/// Registration policy, keep-alive, memory bound and drain deadline of the CSMS.
#[derive(Debug, Clone, PartialEq)]
pub struct CsmsSettings {
    /// Settings of the charging context (heartbeat interval, offline timeout, ...).
    pub charging: ChargingSettings,
    /// Largest WebSocket message (and frame) accepted, in bytes; a larger one closes the connection.
    pub max_frame_bytes: usize,
    /// A WebSocket ping is sent this often.
    pub ping_interval: Duration,
    /// A connection from which nothing (message, ping or pong) arrived this long is closed.
    pub idle_timeout: Duration,
    /// How long shutdown waits for connections to close before it gives up on them.
    pub drain_deadline: Duration,
    /// Let a charge point without a credential connect (any Basic password) so that its boot
    /// is recorded `pending` for an operator to adopt; otherwise it is refused with 401.
    pub admit_unknown: bool,
}

impl Default for CsmsSettings {
    fn default() -> Self {
        Self {
            charging: ChargingSettings::default(),
            max_frame_bytes: 64 * 1024,
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
            drain_deadline: Duration::from_secs(5),
            admit_unknown: false,
        }
    }
}
