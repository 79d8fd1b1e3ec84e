//! Helpers of the command tests: an app with a provisioned station, a fake ThingsBoard and the
//! background rounds run by hand at the manual clock.

use crate::ingest_support::{device_id, integration, provision, station_body, Ingest};
use crate::support::{t0, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use mgc_api::ApiConfig;
use mgc_commands::{AdapterRegistry, CommandSettings, DispatchReport, ScanReport};
use mgc_iam::sign_post;
use mgc_iam::Role;
use mgc_tests::fake_thingsboard::FakeThingsBoard;
use mgc_tests::TestDatabase;
use serde_json::{json, Value};
use tower::ServiceExt;

/// ThingsBoard id of `pv-1` in `station_body`.
pub const TB_PV: &str = "784f394c-42b6-435a-983c-b7beff2784f9";

/// An app, its tokens, the controllable device and the adapters pointing at a fake ThingsBoard.
pub struct CommandEnv {
    pub app: TestApp,
    pub admin: String,
    pub operator: String,
    pub viewer: String,
    /// Device id of `pv-1` (has a ThingsBoard id).
    pub pv: String,
    /// Device id of `meter-1` (no ThingsBoard id).
    pub meter: String,
    pub fake: FakeThingsBoard,
    pub adapters: AdapterRegistry,
    pub settings: CommandSettings,
    pub ingest: Ingest,
}

/// Adapters with the ThingsBoard RPC client for `url`.
pub fn adapters_for(url: &str, app: &TestApp) -> AdapterRegistry {
    mgc_testkit::fake_thingsboard::adapters_for(url, &app.clock.shared())
}

/// Settings of the tests: `reboot` one-way, `getStatus` parallel, `setMode` persistent.
pub fn test_settings() -> CommandSettings {
    CommandSettings {
        oneway_methods: vec!["reboot".into()],
        parallel_methods: vec!["getStatus".into()],
        persistent_methods: vec!["setMode".into()],
        ..CommandSettings::default()
    }
}

/// A fresh environment on `db`; tokens of the fake expire 2.5 h after the test start.
pub async fn env(db: &TestDatabase) -> CommandEnv {
    env_with(db, test_settings()).await
}

/// A fresh environment on `db` with these command settings.
pub async fn env_with(db: &TestDatabase, settings: CommandSettings) -> CommandEnv {
    let app = TestApp::with_config(db, ApiConfig { commands: settings.clone(), ..ApiConfig::default() }).await;
    let admin = app.bearer("acme", Role::Admin);
    provision(&app, &admin, station_body()).await;
    let ingest = integration(&app, &admin, false).await;
    let fake = FakeThingsBoard::start((t0() + chrono::Duration::minutes(150)).timestamp()).await;
    let adapters = adapters_for(&fake.url, &app);
    CommandEnv {
        pv: device_id(&app, &admin, "pv-1").await,
        meter: device_id(&app, &admin, "meter-1").await,
        operator: app.bearer("acme", Role::Operator),
        viewer: app.bearer("acme", Role::Viewer),
        admin,
        app,
        fake,
        adapters,
        settings,
        ingest,
    }
}

impl CommandEnv {
    /// `POST /api/v1/commands` as operator.
    pub async fn issue(&self, body: Value) -> (StatusCode, Value) {
        // A token valid at the current (possibly advanced) clock.
        let operator = self.app.bearer("acme", Role::Operator);
        self.app.call(Method::POST, "/api/v1/commands", Some(&operator), Some(body)).await
    }

    /// Issues `method` to pv-1 and expects 201; returns the command id.
    pub async fn issue_ok(&self, method: &str, timeout_s: u32) -> String {
        let (s, b) = self
            .issue(json!({"device_id": self.pv, "method": method, "params": {"p": 1}, "timeout_s": timeout_s}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().unwrap().to_owned()
    }

    /// `GET /api/v1/commands/{id}` as viewer.
    pub async fn get(&self, id: &str) -> Value {
        let viewer = self.app.bearer("acme", Role::Viewer);
        let (s, b) = self.app.call(Method::GET, &format!("/api/v1/commands/{id}"), Some(&viewer), None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b
    }

    /// One dispatch round with these adapters at the app clock.
    pub async fn round(&self) -> DispatchReport {
        self.round_with(&self.adapters).await
    }

    /// One dispatch round with other adapters.
    pub async fn round_with(&self, adapters: &AdapterRegistry) -> DispatchReport {
        mgc_commands::run_dispatch_round(&self.app.store, adapters, &self.settings, &self.app.clock.shared(), "test")
            .await
            .unwrap()
    }

    /// One deadline scan at the app clock.
    pub async fn scan(&self) -> ScanReport {
        mgc_commands::scan_deadlines(&self.app.store, &self.app.clock.shared(), &self.settings, 100).await.unwrap()
    }

    /// Moves the manual clock.
    pub fn advance(&self, secs: i64) {
        self.app.clock.advance(chrono::Duration::seconds(secs));
    }
}

/// Posts a persistent-RPC state message to `POST /ingest/thingsboard/rpc` of `router`, signed
/// with the integration `(id, secret)` at `now`.
pub async fn forward_rpc(
    router: &Router,
    (id, secret): (&str, &str),
    now: DateTime<Utc>,
    body: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let ts = now.timestamp().to_string();
    let sig = sign_post(secret.as_bytes(), "/ingest/thingsboard/rpc", &ts, extra, body.as_bytes());
    let mut req = Request::post("/ingest/thingsboard/rpc")
        .header("content-type", "application/json")
        .header("x-integration-id", id)
        .header("x-timestamp", &ts)
        .header("x-signature", &sig);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let resp = router.clone().oneshot(req.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The `to` states of a command's transitions, in order.
pub fn states(command: &Value) -> Vec<String> {
    command["transitions"].as_array().unwrap().iter().map(|t| t["to"].as_str().unwrap().to_owned()).collect()
}
