//! Timestamp rules: epoch seconds or milliseconds as a JSON number or a string of digits, within bounds.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::error::{codes, PayloadError};
use super::path::JsonPath;
use super::{IngestContext, TimeLimits};

/// Epoch values at or above this are milliseconds, below it seconds.
const MILLIS_THRESHOLD: u64 = 100_000_000_000;

/// The accepted time range for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TsBounds {
    /// Earliest accepted instant.
    earliest: DateTime<Utc>,
    /// Latest accepted instant (`received_at + max_future`).
    latest: DateTime<Utc>,
}

impl TsBounds {
    /// The bounds for a request received per `ctx` under `limits`.
    pub(crate) fn new(ctx: &IngestContext, limits: &TimeLimits) -> Self {
        let latest = ctx.received_at.checked_add_signed(limits.max_future).unwrap_or(DateTime::<Utc>::MAX_UTC);
        Self { earliest: limits.earliest, latest }
    }

    /// Parses a timestamp found in the body at `path`.
    pub(crate) fn parse_json(&self, value: &Value, path: &JsonPath) -> Result<DateTime<Utc>, PayloadError> {
        let epoch = match value {
            Value::Number(n) => number_epoch(n),
            Value::String(s) => digits_epoch(s),
            other => Err(format!("must be epoch seconds or milliseconds, found {}", kind(other))),
        };
        self.finish(epoch, path)
    }

    /// Parses the `X-Ts` header value.
    pub(crate) fn parse_header(&self, raw: &str) -> Result<DateTime<Utc>, PayloadError> {
        self.finish(digits_epoch(raw.trim()), &JsonPath::header("X-Ts"))
    }

    /// Converts an epoch number to an instant and checks it against the bounds.
    fn finish(&self, epoch: Result<u64, String>, path: &JsonPath) -> Result<DateTime<Utc>, PayloadError> {
        let fail = |reason: String| PayloadError::new(codes::INVALID_TIMESTAMP, path.as_str(), reason);
        let epoch = epoch.map_err(fail)?;
        let ts = to_instant(epoch).ok_or_else(|| fail(format!("{epoch} is out of the representable time range")))?;
        if ts < self.earliest || ts > self.latest {
            return Err(fail(format!(
                "{} is outside the allowed range {} to {}",
                rfc3339(ts),
                rfc3339(self.earliest),
                rfc3339(self.latest)
            )));
        }
        Ok(ts)
    }
}

/// The epoch value of a JSON number: non-negative integers, or floats without a fraction.
fn number_epoch(n: &serde_json::Number) -> Result<u64, String> {
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    if n.as_i64().is_some() {
        return Err(format!("{n} is negative"));
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if !f.is_finite() || f.fract() != 0.0 {
        return Err(format!("{n} is not a whole number of seconds or milliseconds"));
    }
    if f < 0.0 {
        return Err(format!("{n} is negative"));
    }
    if f >= 18_446_744_073_709_551_616.0 {
        return Err(format!("{n} is out of the representable time range"));
    }
    // Whole, non-negative and below 2^64: the conversion is exact.
    Ok(f as u64)
}

/// The epoch value of a string made only of ASCII digits.
fn digits_epoch(s: &str) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{:?} is not epoch seconds or milliseconds (digits only)", shorten(s)));
    }
    s.parse::<u64>().map_err(|_| format!("{} is out of the representable time range", shorten(s)))
}

/// Milliseconds when at least [`MILLIS_THRESHOLD`], else seconds.
fn to_instant(epoch: u64) -> Option<DateTime<Utc>> {
    let n = i64::try_from(epoch).ok()?;
    if epoch >= MILLIS_THRESHOLD {
        DateTime::from_timestamp_millis(n)
    } else {
        DateTime::from_timestamp(n, 0)
    }
}

/// RFC 3339 with milliseconds and `Z`.
fn rfc3339(ts: DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// At most 40 characters of `s`, for error messages.
fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).chain(std::iter::once('…')).collect()
    } else {
        s.to_owned()
    }
}

/// The JSON type name of a value, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bounds() -> TsBounds {
        let ctx = IngestContext {
            received_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            ..IngestContext::default()
        };
        TsBounds::new(&ctx, &TimeLimits::default())
    }

    #[test]
    fn given_ms_s_float_and_digit_string_when_parsing_then_same_instant() {
        let b = bounds();
        let p = JsonPath::root();
        let want = DateTime::from_timestamp(1_600_000_000, 0);
        for v in [json!(1_600_000_000_000_u64), json!(1_600_000_000), json!(1.6e12), json!("1600000000000")] {
            assert_eq!(b.parse_json(&v, &p).ok(), want, "{v}");
        }
    }

    #[test]
    fn given_bad_values_when_parsing_then_invalid_timestamp() {
        let b = bounds();
        let p = JsonPath::root();
        for v in
            [json!(-1), json!(1.5), json!("12a"), json!(""), json!(true), json!(1e300), json!("99999999999999999999")]
        {
            let err = b.parse_json(&v, &p).err();
            assert_eq!(err.map(|e| e.code), Some(codes::INVALID_TIMESTAMP), "{v}");
        }
    }
}
