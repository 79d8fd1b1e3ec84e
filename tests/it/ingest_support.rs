//! Helpers of the ingest tests: provisioning, integrations, signed posts, reading back.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_eventing::OutboxStore;
use mgc_kernel::Clock;
use serde_json::{json, Value};

/// An integration's id and secret (the kit's [`mgc_testkit::Integration`]).
pub use mgc_testkit::{Integration as Ingest, TELEMETRY};

/// Provisions a station from a raw body, asserting 200; returns the answer.
pub async fn provision(app: &TestApp, admin: &str, body: Value) -> Value {
    app.provision_body(admin, body).await
}

pub fn station_body() -> Value {
    json!({
        "code": "sz-01", "name": "Shenzhen PV + storage", "time_zone": "Asia/Shanghai", "capacity_kw": 500.0,
        "devices": [
            {"name": "meter-1", "kind": "meter", "mappings": [{"raw_key": "P", "point": "active_power_w", "scale": 1000, "unit": "kW"}]},
            {"name": "pv-1", "kind": "pv_inverter", "tb_device_id": "784f394c-42b6-435a-983c-b7beff2784f9"}
        ]
    })
}

/// Creates an integration, asserting 201.
pub async fn integration(app: &TestApp, admin: &str, allow_static: bool) -> Ingest {
    app.integration(admin, allow_static).await
}

/// Posts `body` signed with the integration's secret at the app's current time.
pub async fn post_signed(app: &TestApp, ing: &Ingest, body: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
    app.post_signed(ing, body, extra).await
}

/// Posts `body` with exactly these headers.
pub async fn post_with(
    app: &TestApp,
    body: &str,
    auth: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.post_with(body, auth, extra).await
}

pub async fn device_id(app: &TestApp, token: &str, name: &str) -> String {
    let (_, b) = app.call(Method::GET, "/api/v1/devices", Some(token), None).await;
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .unwrap()
}

pub async fn points(app: &TestApp, token: &str, device: &str) -> Vec<Value> {
    let path =
        format!("/api/v1/telemetry?device_id={device}&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&limit=500");
    let (s, b) = app.call(Method::GET, &path, Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

pub async fn pending_of(app: &TestApp, event_type: &str) -> usize {
    let now = app.clock.now();
    let claimed = app.store.claim("probe", now, now, 1000).await.unwrap();
    let n = claimed.iter().filter(|c| c.envelope.event_type == event_type).count();
    // Release the probe's claim so later dispatching still sees everything.
    for c in &claimed {
        app.store.schedule_retry("probe", c.envelope.id, c.attempts, now, "probe").await.unwrap();
    }
    n
}

/// A fresh app with tenant acme's station (`station_body`) and an integration without static
/// mode: the admin token and the integration.
pub async fn provisioned(db: &mgc_tests::TestDatabase) -> (TestApp, String, Ingest) {
    let app = TestApp::new(db).await;
    let admin = app.bearer("acme", mgc_iam::Role::Admin);
    provision(&app, &admin, station_body()).await;
    let ing = integration(&app, &admin, false).await;
    (app, admin, ing)
}
