//! Fixtures shared by the payload tests.

use chrono::{DateTime, Utc};
use mgc_adapter_thingsboard::payload::{parse_thingsboard, IngestContext, ParsedBatch, PayloadError, TimeLimits};
use mgc_telemetry::RawValue;

/// Receive time of every request: 2023-11-14T22:13:20Z.
pub const RECEIVED_S: i64 = 1_700_000_000;

/// The instant `secs` after the epoch.
pub fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// The instant `ms` milliseconds after the epoch.
pub fn at_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// A context without headers.
pub fn bare() -> IngestContext {
    IngestContext { received_at: at(RECEIVED_S), ..IngestContext::default() }
}

/// A context with `X-Device-Name`.
pub fn named(device: &str) -> IngestContext {
    IngestContext { device_name: Some(device.to_owned()), ..bare() }
}

/// Parses `body` with default limits, expecting success.
pub fn ok(body: &str, ctx: &IngestContext) -> ParsedBatch {
    parse_thingsboard(body.as_bytes(), ctx, &TimeLimits::default()).unwrap_or_else(|e| panic!("{body}: {e}"))
}

/// Parses `body` with default limits, expecting failure.
pub fn err(body: &str, ctx: &IngestContext) -> PayloadError {
    match parse_thingsboard(body.as_bytes(), ctx, &TimeLimits::default()) {
        Ok(batch) => panic!("{body}: expected an error, got {batch:?}"),
        Err(e) => e,
    }
}

/// The (device, ts, key, value) of every point, sorted.
pub fn tuples(batch: &ParsedBatch) -> Vec<(String, DateTime<Utc>, String, RawValue)> {
    let mut all: Vec<_> =
        batch.points.iter().map(|p| (p.device.clone(), p.ts, p.key.clone(), p.value.clone())).collect();
    all.sort_by(|a, b| (&a.0, a.1, &a.2).cmp(&(&b.0, b.1, &b.2)));
    all
}

/// A (device, ts, key, number) tuple.
pub fn num(device: &str, ts: DateTime<Utc>, key: &str, n: f64) -> (String, DateTime<Utc>, String, RawValue) {
    (device.to_owned(), ts, key.to_owned(), RawValue::Number(n))
}
