//! Points as stored: resolved to a device and (when a rule exists) to a semantic point.

use crate::domain::point::RawValue;
use chrono::{DateTime, Utc};
use mgc_kernel::DeviceId;
use serde::Serialize;

/// A point ready to store: key (device, point, ts) plus its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPoint {
    /// Device.
    pub device_id: DeviceId,
    /// Semantic point name, or the raw key when unmapped.
    pub point: String,
    /// Measurement time.
    pub ts: DateTime<Utc>,
    /// Numeric value after the mapping's scale and offset (None for text/JSON values).
    pub num_value: Option<f64>,
    /// The value as received.
    pub value: RawValue,
    /// The key as received.
    pub raw_key: String,
}

/// A point whose device is not known (yet): kept with the reason until it can be routed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnroutedPoint {
    /// Device reference as sent (name, ThingsBoard id or id).
    pub device: String,
    /// Device type as sent by ThingsBoard, if any.
    pub device_type: Option<String>,
    /// Measurement time.
    pub ts: DateTime<Utc>,
    /// Key as received.
    pub raw_key: String,
    /// Value as received.
    pub value: RawValue,
    /// Why it was not routed.
    pub reason: String,
}

/// How a batch landed, and which of its points were news (new or changed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    /// Counts.
    pub counts: StoreCounts,
    /// Indexes (into the stored slice) of new or changed points.
    pub fresh: Vec<usize>,
    /// Of those, the changed ones.
    pub changed: Vec<usize>,
}

/// How a batch landed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    /// Points not stored before.
    pub new: u64,
    /// Points already stored with another value (upserted).
    pub changed: u64,
    /// Points already stored with the same value (no-op).
    pub duplicate: u64,
}
