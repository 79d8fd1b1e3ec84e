//! Key and value rules: trimmed bounded keys, JSON values mapped to [`RawValue`], `null` skipped.

use serde_json::Value;

use super::error::{codes, PayloadError};
use super::path::JsonPath;
use crate::domain::point::RawValue;

/// Longest accepted key, in characters, after trimming.
pub(crate) const MAX_KEY_CHARS: usize = 128;

/// The trimmed key, or `invalid_key` at `path` when it is empty or too long.
pub(crate) fn normalize_key(raw: &str, path: &JsonPath) -> Result<String, PayloadError> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(PayloadError::new(codes::INVALID_KEY, path.as_str(), "key is empty"));
    }
    let len = key.chars().count();
    if len > MAX_KEY_CHARS {
        return Err(PayloadError::new(
            codes::INVALID_KEY,
            path.as_str(),
            format!("key has {len} characters, more than the limit of {MAX_KEY_CHARS}"),
        ));
    }
    Ok(key.to_owned())
}

/// The received value, or `None` for `null` (which the caller records as skipped).
pub(crate) fn to_raw_value(value: &Value) -> Option<RawValue> {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(RawValue::Bool(*b)),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| RawValue::Json(value.clone()), RawValue::Number)),
        Value::String(s) => Some(RawValue::Text(s.clone())),
        Value::Array(_) | Value::Object(_) => Some(RawValue::Json(value.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_json_values_when_converting_then_matching_raw_value() {
        assert_eq!(to_raw_value(&json!(3)), Some(RawValue::Number(3.0)));
        assert_eq!(to_raw_value(&json!(false)), Some(RawValue::Bool(false)));
        assert_eq!(to_raw_value(&json!("on")), Some(RawValue::Text("on".into())));
        assert_eq!(to_raw_value(&json!({"a": [1]})), Some(RawValue::Json(json!({"a": [1]}))));
        assert_eq!(to_raw_value(&json!(null)), None);
    }

    #[test]
    fn given_keys_when_normalizing_then_trimmed_and_bounded() {
        let p = JsonPath::root();
        assert_eq!(normalize_key("  temp ", &p).ok().as_deref(), Some("temp"));
        assert_eq!(normalize_key(&"é".repeat(MAX_KEY_CHARS), &p).map(|k| k.chars().count()).ok(), Some(MAX_KEY_CHARS));
        assert!(normalize_key(&"k".repeat(MAX_KEY_CHARS + 1), &p).is_err());
        assert!(normalize_key(" \t", &p).is_err());
    }
}
