//! The third-party configuration, firmware, history and alarm routes through the real router on
//! both backends, against a simulated OCPP pile that answers the central system's calls: each
//! operation is its OCPP command and the pile's answer is the command's response; reading the
//! configuration back sends nothing and shows the newest succeeded read's answer; tenant B's key
//! and another station's key see nothing of the pile by either id form.

use crate::charging_store::{booted, cp};
use crate::support::{t0, tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_adapter_ocpp::csms::{CallReply, Caller, Registry};
use mgc_commands::{AdapterRegistry, CommandSettings};
use mgc_iam::Role;
use mgc_telemetry::domain::repository::TelemetryRepository;
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::RawValue;
use mgc_tests::all_databases;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// Stations `ev-1` (ocpp16 charger CP1, booted, so linked and online) and `ev-2` (nothing of
/// CP1); returns CP1's charge point id, its device id and ev-2's station id.
async fn site(app: &TestApp) -> (String, String, String) {
    let admin = app.bearer("acme", Role::Admin);
    let body =
        json!({"code": "ev-1", "name": "EV hub", "time_zone": "UTC", "devices": [{"name": "CP1", "kind": "charger"}]});
    let provisioned = app.provision_body(&admin, body).await;
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let (s, b) = app
        .call(Method::PATCH, &format!("/api/v1/devices/{device}"), Some(&admin), Some(json!({"protocol": "ocpp16"})))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let other =
        app.provision_body(&admin, json!({"code": "ev-2", "name": "Other", "time_zone": "UTC", "devices": []})).await;
    booted(&app.store, &tenant("acme"), "CP1").await;
    let (_, page) = app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    (id, device, other["station"]["id"].as_str().unwrap().to_owned())
}

async fn key(app: &TestApp, tenant_id: &str, stations: Option<Vec<String>>) -> String {
    let admin = app.bearer(tenant_id, Role::Admin);
    let mut body = json!({"name": "platform", "role": "operator"});
    if let Some(s) = stations {
        body["station_ids"] = json!(s);
    }
    let (s, created) = app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    format!("ApiKey {}", created["key"].as_str().unwrap())
}

/// A connection of CP1 that answers every call as a pile would, recording what it was asked: its
/// configuration is `HeartbeatInterval` = 60 and the read-only `NumberOfConnectors` = 2.
fn simulated_pile(registry: &Registry) -> Arc<Mutex<Vec<(String, Value)>>> {
    let caller = Caller { tenant: tenant("acme"), identity: cp("CP1") };
    let (registration, mut calls) = registry.register(&caller);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let _keep = registration;
        while let Some(call) = calls.recv().await {
            let answer = match call.action.as_str() {
                "GetConfiguration" => configuration(&call.payload),
                "ChangeConfiguration" => json!({"status": "Accepted"}),
                _ => json!({}),
            };
            log.lock().unwrap().push((call.action.clone(), call.payload.clone()));
            let _ = call.reply.send(Ok(CallReply::Result(answer)));
        }
    });
    seen
}

/// The simulated pile's GetConfiguration.conf for `request`'s keys (none: every key).
fn configuration(request: &Value) -> Value {
    let known = [("HeartbeatInterval", false, "60"), ("NumberOfConnectors", true, "2")];
    let asked: Vec<&str> = match request["key"].as_array() {
        Some(keys) => keys.iter().filter_map(Value::as_str).collect(),
        None => known.iter().map(|(k, _, _)| *k).collect(),
    };
    let found = |k: &str| known.iter().find(|(name, _, _)| *name == k);
    let keys: Vec<Value> = asked
        .iter()
        .filter_map(|k| found(k))
        .map(|(key, readonly, value)| json!({"key": key, "readonly": readonly, "value": value}))
        .collect();
    let unknown: Vec<&str> = asked.into_iter().filter(|k| found(k).is_none()).collect();
    json!({"configurationKey": keys, "unknownKey": unknown})
}

/// One dispatch round at the app's clock.
async fn dispatch(app: &TestApp, adapters: &AdapterRegistry) {
    let clock = app.clock.shared();
    mgc_commands::run_dispatch_round(&app.store, adapters, &CommandSettings::default(), &clock, "test").await.unwrap();
}

async fn command_count(app: &TestApp, key: &str, device: &str) -> usize {
    let (s, logs) = app.call(Method::GET, &format!("/api/third/v1/devices/{device}/logs"), Some(key), None).await;
    assert_eq!(s, StatusCode::OK, "{logs}");
    logs["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn given_an_ocpp_pile_when_params_read_set_and_firmware_then_its_commands_carry_the_piles_answers() {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let (id, _, _) = site(&app).await;
        let key = key(&app, "acme", None).await;
        let registry = Registry::default();
        let seen = simulated_pile(&registry);
        let adapters = AdapterRegistry::new().with(
            mgc_commands::PROTOCOL_OCPP16,
            Arc::new(mgc_adapter_ocpp::commands::OcppCommandAdapter::new(registry.clone())),
        );

        // Never read: an empty configuration, and reading it sends the pile nothing.
        let before = command_count(&app, &key, "CP1").await;
        let (s, empty) = app.call(Method::GET, "/api/third/v1/devices/CP1/params", Some(&key), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {empty}");
        let never = json!({"device_id": id, "command_id": null, "read_at": null, "keys": [], "unknown_keys": []});
        assert_eq!(empty, never, "{b}");
        dispatch(&app, &adapters).await;
        assert_eq!(command_count(&app, &key, "CP1").await, before, "{b}: a GET issued a command");
        assert!(seen.lock().unwrap().is_empty(), "{b}: the pile was asked something");

        let wanted = json!({"keys": ["HeartbeatInterval", "NumberOfConnectors", "Nope"]});
        let (s, read) = app.call(Method::POST, "/api/third/v1/devices/CP1/params/read", Some(&key), Some(wanted)).await;
        assert_eq!((s, read["method"].as_str()), (StatusCode::ACCEPTED, Some("GetConfiguration")), "{b}: {read}");
        let by_id = format!("/api/third/v1/devices/{id}");
        let set = json!({"key": "HeartbeatInterval", "value": "30"});
        let (s, changed) = app.call(Method::POST, &format!("{by_id}/params"), Some(&key), Some(set)).await;
        assert_eq!(
            (s, changed["method"].as_str()),
            (StatusCode::ACCEPTED, Some("ChangeConfiguration")),
            "{b}: {changed}"
        );
        let fw =
            json!({"location": "https://fw.example/cp-2.1.bin", "retrieve_at": "2026-03-02T01:00:00Z", "retries": 2});
        let (s, update) = app.call(Method::POST, &format!("{by_id}/firmware"), Some(&key), Some(fw)).await;
        assert_eq!((s, update["method"].as_str()), (StatusCode::ACCEPTED, Some("UpdateFirmware")), "{b}: {update}");

        // Answered 10 s after the requests (within their 30 s deadline).
        app.clock.advance(chrono::Duration::seconds(10));
        // One command of a device is under way at a time: a round each.
        for _ in 0..3 {
            dispatch(&app, &adapters).await;
        }
        let asked = seen.lock().unwrap().clone();
        let mut actions: Vec<&str> = asked.iter().map(|(a, _)| a.as_str()).collect();
        actions.sort_unstable();
        assert_eq!(actions, ["ChangeConfiguration", "GetConfiguration", "UpdateFirmware"], "{b}");
        let payload = |action: &str| asked.iter().find(|(a, _)| a == action).map(|(_, p)| p.clone()).unwrap();
        assert_eq!(
            payload("GetConfiguration"),
            json!({"key": ["HeartbeatInterval", "NumberOfConnectors", "Nope"]}),
            "{b}"
        );
        assert_eq!(payload("ChangeConfiguration"), json!({"key": "HeartbeatInterval", "value": "30"}), "{b}");
        assert_eq!(payload("UpdateFirmware")["retrieveDate"], "2026-03-02T01:00:00Z", "{b}");

        let (_, logs) = app.call(Method::GET, &format!("{by_id}/logs"), Some(&key), None).await;
        let of = |m: &str| logs["items"].as_array().unwrap().iter().find(|c| c["method"] == m).unwrap().clone();
        let got = of("GetConfiguration");
        assert_eq!(got["state"], "succeeded", "{b}: {got}");
        assert_eq!(got["response"]["configurationKey"][0]["value"], "60", "{b}: the pile's value: {got}");
        assert_eq!(of("ChangeConfiguration")["response"]["status"], "Accepted", "{b}");

        // The answer of the read, by either id form; the later ChangeConfiguration is not a read.
        let shown = json!({
            "device_id": id,
            "command_id": read["id"],
            "read_at": "2026-03-01T12:00:10Z",
            "keys": [{"key": "HeartbeatInterval", "value": "60", "readonly": false},
                {"key": "NumberOfConnectors", "value": "2", "readonly": true}],
            "unknown_keys": ["Nope"]
        });
        for path in ["/api/third/v1/devices/CP1/params".to_owned(), format!("{by_id}/params")] {
            let (s, params) = app.call(Method::GET, &path, Some(&key), None).await;
            assert_eq!((s, &params), (StatusCode::OK, &shown), "{b}: {path}");
        }
        let (s, some) =
            app.call(Method::GET, &format!("{by_id}/params?keys=numberofconnectors,NOPE"), Some(&key), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {some}");
        assert_eq!(some["keys"], json!([{"key": "NumberOfConnectors", "value": "2", "readonly": true}]), "{b}");
        assert_eq!((&some["unknown_keys"], &some["command_id"]), (&json!(["Nope"]), &read["id"]), "{b}");
        let (_, other) =
            app.call(Method::GET, &format!("{by_id}/params?keys=MeterValueSampleInterval"), Some(&key), None).await;
        assert_eq!((&other["keys"], &other["unknown_keys"]), (&json!([]), &json!([])), "{b}: {other}");

        // A read not answered yet (no body: every key) leaves the last answer in place.
        let (s, again) = app.call(Method::POST, &format!("{by_id}/params/read"), Some(&key), None).await;
        assert_eq!((s, again["state"].as_str()), (StatusCode::ACCEPTED, Some("pending")), "{b}: {again}");
        assert_ne!(again["id"], read["id"], "{b}");
        let (_, params) = app.call(Method::GET, &format!("{by_id}/params"), Some(&key), None).await;
        assert_eq!(params["command_id"], read["id"], "{b}: {params}");
        assert_eq!(command_count(&app, &key, "CP1").await, before + 4, "{b}");

        let long = json!({"key": "K".repeat(51), "value": "1"});
        let (s, e) = app.call(Method::POST, &format!("{by_id}/params"), Some(&key), Some(long)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {e}");
        let (s, e) = app.call(Method::GET, &format!("{by_id}/params?keys=a,,b"), Some(&key), None).await;
        assert!(s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::BAD_REQUEST, "{b}: {s} {e}");
        let many: Vec<String> = (0..101).map(|i| format!("K{i}")).collect();
        for bad in
            [json!({"keys": [""]}), json!({"keys": "HeartbeatInterval"}), json!({"keys": many}), json!({"key": []})]
        {
            let (s, e) = app.call(Method::POST, &format!("{by_id}/params/read"), Some(&key), Some(bad)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {e}");
        }
        assert_eq!(command_count(&app, &key, "CP1").await, before + 4, "{b}: a refused read issued a command");
    }
}

#[tokio::test]
async fn given_readings_when_history_and_alarms_asked_then_acme_pages_them_and_nobody_else_sees_the_pile() {
    for db in all_databases().await {
        let b = db.backend;
        let app = TestApp::new(&db).await;
        let (id, device, ev2) = site(&app).await;
        let device_id = device.parse().unwrap();
        let points: Vec<StoredPoint> = (0..3)
            .map(|i| StoredPoint {
                device_id,
                point: "power_w".into(),
                ts: t0() + chrono::Duration::minutes(i),
                num_value: Some(1000.0 * (i + 1) as f64),
                value: RawValue::Number(1000.0 * (i + 1) as f64),
                raw_key: "power_w".into(),
            })
            .collect();
        let refs: Vec<&StoredPoint> = points.iter().collect();
        let mut tx = app.store.begin().await.unwrap();
        tx.store_points(&tenant("acme"), &refs, t0()).await.unwrap();
        mgc_eventing::UnitOfWork::commit(tx).await.unwrap();

        let acme = key(&app, "acme", None).await;
        let range = "from=2026-03-01T12:00:00Z&to=2026-03-01T13:00:00Z";
        let (s, first) = app
            .call(Method::GET, &format!("/api/third/v1/devices/CP1/history?{range}&limit=2"), Some(&acme), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {first}");
        let values: Vec<f64> =
            first["items"].as_array().unwrap().iter().map(|r| r["value"].as_f64().unwrap()).collect();
        assert_eq!(values, [1000.0, 2000.0], "{b}: oldest first: {first}");
        let cursor = first["next_cursor"].as_str().unwrap().replace('+', "%2B").replace('|', "%7C");
        let path = format!("/api/third/v1/devices/{id}/history?{range}&limit=2&cursor={cursor}");
        let (s, second) = app.call(Method::GET, &path, Some(&acme), None).await;
        assert_eq!((s, second["items"][0]["value"].as_f64()), (StatusCode::OK, Some(3000.0)), "{b}: {second}");
        assert!(second["next_cursor"].is_null(), "{b}");
        let (s, e) = app
            .call(
                Method::GET,
                "/api/third/v1/devices/CP1/history?from=2026-03-01T13:00:00Z&to=2026-03-01T12:00:00Z",
                Some(&acme),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}: an empty range: {e}");
        let (s, alarms) = app.call(Method::GET, "/api/third/v1/devices/CP1/alarms", Some(&acme), None).await;
        assert_eq!((s, alarms["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{b}: {alarms}");

        let beta = key(&app, "beta", None).await;
        let scoped = key(&app, "acme", Some(vec![ev2])).await;
        for who in [&beta, &scoped] {
            for device in ["CP1", id.as_str()] {
                let base = format!("/api/third/v1/devices/{device}");
                let calls = [
                    (Method::GET, format!("{base}/params"), None),
                    (Method::POST, format!("{base}/params"), Some(json!({"key": "HeartbeatInterval", "value": "1"}))),
                    (Method::POST, format!("{base}/params/read"), None),
                    (Method::POST, format!("{base}/params/read"), Some(Value::Null)),
                    (Method::POST, format!("{base}/params/read"), Some(json!({"keys": ["HeartbeatInterval"]}))),
                    (
                        Method::POST,
                        format!("{base}/firmware"),
                        Some(json!({"location": "https://x.example/f", "retrieve_at": "2026-03-02T00:00:00Z"})),
                    ),
                    (Method::GET, format!("{base}/history?{range}"), None),
                    (Method::GET, format!("{base}/alarms"), None),
                ];
                for (method, path, body) in calls {
                    let (s, e) = app.call(method, &path, Some(who), body).await;
                    assert_eq!(
                        (s, e["error"]["code"].as_str()),
                        (StatusCode::NOT_FOUND, Some("unknown_device")),
                        "{b}: {path}: {e}"
                    );
                }
            }
        }
    }
}
