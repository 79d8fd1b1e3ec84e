//! Events about received telemetry.

use crate::IntegrationEvent;
use chrono::{DateTime, Utc};
use mgc_kernel::DeviceId;
use serde::{Deserialize, Serialize};

/// One committed ingest batch: which devices and points, which time range, how many points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TelemetryReceived {
    /// Devices with stored points.
    pub device_ids: Vec<DeviceId>,
    /// Point names stored (semantic or raw).
    pub points: Vec<String>,
    /// Earliest point time.
    pub from: DateTime<Utc>,
    /// Latest point time.
    pub to: DateTime<Utc>,
    /// Points newly stored.
    pub new_points: u64,
    /// Points whose value changed (same key, new value).
    pub changed_points: u64,
}

impl IntegrationEvent for TelemetryReceived {
    const TYPE: &'static str = "telemetry.received";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("telemetry_batch", format!("{}..{}", self.from.timestamp_millis(), self.to.timestamp_millis()))
    }
}
