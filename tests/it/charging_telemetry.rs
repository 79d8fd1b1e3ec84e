//! OCPP meter readings become telemetry of the charger's masterdata device, on both backends:
//! latest values and raw reads, hour statistics after analytics runs, idempotent retries, and
//! nothing written for a charge point without a device.

use crate::charging_store::{booted, cp};
use crate::support::{t0, tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use mgc_adapter_ocpp::csms::{answer, Caller};
use mgc_charging::ChargingSettings;
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let (s, body) = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    body
}

/// Sends one CALL of `identity` and returns the CALLRESULT payload (asserts it is one).
async fn call(app: &TestApp, identity: &str, action: &str, payload: Value) -> Value {
    let caller = Caller { tenant: tenant("acme"), identity: cp(identity) };
    let text = json!([2, "m1", action, payload]).to_string();
    let reply = answer(&app.store, &ChargingSettings::default(), &caller, &text, app.clock.now()).await.unwrap();
    let reply: Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply[0], 3, "{action}: {reply}");
    reply[2].clone()
}

/// Station `ev-1` (UTC) with the ocpp16 charger `CP9`; returns (station id, device id).
pub(crate) async fn charger_station(app: &TestApp, admin: &str) -> (String, String) {
    let body =
        json!({"code": "ev-1", "name": "EV hub", "time_zone": "UTC", "devices": [{"name": "CP9", "kind": "charger"}]});
    let provisioned = crate::ingest_support::provision(app, admin, body).await;
    let station = provisioned["station"]["id"].as_str().unwrap().to_owned();
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let patch = Some(json!({"protocol": "ocpp16"}));
    let (s, b) = app.call(Method::PATCH, &format!("/api/v1/devices/{device}"), Some(admin), patch).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (station, device)
}

/// A session on connector 1 from 12:00 to 13:00: 1000 Wh at start, 2.5 kWh at 12:30, 4000 Wh at stop.
async fn session(app: &TestApp, identity: &str) -> Value {
    let start = json!({"connectorId": 1, "idTag": "TAG1", "meterStart": 1000, "timestamp": ts(t0())});
    let tx = call(app, identity, "StartTransaction", start).await["transactionId"].clone();
    let meter = json!({"connectorId": 1, "transactionId": tx, "meterValue": [{"timestamp": ts(t0() + Duration::minutes(30)),
        "sampledValue": [
            {"value": "2.5", "unit": "kWh"},
            {"value": "7.2", "measurand": "Power.Active.Import", "unit": "kW"},
            {"value": "231.0", "measurand": "Voltage", "unit": "V"},
            {"value": "10.5", "measurand": "Current.Import", "phase": "L1", "unit": "A"}]}]});
    call(app, identity, "MeterValues", meter).await;
    let stop = json!({"transactionId": tx, "meterStop": 4000, "timestamp": ts(t0() + Duration::hours(1)), "reason": "EVDisconnected"});
    let first = call(app, identity, "StopTransaction", stop.clone()).await;
    assert_eq!(call(app, identity, "StopTransaction", stop).await, first, "a re-sent stop gets the same answer");
    tx
}

#[tokio::test]
async fn given_linked_charger_when_a_session_runs_then_its_readings_are_device_telemetry_and_hour_stats() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (station, device) = charger_station(&app, &admin).await;
        booted(&app.store, &tenant("acme"), "CP9").await;
        session(&app, "CP9").await;

        let latest = get(&app, &format!("/api/v1/telemetry/latest?station_id={station}"), &admin).await;
        let value = |point: &str| {
            latest
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["point"] == point && i["device_id"] == device.as_str())
                .map(|i| i["num_value"].as_f64().unwrap_or(f64::NAN))
        };
        assert_eq!(value("energy_import_wh"), Some(4000.0), "{}: {latest}", db.backend);
        assert_eq!(value("active_power_w"), Some(7200.0));
        assert_eq!(value("voltage_v"), Some(231.0));
        assert_eq!(value("ocpp.Current.Import.L1"), Some(10.5));

        let raw = get(
            &app,
            &format!(
                "/api/v1/telemetry?device_id={device}&point=energy_import_wh&from={}&to={}",
                ts(t0()),
                ts(t0() + Duration::hours(2))
            ),
            &admin,
        )
        .await;
        let registers: Vec<f64> =
            raw["items"].as_array().unwrap().iter().map(|i| i["num_value"].as_f64().unwrap()).collect();
        assert_eq!(
            registers,
            [1000.0, 2500.0, 4000.0],
            "start, meter value, stop; the retry added none, {}",
            db.backend
        );

        app.pump().await;
        app.clock.set(t0() + Duration::hours(2) + Duration::minutes(10));
        let round = app.analytics_round().await;
        assert!(round.errors.is_empty(), "{:?}", round.errors);
        let admin = app.bearer("acme", Role::Admin);
        let hours = get(
            &app,
            &format!(
                "/api/v1/stats?station_id={station}&granularity=hour&from={}&to={}",
                ts(t0()),
                ts(t0() + Duration::hours(2))
            ),
            &admin,
        )
        .await;
        let charging: i64 =
            hours["items"].as_array().unwrap().iter().map(|i| i["energy"]["charging_wh"].as_i64().unwrap()).sum();
        assert_eq!(charging, 3000, "stop − start of the session, {}: {hours}", db.backend);
    }
}

#[tokio::test]
async fn given_charge_point_without_device_when_a_session_runs_then_no_telemetry_is_written_and_session_works() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (station, _) = charger_station(&app, &admin).await;
        booted(&app.store, &tenant("acme"), "CP7").await;
        session(&app, "CP7").await;
        let latest = get(&app, &format!("/api/v1/telemetry/latest?station_id={station}"), &admin).await;
        assert_eq!(latest.as_array().map(Vec::len), Some(0), "{}: {latest}", db.backend);
        let sessions = get(&app, "/api/v1/charging-sessions", &admin).await;
        assert_eq!(sessions["items"][0]["energy_wh"], 3000);
    }
}
