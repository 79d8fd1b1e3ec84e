use super::*;
use crate::messages::types::MeterValue;
use chrono::{TimeZone, Utc};
use mgc_kernel::DeviceId;
use mgc_telemetry::RawValue;
use serde_json::json;

fn values(sampled: serde_json::Value) -> Vec<MeterValue> {
    serde_json::from_value(json!([{"timestamp": "2026-03-01T12:00:00Z", "sampledValue": sampled}])).unwrap()
}

fn by_name(points: &[mgc_telemetry::domain::stored::StoredPoint]) -> Vec<(String, RawValue)> {
    let mut v: Vec<_> = points.iter().map(|p| (p.point.clone(), p.value.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn given_every_mapped_measurand_on_connector_1_when_mapped_then_semantic_points_in_base_units() {
    let mv = values(json!([
        {"value": "12.345", "unit": "kWh"},
        {"value": "2", "measurand": "Energy.Active.Export.Register", "unit": "kWh"},
        {"value": "7.4", "measurand": "Power.Active.Import", "unit": "kW"},
        {"value": "0.5", "measurand": "Power.Reactive.Import", "unit": "kvar"},
        {"value": "32", "measurand": "Current.Import", "unit": "A"},
        {"value": "230.5", "measurand": "Voltage", "unit": "V"},
        {"value": "50", "measurand": "Frequency"},
        {"value": "80", "measurand": "SoC", "location": "EV", "unit": "Percent"},
        {"value": "300.15", "measurand": "Temperature", "location": "Body", "unit": "K"}
    ]));
    let mut got = by_name(&meter_points(DeviceId::new(), 1, &mv));
    let temperature = got.remove(got.iter().position(|(n, _)| n == "temperature_c").unwrap());
    let n = |name: &str, v: f64| (name.to_owned(), RawValue::Number(v));
    let want = vec![
        n("active_power_w", 7400.0),
        n("charge_power_w", 7400.0),
        n("current_a", 32.0),
        n("energy_export_wh", 2000.0),
        n("energy_import_wh", 12345.0),
        n("frequency_hz", 50.0),
        n("reactive_power_var", 500.0),
        n("soc_pct", 80.0),
        n("voltage_v", 230.5),
    ];
    assert_eq!(got, want);
    let RawValue::Number(t) = temperature.1 else { panic!("{temperature:?}") };
    assert!((t - 27.0).abs() < 1e-9);
}

#[test]
fn given_phase_values_and_other_measurands_when_mapped_then_kept_under_raw_keys() {
    let mv = values(json!([
        {"value": "10", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
        {"value": "11", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
        {"value": "3.5", "measurand": "Power.Offered", "unit": "kW"},
        {"value": "40", "measurand": "Temperature", "location": "Cable"},
        {"value": "n/a", "measurand": "RPM"},
        {"value": "abcd", "format": "SignedData"}
    ]));
    let got = by_name(&meter_points(DeviceId::new(), 1, &mv));
    assert_eq!(
        got,
        vec![
            ("ocpp.Current.Import.L1".to_owned(), RawValue::Number(10.0)),
            ("ocpp.Current.Import.L2".to_owned(), RawValue::Number(11.0)),
            ("ocpp.Power.Offered".to_owned(), RawValue::Number(3500.0)),
            ("ocpp.RPM".to_owned(), RawValue::Text("n/a".into())),
            ("ocpp.Temperature@Cable".to_owned(), RawValue::Number(40.0)),
        ]
    );
}

#[test]
fn given_per_phase_power_only_when_mapped_then_total_is_the_sum_like_the_session_and_phases_kept() {
    let mv = values(json!([
        {"value": "1000", "measurand": "Power.Active.Import", "phase": "L1", "unit": "W"},
        {"value": "1500", "measurand": "Power.Active.Import", "phase": "L2", "unit": "W"}
    ]));
    let names: Vec<_> = by_name(&meter_points(DeviceId::new(), 1, &mv)).into_iter().collect();
    assert!(names.contains(&("active_power_w".to_owned(), RawValue::Number(2500.0))), "{names:?}");
    assert!(names.contains(&("ocpp.Power.Active.Import.L1".to_owned(), RawValue::Number(1000.0))));
}

#[test]
fn given_connectors_other_than_1_when_mapped_then_every_key_carries_the_connector() {
    let mv = values(json!([
        {"value": "5000"},
        {"value": "16", "measurand": "Current.Import", "phase": "L1"}
    ]));
    for c in [0, 2] {
        let got: Vec<_> = by_name(&meter_points(DeviceId::new(), c, &mv)).into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, vec![format!("ocpp.c{c}.Current.Import.L1"), format!("ocpp.c{c}.energy_import_wh")]);
    }
}

#[test]
fn given_register_reading_when_mapped_then_one_import_register_point_at_its_time() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 5, 0).unwrap();
    let points = meter_points(DeviceId::new(), 1, &[register_reading(at, 4321)]);
    assert_eq!(points.len(), 1);
    assert_eq!((points[0].point.as_str(), points[0].ts, points[0].num_value), ("energy_import_wh", at, Some(4321.0)));
}
