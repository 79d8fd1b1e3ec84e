//! Value kinds, null skipping, key trimming and duplicate handling.

use crate::support::{at, named, ok};
use mgc_adapter_thingsboard::payload::{ParsedBatch, Skipped};
use mgc_telemetry::RawValue;
use serde_json::json;

fn value_of(batch: &ParsedBatch, key: &str) -> Option<RawValue> {
    batch.points.iter().find(|p| p.key == key).map(|p| p.value.clone())
}

#[test]
fn given_boolean_string_and_json_values_when_parsing_then_typed_raw_values() {
    let body = r#"{"ts":1699999000,"values":{"on":true,"mode":"eco","cells":[3.31,3.32],"meta":{"fw":"1.2"}}}"#;

    let batch = ok(body, &named("D"));

    assert_eq!(value_of(&batch, "on"), Some(RawValue::Bool(true)));
    assert_eq!(value_of(&batch, "mode"), Some(RawValue::Text("eco".into())));
    assert_eq!(value_of(&batch, "cells"), Some(RawValue::Json(json!([3.31, 3.32]))));
    assert_eq!(value_of(&batch, "meta"), Some(RawValue::Json(json!({"fw": "1.2"}))));
    assert_eq!(value_of(&batch, "on").and_then(|v| v.as_f64()), Some(1.0));
}

#[test]
fn given_integer_beyond_2_pow_53_when_parsing_then_number_loses_precision_as_documented() {
    let batch = ok(r#"{"big":9007199254740993}"#, &named("D"));

    assert_eq!(value_of(&batch, "big"), Some(RawValue::Number(9_007_199_254_740_992.0)));
}

#[test]
fn given_null_values_when_parsing_then_skipped_with_path_and_reason() {
    let body = r#"[{"ts":1699999000,"values":{"a":1,"b":null}},{"c":null}]"#;

    let batch = ok(body, &named("D"));

    assert_eq!(batch.points.len(), 1);
    assert_eq!(
        batch.skipped,
        vec![
            Skipped { path: "$[0].values.b".into(), reason: "null value".into() },
            Skipped { path: "$[1].c".into(), reason: "null value".into() },
        ]
    );
}

#[test]
fn given_keys_with_surrounding_spaces_when_parsing_then_trimmed_and_128_chars_accepted() {
    let max = "é".repeat(128);
    let body = format!(r#"{{" temperature\t":20,"{max}":1}}"#);

    let batch = ok(&body, &named("D"));

    assert_eq!(value_of(&batch, "temperature"), Some(RawValue::Number(20.0)));
    assert_eq!(value_of(&batch, &max), Some(RawValue::Number(1.0)));
}

#[test]
fn given_duplicate_device_ts_key_when_parsing_then_last_wins_at_first_position() {
    let body = r#"[
        {"device":"D","ts":1699999000,"values":{"a":1,"b":1}},
        {"ts":1699999000000,"values":{"a":2,"b":null}},
        {"ts":1699999001,"values":{"a":3}},
        {"msg":{" a ":4},"metadata":{"deviceName":"D","ts":"1699999000"}}
    ]"#;

    let batch = ok(body, &named("D"));

    let got: Vec<_> = batch.points.iter().map(|p| (p.ts, p.key.as_str(), p.value.clone())).collect();
    assert_eq!(
        got,
        vec![
            (at(1_699_999_000), "a", RawValue::Number(4.0)),
            (at(1_699_999_000), "b", RawValue::Number(1.0)),
            (at(1_699_999_001), "a", RawValue::Number(3.0)),
        ]
    );
}

#[test]
fn given_raw_values_when_serde_round_trip_then_equal_and_adjacently_tagged() {
    let values = [
        RawValue::Number(-1.5),
        RawValue::Bool(false),
        RawValue::Text("x".into()),
        RawValue::Json(json!({"k": [1, null]})),
    ];
    for v in values {
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<RawValue>(&text).unwrap(), v, "{text}");
    }
    assert_eq!(serde_json::to_value(RawValue::Number(2.0)).unwrap(), json!({"type": "number", "value": 2.0}));
    assert_eq!(serde_json::to_value(RawValue::Json(json!([1]))).unwrap(), json!({"type": "json", "value": [1]}));
}

#[test]
fn given_skipped_entry_when_serialized_then_path_and_reason_fields() {
    let s = Skipped { path: "$.a".into(), reason: "null value".into() };

    assert_eq!(serde_json::to_value(s).unwrap(), json!({"path": "$.a", "reason": "null value"}));
}
