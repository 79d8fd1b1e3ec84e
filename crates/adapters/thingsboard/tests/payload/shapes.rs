//! Each accepted shape, with values and timestamps checked.

use crate::support::{at, at_ms, bare, named, num, ok, tuples, RECEIVED_S};
use mgc_adapter_thingsboard::payload::IngestContext;
use mgc_telemetry::RawValue;

#[test]
fn given_canonical_object_when_parsing_then_points_of_named_device_at_ms_ts() {
    let batch = ok(r#"{"device":"inv-1","ts":1699999000123,"values":{"p_kw":4.5,"soc":80}}"#, &bare());

    let ts = at_ms(1_699_999_000_123);
    assert_eq!(tuples(&batch), vec![num("inv-1", ts, "p_kw", 4.5), num("inv-1", ts, "soc", 80.0)]);
    assert!(batch.skipped.is_empty());
    assert!(batch.device_types.is_empty());
}

#[test]
fn given_canonical_ts_in_seconds_when_parsing_then_same_instant_as_milliseconds() {
    let secs = ok(r#"{"device":"m","ts":1699999000,"values":{"e":1}}"#, &bare());
    let millis = ok(r#"{"device":"m","ts":"1699999000000","values":{"e":1}}"#, &bare());

    assert_eq!(secs.points[0].ts, at(1_699_999_000));
    assert_eq!(secs.points, millis.points);
}

#[test]
fn given_canonical_device_with_spaces_when_parsing_then_device_trimmed() {
    let batch = ok(r#"{"device":"  m-7 ","ts":1699999000,"values":{"e":1}}"#, &bare());

    assert_eq!(batch.points[0].device, "m-7");
}

#[test]
fn given_timestamped_object_when_parsing_then_header_device_and_body_ts() {
    let batch = ok(r#"{"ts":1699999500000,"values":{"temperature":42}}"#, &named("T-1"));

    assert_eq!(tuples(&batch), vec![num("T-1", at(1_699_999_500), "temperature", 42.0)]);
}

#[test]
fn given_flat_object_and_x_ts_in_ms_when_parsing_then_header_ts_used() {
    let ctx = IngestContext { ts: Some("1699999600512".into()), ..named("T-1") };

    let batch = ok(r#"{"temperature":25,"humidity":61}"#, &ctx);

    let ts = at_ms(1_699_999_600_512);
    assert_eq!(tuples(&batch), vec![num("T-1", ts, "humidity", 61.0), num("T-1", ts, "temperature", 25.0)]);
}

#[test]
fn given_flat_object_and_x_ts_in_seconds_when_parsing_then_header_ts_used() {
    let ctx = IngestContext { ts: Some(" 1699999600 ".into()), ..named("T-1") };

    let batch = ok(r#"{"temperature":25}"#, &ctx);

    assert_eq!(batch.points[0].ts, at(1_699_999_600));
}

#[test]
fn given_flat_object_without_any_ts_when_parsing_then_receive_time() {
    let ctx = IngestContext { ts: Some("   ".into()), ..named("T-1") };

    let batch = ok(r#"{"temperature":25}"#, &ctx);

    assert_eq!(tuples(&batch), vec![num("T-1", at(RECEIVED_S), "temperature", 25.0)]);
}

#[test]
fn given_flat_object_with_lone_ts_key_when_parsing_then_ts_is_its_timestamp_not_a_point() {
    let ctx = IngestContext { ts: Some("1600000000000".into()), ..named("T-1") };

    let batch = ok(r#"{"ts":1699999700000,"temperature":25}"#, &ctx);

    assert_eq!(tuples(&batch), vec![num("T-1", at(1_699_999_700), "temperature", 25.0)]);
}

#[test]
fn given_thingsboard_dedup_array_with_string_ts_when_parsing_then_points_and_device_types() {
    let body = r#"[
        {"msg":{"temperature":25,"humidity":61},"metadata":{"deviceName":"T-1","deviceType":"thermostat","ts":"1699999000512"}},
        {"msg":{"temperature":26},"metadata":{"deviceName":"T-2","deviceType":"thermostat","ts":"1699999001512"}}
    ]"#;

    let batch = ok(body, &bare());

    assert_eq!(
        tuples(&batch),
        vec![
            num("T-1", at_ms(1_699_999_000_512), "humidity", 61.0),
            num("T-1", at_ms(1_699_999_000_512), "temperature", 25.0),
            num("T-2", at_ms(1_699_999_001_512), "temperature", 26.0),
        ]
    );
    assert_eq!(batch.device_types.get("T-1").map(String::as_str), Some("thermostat"));
    assert_eq!(batch.device_types.len(), 2);
}

#[test]
fn given_dedup_msg_in_upload_format_when_parsing_then_inner_ts_wins() {
    let body = r#"[
        {"msg":{"ts":1699999100000,"values":{"a":1}},"metadata":{"deviceName":"D","ts":"1699999000000"}},
        {"msg":[{"ts":1699999200,"values":{"a":2}},{"b":3}],"metadata":{"deviceName":"D","ts":1699999000}}
    ]"#;

    let batch = ok(body, &bare());

    assert_eq!(
        tuples(&batch),
        vec![
            num("D", at(1_699_999_000), "b", 3.0),
            num("D", at(1_699_999_100), "a", 1.0),
            num("D", at(1_699_999_200), "a", 2.0),
        ]
    );
    assert!(batch.device_types.is_empty());
}

#[test]
fn given_dedup_without_metadata_ts_when_parsing_then_header_ts_then_receive_time() {
    let body = r#"{"msg":{"a":1},"metadata":{"deviceName":"D"}}"#;
    let with_header = IngestContext { ts: Some("1699999300000".into()), ..bare() };

    assert_eq!(ok(body, &with_header).points[0].ts, at(1_699_999_300));
    assert_eq!(ok(body, &bare()).points[0].ts, at(RECEIVED_S));
}

#[test]
fn given_mixed_shape_array_when_parsing_then_every_element_parsed_by_its_own_shape() {
    let body = r#"[
        {"device":"C","ts":1699999000,"values":{"x":1}},
        {"ts":1699999001,"values":{"x":2}},
        {"x":3},
        {"msg":{"x":4},"metadata":{"deviceName":"M","ts":"1699999002000"}}
    ]"#;

    let batch = ok(body, &named("H"));

    assert_eq!(
        tuples(&batch),
        vec![
            num("C", at(1_699_999_000), "x", 1.0),
            num("H", at(1_699_999_001), "x", 2.0),
            num("H", at(RECEIVED_S), "x", 3.0),
            num("M", at(1_699_999_002), "x", 4.0),
        ]
    );
}

#[test]
fn given_header_device_type_when_header_device_used_then_recorded_for_that_device() {
    let ctx = IngestContext { device_type: Some("meter".into()), ..named("  M-1 ") };

    let flat = ok(r#"{"e":1}"#, &ctx);
    let canonical = ok(r#"{"device":"C","ts":1699999000,"values":{"e":1}}"#, &ctx);

    assert_eq!(flat.points[0].device, "M-1");
    assert_eq!(flat.device_types.get("M-1").map(String::as_str), Some("meter"));
    assert!(canonical.device_types.is_empty());
}

#[test]
fn given_empty_object_or_values_without_ts_when_parsing_then_flat_rules_apply() {
    let batch = ok("{}", &named("D"));

    assert!(batch.points.is_empty());
    assert_eq!(ok(r#"{"values":{"a":1}}"#, &named("D")).points[0].value, RawValue::Json(serde_json::json!({"a":1})));
}
