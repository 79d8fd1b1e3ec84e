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
    /// Per device: the time range and point names of its new or changed points.
    #[serde(default)]
    pub spans: Vec<DeviceSpan>,
}

/// What one device contributed to a [`TelemetryReceived`] batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSpan {
    /// The device.
    pub device_id: DeviceId,
    /// Its earliest new or changed point time.
    pub from: DateTime<Utc>,
    /// Its latest new or changed point time.
    pub to: DateTime<Utc>,
    /// Its point names stored (semantic or raw), sorted.
    pub points: Vec<String>,
}

impl IntegrationEvent for TelemetryReceived {
    const TYPE: &'static str = "telemetry.received";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("telemetry_batch", format!("{}..{}", self.from.timestamp_millis(), self.to.timestamp_millis()))
    }
}
