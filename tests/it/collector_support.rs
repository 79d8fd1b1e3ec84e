//! A fake WinPower G2 web API (login with a token, the paged device list) the collector tests
//! poll, and helpers to provision UPS devices and build a collector over a test app.

use crate::support::TestApp;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use mgc_adapter_collector::{Collector, Secret, SourceKind, SourceSettings};
use mgc_iam::Role;
use mgc_store::Store;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the fake server holds and counts.
#[derive(Debug, Default)]
pub struct FakeState {
    /// The password it accepts (user `admin`).
    pub password: String,
    /// Tokens it issued and still accepts.
    pub tokens: Vec<String>,
    /// Logins it answered with a token.
    pub logins: u32,
    /// List requests refused with 401 (unknown or expired token).
    pub refused: u32,
    /// Devices it lists (`assetDevice` + `realtime` + `connected`).
    pub devices: Vec<Value>,
    /// When true, the device list never answers.
    pub hang: bool,
}

/// A running fake WinPower server.
pub struct FakeWinPower {
    /// Base URL.
    pub url: String,
    /// Its state, to change between polls.
    pub state: Arc<Mutex<FakeState>>,
}

/// A UPS entry as WinPower's device list documents it (numbers as strings).
pub fn ups(alias: &str, watts: f64) -> Value {
    json!({
        "assetDevice": {"id": format!("id-{alias}"), "deviceType": 1, "model": "ON-LINE", "alias": alias},
        "realtime": {
            "inputVolt1": "236.8", "outputVolt1": "220.1", "outputCurrent1": "1.1", "inputFreq": "49.9",
            "outputFreq": "50.0", "loadPercent": "6", "loadTotalWatt": watts.to_string(), "batCapacity": "90",
            "batRemainTime": "6723", "status": "1", "faultCode": ""
        },
        "connected": true
    })
}

async fn login(State(s): State<Arc<Mutex<FakeState>>>, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let mut s = s.lock().unwrap();
    if body["username"] != "admin" || body["password"] != s.password.as_str() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": "401", "message": "Authentication failed", "data": null})),
        );
    }
    s.logins += 1;
    let token = format!("token-{}", s.logins);
    s.tokens.push(token.clone());
    (StatusCode::OK, Json(json!({"code": "000000", "message": "OK", "data": {"deviceId": "wp", "token": token}})))
}

async fn list(State(s): State<Arc<Mutex<FakeState>>>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let hang = s.lock().unwrap().hang;
    if hang {
        std::future::pending::<()>().await;
    }
    let mut s = s.lock().unwrap();
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !s.tokens.iter().any(|t| auth == format!("Bearer {t}")) {
        s.refused += 1;
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": "INVALID_TOKEN", "msg": "Invalid or expired token", "data": null})),
        );
    }
    let body = json!({"total": s.devices.len(), "pageSize": 100, "currentPage": 1, "data": s.devices, "code": "000000", "msg": "OK"});
    (StatusCode::OK, Json(body))
}

impl FakeWinPower {
    /// Starts a server accepting `admin` / `password`, listing `devices`.
    pub async fn start(password: &str, devices: Vec<Value>) -> Self {
        let state = Arc::new(Mutex::new(FakeState { password: password.into(), devices, ..FakeState::default() }));
        let app = Router::new()
            .route("/api/v1/auth/login", post(login))
            .route("/api/v1/deviceData/detail/list", get(list))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, state }
    }

    /// Runs `f` on the state.
    pub fn with<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

/// The settings of a source `name` of tenant `acme` on `url` with `password`, its own device
/// in station `ups-room`.
pub fn source(name: &str, url: &str, password: &str) -> SourceSettings {
    SourceSettings {
        name: name.into(),
        kind: SourceKind::WinPower,
        url: url.into(),
        username: "admin".into(),
        password: Secret::new(password),
        tenant: crate::support::tenant("acme"),
        station: "ups-room".into(),
        interval: Duration::from_secs(30),
        timeout: Duration::from_millis(500),
        max_backoff: Duration::from_secs(120),
    }
}

/// A collector of `sources` over the app's store, ingest pipeline and health registry.
pub async fn collector(app: &TestApp, sources: Vec<SourceSettings>) -> Collector<Store> {
    let max_gap = chrono::Duration::minutes(5);
    Collector::start(sources, app.store.clone(), app.ingest.clone(), app.collector.clone(), max_gap).await.unwrap()
}

/// Provisions station `code` of tenant `acme` with UPS devices `names`, mapped as docs/collector.md shows.
pub async fn provision_ups(app: &TestApp, code: &str, names: &[&str]) -> Value {
    let admin = app.bearer("acme", Role::Admin);
    let mappings = json!([
        {"raw_key": "loadTotalWatt", "point": "active_power_w", "scale": 1},
        {"raw_key": "outputVolt1", "point": "voltage_v", "scale": 1},
        {"raw_key": "outputCurrent1", "point": "current_a", "scale": 1},
        {"raw_key": "outputFreq", "point": "frequency_hz", "scale": 1},
        {"raw_key": "batCapacity", "point": "soc_pct", "scale": 1},
        {"raw_key": "status", "point": "status_code", "scale": 1}
    ]);
    let devices: Vec<Value> = names.iter().map(|n| json!({"name": n, "kind": "ups", "mappings": mappings})).collect();
    let body =
        json!({"code": code, "name": format!("UPS room {code}"), "time_zone": "Asia/Shanghai", "devices": devices});
    crate::ingest_support::provision(app, &admin, body).await
}

/// The tenant's sources as `GET /api/v1/collector/sources` shows them.
pub async fn sources(app: &TestApp, tenant: &str) -> Vec<Value> {
    let token = app.bearer(tenant, Role::Viewer);
    let (s, b) = app.call(axum::http::Method::GET, "/api/v1/collector/sources", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// Latest values of a station, by point name, of the device with this id.
pub async fn latest(app: &TestApp, station: &str, device: &str) -> Vec<(String, Option<f64>)> {
    let token = app.bearer("acme", Role::Viewer);
    let path = format!("/api/v1/telemetry/latest?station_id={station}");
    let (s, b) = app.call(axum::http::Method::GET, &path, Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b.as_array()
        .unwrap()
        .iter()
        .filter(|p| p["device_id"] == device)
        .map(|p| (p["point"].as_str().unwrap().to_owned(), p["num_value"].as_f64()))
        .collect()
}

/// The text of `/metrics`.
pub async fn metrics_text(app: &TestApp) -> String {
    let req = axum::http::Request::builder().uri("/metrics").body(axum::body::Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The value of the one series of `name` whose labels contain every one of `labels`.
pub fn series(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .find(|l| labels.iter().all(|want| l.contains(want)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}
