//! Given/when/then rules of the strategy aggregate: creation, versions, enable, delete.

use super::*;
use chrono::TimeZone;
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
}

fn peak() -> StrategyParams {
    StrategyParams::from_parts(
        "peak_shaving",
        json!({"import_limit_w": 50000, "recharge_below_w": 30000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 95.0, "max_charge_w": 20000, "max_discharge_w": 25000}}),
    )
    .unwrap()
}

fn input(station: StationId) -> StrategyInput {
    StrategyInput {
        station_id: station,
        name: "Peak shaving 50 kW".into(),
        params: peak(),
        enabled: None,
        targets: None,
        deadband_w: None,
        command_timeout_s: None,
    }
}

fn created() -> Strategy {
    Strategy::create(StrategyId::new(), TenantId::parse("acme").unwrap(), input(StationId::new()), now()).unwrap()
}

#[test]
fn given_valid_input_when_created_then_version_1_disabled_with_defaults() {
    let s = created();
    assert_eq!((s.version, s.enabled, s.deadband_w, s.command_timeout_s), (1, false, 100, 30));
    assert_eq!(s.created_at, s.updated_at);
}

#[test]
fn given_strategy_when_revised_then_version_increments_and_enabled_is_kept() {
    let mut s = created();
    s.set_enabled(true, now());
    let mut i = input(s.station_id);
    i.deadband_w = Some(500);
    s.revise(i, now() + chrono::Duration::minutes(1)).unwrap();
    assert_eq!((s.version, s.enabled, s.deadband_w), (3, true, 500));
    assert_eq!(s.updated_at, now() + chrono::Duration::minutes(1));
}

#[test]
fn given_strategy_when_revised_for_another_station_then_rejected_naming_station_id() {
    let mut s = created();
    let err = s.revise(input(StationId::new()), now()).unwrap_err();
    assert!(err.starts_with("station_id:"), "{err}");
    assert_eq!(s.version, 1);
}

#[test]
fn given_enabled_strategy_when_enabled_again_then_nothing_changes() {
    let mut s = created();
    assert!(s.set_enabled(true, now()));
    assert!(!s.set_enabled(true, now()));
    assert_eq!(s.version, 2);
    assert!(s.set_enabled(false, now()));
    assert_eq!((s.version, s.enabled), (3, false));
}

#[test]
fn given_strategy_when_deleted_then_disabled_marked_and_versioned() {
    let mut s = created();
    s.set_enabled(true, now());
    s.delete(now());
    assert!(s.is_deleted() && !s.enabled);
    assert_eq!(s.version, 3);
}

#[test]
fn given_bad_settings_when_created_then_message_names_the_field() {
    let mut i = input(StationId::new());
    i.command_timeout_s = Some(0);
    let err = Strategy::create(StrategyId::new(), TenantId::parse("acme").unwrap(), i, now()).unwrap_err();
    assert!(err.starts_with("command_timeout_s:"), "{err}");
    let mut i = input(StationId::new());
    i.name = "  ".into();
    assert!(Strategy::create(StrategyId::new(), TenantId::parse("acme").unwrap(), i, now())
        .unwrap_err()
        .starts_with("name:"));
    let mut i = input(StationId::new());
    let d = DeviceId::new();
    i.targets = Some(Targets { battery_device_id: None, pv_device_ids: Some(vec![d, d]) });
    let err = Strategy::create(StrategyId::new(), TenantId::parse("acme").unwrap(), i, now()).unwrap_err();
    assert!(err.starts_with("targets.pv_device_ids[1]"), "{err}");
}

#[test]
fn given_unknown_type_when_parsed_then_type_is_named() {
    let err = StrategyParams::from_parts("peak_shaver", json!({})).unwrap_err();
    assert!(err.starts_with("type:"), "{err}");
    let err = StrategyParams::from_parts("peak_shaving", json!({"import_limit_w": 1})).unwrap_err();
    assert!(err.starts_with("params:"), "{err}");
}

#[test]
fn given_strategy_when_serialized_then_type_and_params_are_top_level_and_read_back() {
    let s = created();
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["type"], "peak_shaving");
    assert_eq!(v["params"]["import_limit_w"], 50000);
    let back: Strategy = serde_json::from_value(v).unwrap();
    assert_eq!(back, s);
}
