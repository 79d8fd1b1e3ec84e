//! [`TestApp`]: the whole application in process — the real HTTP router over a real, migrated
//! store — driven by a [`ManualClock`], plus the fixed credentials and start time it uses.

use crate::backend::TestDatabase;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use mgc_api::{ApiConfig, AppState};
use mgc_commands::AdapterRegistry;
use mgc_contracts::{ApiKeyRevoked, EventEnvelope};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_iam::{JwtIssuer, JwtVerifier};
use mgc_kernel::{ApiKeyId, ManualClock, TenantId};
use mgc_store::{Store, StoreOptions};
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

/// HS256 secret of the test apps' tokens.
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// Master key of the test apps (hex, 256 bits): integration secrets are sealed with it.
pub const MASTER_KEY: &str = "8f1c2d3e4a5b6c7d8e9f00112233445566778899aabbccddeeff001122334455";

/// Tenants every [`TestApp`] creates (any other tenant's credentials are refused as unknown).
pub const KNOWN_TENANTS: &[&str] = &["default", "acme", "beta", "globex", "other", "tenant-a", "tenant-b"];

/// The start time of every [`TestApp`]'s manual clock: 2026-03-01 12:00:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// Connects to a fresh test database and applies the migrations.
pub async fn store(db: &TestDatabase) -> Store {
    store_with(db, &StoreOptions::default()).await
}

/// Like [`store`], with pool and timeout settings of the test's choosing.
pub async fn store_with(db: &TestDatabase, options: &StoreOptions) -> Store {
    let store = Store::connect(&db.url, options).await.unwrap();
    let status = store.migrate().await.unwrap();
    assert!(status.up_to_date(), "{}: migrations not applied: {status:?}", db.backend);
    store
}

/// Parses a tenant id (panics on a malformed one: test input).
pub fn tenant(s: &str) -> TenantId {
    TenantId::parse(s).unwrap()
}

/// Appends one event for `tenant` in its own committed unit of work.
pub async fn append_event(store: &Store, tenant_id: &str, at: DateTime<Utc>) -> EventEnvelope {
    let ev = EventEnvelope::wrap(&tenant(tenant_id), &ApiKeyRevoked { api_key_id: ApiKeyId::new() }, at).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.append(ev.clone()).await.unwrap();
    tx.commit().await.unwrap();
    ev
}

/// The application in process: the real router over a real store, a manual clock and an HS256
/// token issuer. Nothing runs in the background: the test drives the dispatcher and the
/// schedulers itself ([`TestApp::run_until_quiet`], [`TestApp::pump`], ...).
pub struct TestApp {
    /// The HTTP router of `mgc serve` (every route, middleware and error mapping).
    pub router: Router,
    /// The migrated store the router writes to.
    pub store: Store,
    /// The clock every part of the app reads; move it with [`TestApp::advance`].
    pub clock: ManualClock,
    /// Signs the tests' bearer tokens (HS256 with [`SECRET`]).
    pub issuer: JwtIssuer,
    /// The ingest pipeline the router uses (the collector records through it too).
    pub ingest: Arc<mgc_api::IngestService<Store>>,
    /// Health of collector sources, as the router shows it.
    pub collector: Arc<mgc_adapter_collector::CollectorStatus>,
    /// The edge settings the app was built with (analytics, commands, ...).
    pub(crate) config: ApiConfig,
    /// Adapters the command dispatch round of [`TestApp::run_until_quiet`] sends with.
    pub(crate) command_adapters: AdapterRegistry,
    /// Days after which [`TestApp::run_until_quiet`] freezes a settlement (`None`: never).
    pub(crate) freeze_after_days: Option<u32>,
    /// Keeps a database this app owns (its temporary directory) alive.
    _db: Option<TestDatabase>,
}

impl TestApp {
    /// Builds the app on a fresh database.
    pub async fn new(db: &TestDatabase) -> Self {
        Self::with_config(db, ApiConfig::default()).await
    }

    /// Builds the app on a fresh database with edge settings of the test's choosing.
    pub async fn with_config(db: &TestDatabase, config: ApiConfig) -> Self {
        Self::with_options(db, config, &StoreOptions::default()).await
    }

    /// Builds the app on a fresh database with edge and storage settings of the test's choosing.
    pub async fn with_options(db: &TestDatabase, config: ApiConfig, options: &StoreOptions) -> Self {
        // Server-side errors show in the output of a failing test (RUST_LOG to change the level).
        let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        let store = store_with(db, options).await;
        // Credentials are refused for tenants that do not exist: the tenants the tests use exist,
        // as `mgc tenant create` (or the bootstrap tenant) makes them in production.
        for known in KNOWN_TENANTS {
            store.ensure_tenant(&tenant(known), known, t0()).await.unwrap();
        }
        // Integration secrets are sealed at rest as in production.
        store.install_keyring(mgc_store::Keyring::from_hex([MASTER_KEY]).unwrap()).await.unwrap();
        let clock = ManualClock::new(t0());
        let tenants = Arc::new(mgc_iam::TenantGate::with_default_ttl(clock.shared()));
        let ingest = Arc::new(mgc_api::IngestService::start(
            store.clone(),
            clock.shared(),
            &mgc_api::IngestConfig::default(),
            tenants.clone(),
        ));
        let collector = Arc::new(mgc_adapter_collector::CollectorStatus::default());
        // As `mgc serve` with `[ocpp]` enabled: OCPP commands are checked when issued (no
        // charge point is connected here, so sending one fails fast).
        let adapters = AdapterRegistry::new().with(
            mgc_commands::PROTOCOL_OCPP16,
            Arc::new(mgc_adapter_ocpp::commands::OcppCommandAdapter::new(Default::default())),
        );
        let state = AppState {
            store: store.clone(),
            clock: clock.shared(),
            jwt: Arc::new(JwtVerifier::hs256(SECRET)),
            metrics: mgc_api::http_metrics::install_recorder(),
            config: Arc::new(config.clone()),
            ingest: ingest.clone(),
            tenants,
            jobs_wakeup: Arc::new(tokio::sync::Notify::new()),
            shadow_wakeup: Arc::new(tokio::sync::Notify::new()),
            commands_wakeup: Arc::new(tokio::sync::Notify::new()),
            adapters: Arc::new(adapters.clone()),
            collector: collector.clone(),
            refusal_audit: Arc::default(),
            stats_cache: Arc::new(mgc_api::stats_cache::StatsCache::new(config.stats_cache_bytes)),
        };
        Self {
            router: mgc_api::router(state),
            store,
            clock,
            issuer: JwtIssuer::hs256(SECRET),
            ingest,
            collector,
            config,
            command_adapters: adapters,
            freeze_after_days: Some(crate::FREEZE_AFTER_DAYS),
            _db: None,
        }
    }

    /// Builds the app on a fresh SQLite database that lives as long as the app.
    pub async fn sqlite() -> Self {
        Self::owning(crate::sqlite_database().await).await
    }

    /// Builds the app on `db` and keeps `db` (a SQLite file's directory) alive as long as the app.
    pub async fn owning(db: TestDatabase) -> Self {
        let mut app = Self::new(&db).await;
        app._db = Some(db);
        app
    }

    /// The edge settings the app was built with.
    pub fn config(&self) -> &ApiConfig {
        &self.config
    }

    /// Sends a request with an optional `Authorization` header and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Sends a prepared request; the body is parsed as JSON (Null when empty or not JSON).
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.send_raw(req).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Sends a prepared request; returns the status, the content type and the raw body. A JSON
    /// answer must fit the OpenAPI document (`crate::conformance`), else the test fails.
    pub async fn send_raw(&self, req: Request<Body>) -> (StatusCode, String, Vec<u8>) {
        let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let content_type =
            resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec();
        if content_type.starts_with("application/json") {
            if let Ok(body) = serde_json::from_slice::<Value>(&bytes) {
                let doc = self.openapi().await;
                if let Some(e) = crate::conformance::check(doc, &method, &path, status.as_u16(), &body) {
                    panic!("the response does not fit the OpenAPI document: {e}");
                }
            }
        }
        (status, content_type, bytes)
    }

    /// The OpenAPI document the app serves (read once per test binary).
    async fn openapi(&self) -> &'static Value {
        static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        if let Some(doc) = DOC.get() {
            return doc;
        }
        let req = Request::get("/api/openapi.json").body(Body::empty()).unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        DOC.get_or_init(|| serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// `GET path` with `token`, asserting 200; returns the JSON body.
    pub async fn get_ok(&self, token: &str, path: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// `method path` with `token` and a JSON body, asserting `expected`; returns the JSON body.
    pub async fn call_expecting(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
        expected: StatusCode,
    ) -> Value {
        let (status, answer) = self.call(method.clone(), path, Some(token), Some(body)).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        answer
    }
}

/// Asserts the error shape `{"error":{"code":..,"message":..}}` with `code`; returns the message.
pub fn assert_error(body: &Value, code: &str) -> String {
    assert_eq!(body["error"]["code"], code, "unexpected body: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(!message.is_empty(), "error without message: {body}");
    message
}
