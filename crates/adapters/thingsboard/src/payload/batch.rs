//! Accumulates points (last value wins per device, ts and key), skips and device types.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::error::{codes, PayloadError};
use super::path::JsonPath;
use super::{ParsedBatch, Skipped};
use mgc_telemetry::{RawPoint, RawValue};

/// The identity of a point within one request.
type PointKey = (String, DateTime<Utc>, String);

/// Collects the outcome of one request while it is being walked.
#[derive(Debug, Default)]
pub(crate) struct BatchBuilder {
    /// The batch built so far.
    batch: ParsedBatch,
    /// Position in `batch.points` of each (device, ts, key).
    index: HashMap<PointKey, usize>,
}

impl BatchBuilder {
    /// Adds a point; a later value for the same (device, ts, key) replaces the earlier one in place.
    pub(crate) fn push(&mut self, device: &str, ts: DateTime<Utc>, key: String, value: RawValue) {
        let id = (device.to_owned(), ts, key);
        if let Some(&at) = self.index.get(&id) {
            if let Some(point) = self.batch.points.get_mut(at) {
                point.value = value;
                return;
            }
        }
        self.batch.points.push(RawPoint { device: id.0.clone(), ts, key: id.2.clone(), value });
        self.index.insert(id, self.batch.points.len() - 1);
    }

    /// Records an entry that yields no point.
    pub(crate) fn skip(&mut self, path: &JsonPath, reason: &str) {
        self.batch.skipped.push(Skipped { path: path.as_str().to_owned(), reason: reason.to_owned() });
    }

    /// Records the ThingsBoard device type of `device`.
    pub(crate) fn device_type(&mut self, device: &str, device_type: &str) {
        self.batch.device_types.insert(device.to_owned(), device_type.to_owned());
    }

    /// The finished batch, or `too_many_points` when it holds more than `max_points` points.
    pub(crate) fn finish(self, max_points: usize) -> Result<ParsedBatch, PayloadError> {
        let count = self.batch.points.len();
        if count > max_points {
            return Err(PayloadError::new(
                codes::TOO_MANY_POINTS,
                JsonPath::root().as_str(),
                format!("{count} points exceed the limit of {max_points} per request"),
            ));
        }
        Ok(self.batch)
    }
}
