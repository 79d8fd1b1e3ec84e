//! Helpers of the ingest tests: provisioning, integrations, signed posts, reading back.

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mgc_eventing::OutboxStore;
use mgc_iam::sign_post;
use mgc_kernel::Clock;
use serde_json::{json, Value};

/// An integration's id and secret.
pub struct Ingest {
    /// Id.
    pub id: String,
    /// Secret.
    pub secret: String,
}

pub async fn provision(app: &TestApp, admin: &str, body: Value) -> Value {
    let (s, b) = app.call(Method::POST, "/api/v1/provisioning/stations", Some(admin), Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
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

pub async fn integration(app: &TestApp, admin: &str, allow_static: bool) -> Ingest {
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/integrations",
            Some(admin),
            Some(json!({"name": "tb-prod", "allow_static": allow_static})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    Ingest { id: b["id"].as_str().unwrap().into(), secret: b["secret"].as_str().unwrap().into() }
}

/// Path of the telemetry endpoint.
pub const TELEMETRY: &str = "/ingest/thingsboard/telemetry";

/// Posts `body` signed with the integration's secret at the app's current time.
pub async fn post_signed(app: &TestApp, ing: &Ingest, body: &str, extra: &[(&str, &str)]) -> (StatusCode, Value) {
    let ts = app.clock.now().timestamp().to_string();
    let sig = sign_post(ing.secret.as_bytes(), TELEMETRY, &ts, extra, body.as_bytes());
    post_with(app, body, &[("x-integration-id", &ing.id), ("x-timestamp", &ts), ("x-signature", &sig)], extra).await
}

pub async fn post_with(
    app: &TestApp,
    body: &str,
    auth: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = Request::post("/ingest/thingsboard/telemetry").header("content-type", "application/json");
    for (k, v) in auth.iter().chain(extra) {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::from(body.to_owned())).unwrap()).await
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
