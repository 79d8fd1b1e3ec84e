//! Meter samples of a session, already converted to integer units by the protocol adapter.

use chrono::{DateTime, Utc};
use mgc_kernel::Wh;
use serde::{Deserialize, Serialize};

/// One timestamped sample of a connector's meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterSample {
    /// When it was taken (the charge point's clock).
    pub at: DateTime<Utc>,
    /// Active energy import register (cumulative), in Wh.
    pub energy_register: Option<Wh>,
    /// Active import power, in W.
    pub power_w: Option<i64>,
    /// Vehicle state of charge, in percent.
    pub soc_percent: Option<i64>,
}

/// What recording a batch of samples did to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleSummary {
    /// Samples recorded.
    pub recorded: usize,
    /// True when a register of the batch was below the highest one seen (flagged, not applied).
    pub went_backwards: bool,
}
