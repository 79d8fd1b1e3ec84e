//! State an hour hands to the next: each counter's highest reading of its current cycle.
//!
//! An hour of a counter starts from the high as of its last reading before the hour (what the
//! hour before ended with) and ends with the high as of its last reading inside (or the one it
//! started with when it has none). Both are stored with the hour. An hour whose stored start
//! differs from what the hour before now ends with was computed from a stale state and must be
//! computed again; that again may change what it ends with, so the check runs on, hour by hour.

use mgc_kernel::DeviceId;
use std::collections::BTreeMap;

/// A series of a station: device and point.
pub type SeriesKey = (DeviceId, String);

/// The cycle high a counter started an hour with and ended it with (none: no reading yet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeterCarry {
    /// As of the last reading before the hour.
    pub high_in: Option<f64>,
    /// As of the last reading before the hour's end.
    pub high_out: Option<f64>,
}

/// The carries of one hour, by series (counters only).
pub type Carries = BTreeMap<SeriesKey, MeterCarry>;

/// Cycle highs at the start of an hour, by series: the hour before's `high_out`.
pub type Highs = BTreeMap<SeriesKey, f64>;

/// What the hour with `carries` hands to the next one.
#[must_use]
pub fn highs_out(carries: &Carries) -> Highs {
    carries.iter().filter_map(|(k, c)| c.high_out.map(|h| (k.clone(), h))).collect()
}

/// Whether an hour computed with `next` (its stored carries) started from other highs than
/// the hour before it now hands over (`before`): then it must be computed again.
#[must_use]
pub fn starts_stale(before: &Highs, next: &Carries) -> bool {
    next.iter().any(|(k, c)| c.high_in != before.get(k).copied())
}
