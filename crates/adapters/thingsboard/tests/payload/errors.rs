//! Every rejection code with its path.

use crate::support::{bare, err, named, ok};
use mgc_adapter_thingsboard::payload::codes;
use mgc_adapter_thingsboard::payload::{parse_thingsboard, IngestContext, TimeLimits};

#[test]
fn given_non_json_body_when_parsing_then_malformed_json_at_root_with_position() {
    let e = err("{\"a\":1,\n oops}", &named("D"));

    assert_eq!((e.code, e.path.as_str()), (codes::MALFORMED_JSON, "$"));
    assert!(e.reason.contains("line 2 column"), "{}", e.reason);
    assert_eq!(err("", &named("D")).code, codes::MALFORMED_JSON);
}

#[test]
fn given_nesting_beyond_recursion_limit_when_parsing_then_malformed_json_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));

    assert_eq!(err(&deep, &named("D")).code, codes::MALFORMED_JSON);
}

#[test]
fn given_empty_array_when_parsing_then_empty_batch() {
    let e = err("[]", &named("D"));

    assert_eq!((e.code, e.path.as_str()), (codes::EMPTY_BATCH, "$"));
}

#[test]
fn given_non_object_elements_when_parsing_then_invalid_shape_at_element() {
    for (body, path) in [("42", "$"), (r#""x""#, "$"), (r#"[{"a":1},2]"#, "$[1]"), ("[[{}]]", "$[0]"), ("null", "$")] {
        let e = err(body, &named("D"));
        assert_eq!((e.code, e.path.as_str()), (codes::INVALID_SHAPE, path), "{body}");
    }
}

#[test]
fn given_values_msg_or_metadata_not_objects_when_parsing_then_invalid_shape_at_member() {
    let cases = [
        (r#"[{"device":"C","ts":1699999000,"values":[1]}]"#, "$[0].values"),
        (r#"{"device":"C","ts":1699999000}"#, "$.values"),
        (r#"[{"ts":1699999000,"values":5}]"#, "$[0].values"),
        (r#"[{"msg":"x","metadata":{"deviceName":"D"}}]"#, "$[0].msg"),
        (r#"[{"msg":[{"a":1},7],"metadata":{"deviceName":"D"}}]"#, "$[0].msg[1]"),
        (r#"[{"msg":{"a":1},"metadata":[]}]"#, "$[0].metadata"),
        (r#"{"device":5,"ts":1699999000,"values":{}}"#, "$.device"),
    ];
    for (body, path) in cases {
        let e = err(body, &named("D"));
        assert_eq!((e.code, e.path.as_str()), (codes::INVALID_SHAPE, path), "{body}: {}", e.reason);
    }
}

#[test]
fn given_no_usable_device_name_when_parsing_then_missing_device_with_hint() {
    let untemplated = named("${deviceName}");
    let blank = named("  ");
    let cases = [
        (r#"{"a":1}"#, &bare(), "$"),
        (r#"[{"device":"C","ts":1699999000,"values":{}},{"a":1}]"#, &blank, "$[1]"),
        (r#"{"ts":1699999000,"values":{"a":1}}"#, &untemplated, "$"),
    ];
    for (body, ctx, path) in cases {
        let e = err(body, ctx);
        assert_eq!((e.code, e.path.as_str()), (codes::MISSING_DEVICE, path), "{body}");
        assert!(e.reason.contains("X-Device-Name") && e.reason.contains("canonical"), "{}", e.reason);
    }
}

#[test]
fn given_body_device_missing_or_blank_when_parsing_then_missing_device_at_its_path() {
    let cases = [
        (r#"[{"msg":{"a":1},"metadata":{"ts":"1699999000000"}}]"#, "$[0].metadata.deviceName"),
        (r#"[{"msg":{"a":1},"metadata":{"deviceName":" "}}]"#, "$[0].metadata.deviceName"),
        (r#"{"device":"","ts":1699999000,"values":{}}"#, "$.device"),
    ];
    for (body, path) in cases {
        let e = err(body, &named("D"));
        assert_eq!((e.code, e.path.as_str()), (codes::MISSING_DEVICE, path), "{body}");
    }
}

#[test]
fn given_malformed_timestamps_when_parsing_then_invalid_timestamp_at_path() {
    let cases = [
        (r#"[{"device":"C","ts":-5,"values":{}}]"#, "$[0].ts"),
        (r#"[{"device":"C","ts":1699999000.5,"values":{}}]"#, "$[0].ts"),
        (r#"[{"device":"C","ts":"2023-11-14","values":{}}]"#, "$[0].ts"),
        (r#"[{"device":"C","values":{}}]"#, "$[0].ts"),
        (r#"[{"ts":null,"values":{}}]"#, "$[0].ts"),
        (r#"[{"a":1},{"msg":{"a":1},"metadata":{"deviceName":"D","ts":"17e11"}}]"#, "$[1].metadata.ts"),
        (r#"{"ts":true,"a":1}"#, "$.ts"),
    ];
    for (body, path) in cases {
        let e = err(body, &named("D"));
        assert_eq!((e.code, e.path.as_str()), (codes::INVALID_TIMESTAMP, path), "{body}: {}", e.reason);
    }
}

#[test]
fn given_timestamps_outside_limits_when_parsing_then_reason_names_time_and_range() {
    let too_old = err(r#"{"device":"C","ts":946684799,"values":{}}"#, &bare());
    let too_new = err(r#"{"device":"C","ts":1700003601000,"values":{}}"#, &bare());

    assert_eq!((too_old.code, too_old.path.as_str()), (codes::INVALID_TIMESTAMP, "$.ts"));
    assert_eq!(
        too_old.reason,
        "1999-12-31T23:59:59.000Z is outside the allowed range 2000-01-01T00:00:00.000Z to 2023-11-14T23:13:20.000Z"
    );
    assert!(too_new.reason.starts_with("2023-11-14T23:13:21.000Z is outside"), "{}", too_new.reason);
    assert_eq!(ok(r#"{"device":"C","ts":1700003600000,"values":{}}"#, &bare()).points.len(), 0);
}

#[test]
fn given_invalid_x_ts_header_when_needed_then_invalid_timestamp_at_header_only_then() {
    let ctx = IngestContext { ts: Some("${ts}".into()), ..named("D") };

    let e = err(r#"{"a":1}"#, &ctx);

    assert_eq!((e.code, e.path.as_str()), (codes::INVALID_TIMESTAMP, "header X-Ts"));
    assert_eq!(ok(r#"{"ts":1699999000,"values":{"a":1}}"#, &ctx).points.len(), 1);
}

#[test]
fn given_blank_or_overlong_keys_when_parsing_then_invalid_key_at_path() {
    let long = "k".repeat(129);
    let long_body = format!(r#"[{{"a":1}},{{"ts":1699999000,"values":{{"{long}":1}}}}]"#);
    let cases = [
        (r#"{"device":"C","ts":1699999000,"values":{"  ":1}}"#.to_owned(), r#"$.values["  "]"#.to_owned()),
        (long_body, format!("$[1].values[\"{}…\"]", "k".repeat(64))),
    ];
    for (body, path) in cases {
        let e = err(&body, &named("D"));
        assert_eq!((e.code, e.path.as_str()), (codes::INVALID_KEY, path.as_str()), "{}", e.reason);
    }
}

#[test]
fn given_more_points_than_limit_when_parsing_then_too_many_points_naming_count_and_limit() {
    let limits = TimeLimits { max_points: 2, ..TimeLimits::default() };
    let ctx = named("D");

    let three = parse_thingsboard(br#"{"a":1,"b":2,"c":3}"#, &ctx, &limits);
    let two_after_merge = parse_thingsboard(br#"[{"a":1,"b":2},{"a":3}]"#, &ctx, &limits);

    let e = three.unwrap_err();
    assert_eq!((e.code, e.path.as_str()), (codes::TOO_MANY_POINTS, "$"));
    assert!(e.reason.contains('3') && e.reason.contains('2'), "{}", e.reason);
    assert_eq!(two_after_merge.unwrap().points.len(), 2);
}

#[test]
fn given_an_error_when_displayed_then_path_colon_reason() {
    let e = err("[]", &named("D"));

    assert_eq!(e.to_string(), format!("$: {}", e.reason));
}
