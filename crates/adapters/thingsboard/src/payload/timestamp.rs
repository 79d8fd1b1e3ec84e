//! Timestamp rules: epoch seconds or milliseconds as a JSON number or a string of digits, within bounds.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::error::{codes, PayloadError};
use super::path::JsonPath;
use super::{IngestContext, TimeLimits};

/// Epoch values at or above this are milliseconds, below it seconds.
const MILLIS_THRESHOLD: u64 = 100_000_000_000;

/// Why a value is not an accepted timestamp; its text is the reason of `invalid_timestamp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TimestampError {
    /// Neither a number nor a string (the JSON type found).
    #[error("must be epoch seconds or milliseconds, found {0}")]
    WrongType(&'static str),
    /// A negative number (as written).
    #[error("{0} is negative")]
    Negative(String),
    /// A number with a fraction, or not finite (as written).
    #[error("{0} is not a whole number of seconds or milliseconds")]
    NotWhole(String),
    /// A string with something else than ASCII digits (shortened).
    #[error("{0:?} is not epoch seconds or milliseconds (digits only)")]
    NotDigits(String),
    /// An epoch value no instant corresponds to (as written, shortened).
    #[error("{0} is out of the representable time range")]
    Unrepresentable(String),
    /// An instant before the earliest or after the latest accepted one (RFC 3339).
    #[error("{at} is outside the allowed range {earliest} to {latest}")]
    OutOfBounds {
        /// The instant found.
        at: String,
        /// Earliest accepted instant.
        earliest: String,
        /// Latest accepted instant.
        latest: String,
    },
}

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
        let ts = match value {
            Value::Number(n) => number_epoch(n),
            Value::String(s) => digits_epoch(s),
            other => Err(TimestampError::WrongType(kind(other))),
        };
        Self::fail_at(ts.and_then(|epoch| self.check(epoch)), path)
    }

    /// Parses the `X-Ts` header value.
    pub(crate) fn parse_header(&self, raw: &str) -> Result<DateTime<Utc>, PayloadError> {
        Self::fail_at(digits_epoch(raw.trim()).and_then(|epoch| self.check(epoch)), &JsonPath::header("X-Ts"))
    }

    /// `invalid_timestamp` at `path` with the reason of a refused timestamp.
    fn fail_at(ts: Result<DateTime<Utc>, TimestampError>, path: &JsonPath) -> Result<DateTime<Utc>, PayloadError> {
        ts.map_err(|e| PayloadError::new(codes::INVALID_TIMESTAMP, path.as_str(), e.to_string()))
    }

    /// Converts an epoch number to an instant and checks it against the bounds.
    fn check(&self, epoch: u64) -> Result<DateTime<Utc>, TimestampError> {
        let ts = to_instant(epoch).ok_or_else(|| TimestampError::Unrepresentable(epoch.to_string()))?;
        if ts < self.earliest || ts > self.latest {
            return Err(TimestampError::OutOfBounds {
                at: rfc3339(ts),
                earliest: rfc3339(self.earliest),
                latest: rfc3339(self.latest),
            });
        }
        Ok(ts)
    }
}

/// The epoch value of a JSON number: non-negative integers, or floats without a fraction.
fn number_epoch(n: &serde_json::Number) -> Result<u64, TimestampError> {
    if let Some(u) = n.as_u64() {
        return Ok(u);
    }
    if n.as_i64().is_some() {
        return Err(TimestampError::Negative(n.to_string()));
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    if !f.is_finite() || f.fract() != 0.0 {
        return Err(TimestampError::NotWhole(n.to_string()));
    }
    if f < 0.0 {
        return Err(TimestampError::Negative(n.to_string()));
    }
    if f >= 18_446_744_073_709_551_616.0 {
        return Err(TimestampError::Unrepresentable(n.to_string()));
    }
    // Whole, non-negative and below 2^64: the conversion is exact.
    Ok(f as u64)
}

/// The epoch value of a string made only of ASCII digits.
fn digits_epoch(s: &str) -> Result<u64, TimestampError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimestampError::NotDigits(shorten(s)));
    }
    s.parse::<u64>().map_err(|_| TimestampError::Unrepresentable(shorten(s)))
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
    fn given_each_refusal_when_checking_then_its_variant_and_the_same_reason_text() {
        let b = bounds();
        let n = |v: serde_json::Value| match v {
            Value::Number(n) => number_epoch(&n),
            _ => Ok(0),
        };
        assert_eq!(n(json!(-1)), Err(TimestampError::Negative("-1".into())));
        assert_eq!(n(json!(-1.0)), Err(TimestampError::Negative("-1.0".into())));
        assert_eq!(n(json!(1.5)), Err(TimestampError::NotWhole("1.5".into())));
        assert_eq!(n(json!(1e300)), Err(TimestampError::Unrepresentable("1e+300".into())));
        assert_eq!(digits_epoch("12a"), Err(TimestampError::NotDigits("12a".into())));
        let long = "9".repeat(45);
        assert_eq!(digits_epoch(&long), Err(TimestampError::Unrepresentable(format!("{}…", "9".repeat(40)))));
        assert_eq!(b.check(u64::MAX), Err(TimestampError::Unrepresentable(u64::MAX.to_string())));
        let early = b.check(1);
        assert!(matches!(early, Err(TimestampError::OutOfBounds { .. })), "{early:?}");
        let reason = early.err().map(|e| e.to_string());
        assert_eq!(
            reason.as_deref(),
            Some("1970-01-01T00:00:01.000Z is outside the allowed range 2000-01-01T00:00:00.000Z to 2023-11-14T23:13:20.000Z")
        );
        let wrong = b.parse_json(&json!(true), &JsonPath::root()).err().map(|e| e.reason);
        assert_eq!(wrong.as_deref(), Some("must be epoch seconds or milliseconds, found a boolean"));
        let digits = b.parse_header("12a").err().map(|e| (e.path, e.reason));
        let want = ("header X-Ts".to_owned(), r#""12a" is not epoch seconds or milliseconds (digits only)"#.to_owned());
        assert_eq!(digits, Some(want));
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
