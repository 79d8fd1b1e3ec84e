//! A data point as received, before device resolution and key mapping.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A telemetry value as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum RawValue {
    /// A JSON number, as `f64` (integers beyond 2^53 lose precision).
    Number(f64),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON string.
    Text(String),
    /// A JSON object or array, kept as is.
    Json(serde_json::Value),
}

impl RawValue {
    /// The numeric reading: numbers as they are, booleans as `1.0`/`0.0`, anything else `None`.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Self::Text(_) | Self::Json(_) => None,
        }
    }
}

/// One received data point, before device resolution and key mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPoint {
    /// The device name as sent (canonical `device`, `metadata.deviceName` or `X-Device-Name`).
    pub device: String,
    /// When the value was measured.
    pub ts: DateTime<Utc>,
    /// The telemetry key, trimmed.
    pub key: String,
    /// The value.
    pub value: RawValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_each_variant_when_as_f64_then_numbers_and_bools_convert() {
        assert_eq!(RawValue::Number(2.5).as_f64(), Some(2.5));
        assert_eq!(RawValue::Bool(true).as_f64(), Some(1.0));
        assert_eq!(RawValue::Bool(false).as_f64(), Some(0.0));
        assert_eq!(RawValue::Text("1".into()).as_f64(), None);
        assert_eq!(RawValue::Json(serde_json::json!([1])).as_f64(), None);
    }
}
