//! Parsing of telemetry HTTP bodies: ThingsBoard rule-chain calls and our canonical shape.
//!
//! [`parse_thingsboard`] turns one request body plus what the HTTP edge knows ([`IngestContext`]) into
//! [`RawPoint`]s. It never panics and never does I/O.
//!
//! # Body
//! The body must be JSON, else `malformed_json` at `$` with serde's reason (line and column). Nesting deeper than
//! serde_json's recursion limit (128) is reported the same way. The top level is one element (an object) or an
//! array of elements; an empty array is `empty_batch`. An element, `msg` or `values` that is not an object is
//! `invalid_shape` at its path. An empty object is a valid element without points.
//!
//! # Shapes, detected per element in this order
//! 1. **ThingsBoard dedup merge** — an object with both `msg` and `metadata`. `metadata` is an object with
//!    `deviceName` (non-empty string, else `missing_device`), optional `deviceType` (a non-empty string is recorded
//!    in [`ParsedBatch::device_types`]) and optional `ts` (validated when present; without it the header/receive
//!    time below applies). `msg` is a flat object of values (timestamp: `metadata.ts`), or a timestamped
//!    `{"ts":..,"values":{..}}` object, or an array of such objects (one level, no nested arrays).
//! 2. **Canonical** — an object with a `device` key: `device` must be a string (else `invalid_shape`) that is not
//!    blank (else `missing_device`), `ts` is required (else `invalid_timestamp`), `values` must be an object.
//! 3. **Timestamped** — an object with both `ts` and `values` and no `device`: ThingsBoard's device upload format.
//!    The device comes from [`IngestContext::device_name`].
//! 4. **Flat** — any other object: each key is a point, the device comes from [`IngestContext::device_name`]. A
//!    key named exactly `ts` is not a point but the timestamp of that object (it must be a valid timestamp);
//!    without it the time is [`IngestContext::ts`] (the templated `X-Ts` header) if present and non-blank, else
//!    [`IngestContext::received_at`].
//!
//! When an element needs the device from the headers and `device_name` is absent, blank or the untemplated
//! `${deviceName}`, the request fails with `missing_device` at the element's path. Device names are trimmed.
//! [`IngestContext::device_type`], when non-blank, is recorded for the header device once an element uses it.
//!
//! # Timestamps
//! A JSON number (an integer, or a float without fraction) or a string of ASCII digits. Values of at least
//! 100 000 000 000 are epoch milliseconds, smaller ones epoch seconds. Negative, fractional, non-numeric or
//! unrepresentable values are `invalid_timestamp` at their path (`header X-Ts` for the header). A time before
//! [`TimeLimits::earliest`] or after `received_at +` [`TimeLimits::max_future`] is `invalid_timestamp` with the
//! time in RFC 3339 and the allowed range. The header is only parsed when an element needs it.
//!
//! # Keys and values
//! Keys are trimmed; an empty key or one longer than 128 characters is `invalid_key` at its path. Numbers become
//! [`RawValue::Number`] (as `f64`: integers beyond 2^53 lose precision), booleans [`RawValue::Bool`], strings
//! [`RawValue::Text`], objects and arrays [`RawValue::Json`]. A `null` value is not an error: it is listed in
//! [`ParsedBatch::skipped`] with reason `null value` and yields no point.
//!
//! When the same (device, ts, key) occurs more than once in a request, the last value wins; the point keeps the
//! position of its first occurrence. A skipped `null` does not remove an earlier value. More than
//! [`TimeLimits::max_points`] points (after this merge) is `too_many_points` at `$`.
//!
//! # Paths
//! Errors and skips name the offending element in `$`, `[i]`, `.key` notation, e.g. `$[3].values.temperature`,
//! `$[0].metadata.ts`, `$.values`. Keys that are not plain identifiers (`[A-Za-z0-9_-]`) are written
//! `["a key"]`, and keys longer than 64 characters are shortened with `…` in paths.

mod batch;
mod error;
mod path;
mod shapes;
mod timestamp;
mod value;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

pub use error::{codes, PayloadError};
use mgc_telemetry::RawPoint;
#[cfg(doc)]
use mgc_telemetry::RawValue;

/// What the HTTP edge knows besides the body (templated ThingsBoard headers and receive time).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IngestContext {
    /// The `X-Device-Name` header (templated from `${deviceName}`), if sent.
    pub device_name: Option<String>,
    /// The `X-Device-Type` header (templated from `${deviceType}`), if sent.
    pub device_type: Option<String>,
    /// The `X-Ts` header (templated from `${ts}`, epoch ms as a string), if sent.
    pub ts: Option<String>,
    /// When the server received the request; the default timestamp and the base of the future limit.
    pub received_at: DateTime<Utc>,
}

/// Bounds a timestamp must respect.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeLimits {
    /// The earliest accepted time (default 2000-01-01T00:00:00Z).
    pub earliest: DateTime<Utc>,
    /// How far after the receive time a timestamp may lie (default 1 hour).
    pub max_future: Duration,
    /// The most points one request may carry (default 100 000).
    pub max_points: usize,
}

impl Default for TimeLimits {
    fn default() -> Self {
        Self {
            earliest: DateTime::from_timestamp(946_684_800, 0).unwrap_or_default(),
            max_future: Duration::hours(1),
            max_points: 100_000,
        }
    }
}

/// A parsed request: points plus the entries that were skipped (and why).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedBatch {
    /// The points, in order of first occurrence, one per (device, ts, key).
    pub points: Vec<RawPoint>,
    /// Entries that produced no point, with their path and reason.
    pub skipped: Vec<Skipped>,
    /// Device name → ThingsBoard device type, when the request told us.
    pub device_types: BTreeMap<String, String>,
}

/// One entry of the body that was skipped without failing the request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// JSON path of the entry, e.g. `$[0].values.temperature`.
    pub path: String,
    /// Why it was skipped, e.g. `null value`.
    pub reason: String,
}

/// Parses a ThingsBoard or canonical telemetry body into raw points (see the module documentation).
///
/// # Errors
/// A [`PayloadError`] naming the code, JSON path and reason of the first problem that rejects the whole request.
pub fn parse_thingsboard(body: &[u8], ctx: &IngestContext, limits: &TimeLimits) -> Result<ParsedBatch, PayloadError> {
    let root: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| PayloadError::new(codes::MALFORMED_JSON, path::JsonPath::root().as_str(), e.to_string()))?;
    let mut walker = shapes::Walker::new(ctx, limits);
    walker.root(&root)?;
    walker.finish(limits.max_points)
}
