//! Settings of the AP3000 TCP gateway (from the `[ap3000]` configuration section).

use std::time::Duration;

/// Limits, timeouts and the protocol's downlink timing.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewaySettings {
    /// Connections open at once; a connection beyond it is closed at accept.
    pub max_connections: usize,
    /// New connections accepted per second from one IP address (burst of the same size).
    pub new_per_ip_per_second: u32,
    /// A connection silent this long is closed (the modem sends `link` every 30 s when idle).
    pub read_timeout: Duration,
    /// Largest length field accepted (frame = length + 5 bytes); longer headers are skipped.
    pub max_length: u16,
    /// A downlink not answered within this long is resent once with the same message id,
    /// then failed (the protocol says 15 s).
    pub ack_timeout: Duration,
    /// Least time between two downlinks to one device (the protocol says 0.5 s).
    pub spacing: Duration,
    /// A write that takes longer closes the connection.
    pub write_timeout: Duration,
    /// How long shutdown waits for connections to close.
    pub drain_deadline: Duration,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            new_per_ip_per_second: 100,
            read_timeout: Duration::from_secs(300),
            max_length: crate::frame::DEFAULT_MAX_LENGTH,
            ack_timeout: Duration::from_secs(15),
            spacing: Duration::from_millis(500),
            write_timeout: Duration::from_secs(10),
            drain_deadline: Duration::from_secs(5),
        }
    }
}
