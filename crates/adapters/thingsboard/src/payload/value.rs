//! Key and value rules: trimmed bounded keys, JSON values mapped to [`RawValue`], `null` skipped.

use serde_json::Value;

use super::error::{codes, PayloadError};
use super::path::JsonPath;
use mgc_telemetry::RawValue;

/// Longest accepted key, in characters, after trimming.
pub(crate) const MAX_KEY_CHARS: usize = 128;

/// The trimmed key, or `invalid_key` at `path` when it is empty, too long or holds a control
/// character.
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
    if key.chars().any(char::is_control) {
        return Err(PayloadError::new(codes::INVALID_KEY, path.as_str(), "key contains a control character"));
    }
    Ok(key.to_owned())
}

/// True when a string anywhere in `value` (keys included) holds a NUL character.
fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(members) => members.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The received value, or `None` for `null` (which the caller records as skipped);
/// `invalid_value` at `path` when it holds a NUL character.
pub(crate) fn to_raw_value(value: &Value, path: &JsonPath) -> Result<Option<RawValue>, PayloadError> {
    if holds_nul(value) {
        return Err(PayloadError::new(codes::INVALID_VALUE, path.as_str(), "value contains a NUL character (\\u0000)"));
    }
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(RawValue::Bool(*b)),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| RawValue::Json(value.clone()), RawValue::Number)),
        Value::String(s) => Some(RawValue::Text(s.clone())),
        Value::Array(_) | Value::Object(_) => Some(RawValue::Json(value.clone())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_json_values_when_converting_then_matching_raw_value() {
        let p = JsonPath::root();
        assert_eq!(to_raw_value(&json!(3), &p), Ok(Some(RawValue::Number(3.0))));
        assert_eq!(to_raw_value(&json!(false), &p), Ok(Some(RawValue::Bool(false))));
        assert_eq!(to_raw_value(&json!("on"), &p), Ok(Some(RawValue::Text("on".into()))));
        assert_eq!(to_raw_value(&json!({"a": [1]}), &p), Ok(Some(RawValue::Json(json!({"a": [1]})))));
        assert_eq!(to_raw_value(&json!(null), &p), Ok(None));
    }

    #[test]
    fn given_nul_characters_when_converting_then_invalid_value_or_key() {
        let p = JsonPath::root();
        for bad in [json!("a\u{0}b"), json!({"x": ["ok", "a\u{0}"]}), json!({"k\u{0}": 1})] {
            assert_eq!(to_raw_value(&bad, &p).map_err(|e| e.code), Err(codes::INVALID_VALUE), "{bad}");
        }
        assert_eq!(normalize_key("a\u{0}b", &p).map_err(|e| e.code), Err(codes::INVALID_KEY));
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
