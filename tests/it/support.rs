//! Shared helpers: a migrated store per backend and an in-process HTTP app with a manual clock.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use mgc_api::{ApiConfig, AppState};
use mgc_contracts::{ApiKeyRevoked, EventEnvelope};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_iam::{Claims, JwtIssuer, JwtVerifier, Role};
use mgc_kernel::{ApiKeyId, Clock, ManualClock, TenantId};
use mgc_store::{Store, StoreOptions};
use mgc_tests::TestDatabase;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

/// HS256 secret of the test apps.
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// Master key of the test apps (hex, 256 bits).
pub const MASTER_KEY: &str = "8f1c2d3e4a5b6c7d8e9f00112233445566778899aabbccddeeff001122334455";

/// Tenants every [`TestApp`] creates (any other tenant's credentials are refused as unknown).
pub const KNOWN_TENANTS: &[&str] = &["default", "acme", "beta", "globex", "other", "tenant-a", "tenant-b"];

/// A fixed start time for manual clocks.
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

/// Parses a tenant id.
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

/// The HTTP app over a real store, with a manual clock and an HS256 issuer.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// The ingest pipeline the router uses (the collector records through it too).
    pub ingest: Arc<mgc_api::IngestService<Store>>,
    /// Health of collector sources, as the router shows it.
    pub collector: Arc<mgc_adapter_collector::CollectorStatus>,
    pub clock: ManualClock,
    pub issuer: JwtIssuer,
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
        let state = AppState {
            store: store.clone(),
            clock: clock.shared(),
            jwt: Arc::new(JwtVerifier::hs256(SECRET)),
            metrics: mgc_api::http_metrics::install_recorder(),
            config: Arc::new(config),
            ingest: ingest.clone(),
            tenants,
            jobs_wakeup: Arc::new(tokio::sync::Notify::new()),
            shadow_wakeup: Arc::new(tokio::sync::Notify::new()),
            commands_wakeup: Arc::new(tokio::sync::Notify::new()),
            // As `mgc serve` with `[ocpp]` enabled: OCPP commands are checked when issued (no
            // charge point is connected here, so sending one fails fast).
            adapters: Arc::new(mgc_commands::AdapterRegistry::new().with(
                mgc_commands::PROTOCOL_OCPP16,
                Arc::new(mgc_adapter_ocpp::commands::OcppCommandAdapter::new(Default::default())),
            )),
            collector: collector.clone(),
            refusal_audit: Arc::default(),
        };
        let router = mgc_api::router(state);
        Self { router, store, ingest, collector, clock, issuer: JwtIssuer::hs256(SECRET), _db: None }
    }

    /// Delivers outbox events to every production consumer until none is due; returns how many.
    pub async fn pump(&self) -> usize {
        let mut dispatcher = mgc_eventing::Dispatcher::new(
            Arc::new(self.store.clone()),
            self.clock.shared(),
            mgc_eventing::DispatcherConfig::default(),
        );
        mgc_server::composition::register_consumers(&mut dispatcher, &ApiConfig::default(), &self.clock.shared());
        let mut delivered = 0;
        loop {
            let tick = dispatcher.tick().await.unwrap();
            assert_eq!(tick.retried + tick.dead_lettered, 0, "a consumer failed: {tick:?}");
            delivered += tick.delivered;
            if tick.claimed == 0 {
                return delivered;
            }
        }
    }

    /// One analytics scheduler round at the app clock, then queued jobs (what `mgc serve` runs).
    pub async fn analytics_round(&self) -> mgc_analytics::app::scheduler::RoundReport {
        let config = ApiConfig::default().analytics;
        let report = mgc_analytics::app::scheduler::run_round(&self.store, self.clock.now(), &config).await.unwrap();
        mgc_analytics::app::recompute::run_jobs(&self.store, &self.clock.shared(), &config).await.unwrap();
        report
    }

    /// Builds the app on a fresh SQLite database that lives as long as the app.
    pub async fn sqlite() -> Self {
        let db = mgc_tests::sqlite_database().await;
        let mut app = Self::new(&db).await;
        app._db = Some(db);
        app
    }

    /// `Bearer <jwt>` for a user of `tenant` with `role`, valid for an hour from the app clock.
    pub fn bearer(&self, tenant_id: &str, role: Role) -> String {
        let token = self
            .issuer
            .issue(
                "user-1",
                &tenant(tenant_id),
                role,
                None,
                mgc_kernel::Clock::now(&self.clock),
                chrono::Duration::hours(1),
            )
            .unwrap();
        format!("Bearer {token}")
    }

    /// `Bearer <jwt>` with arbitrary claims.
    pub fn bearer_with(&self, claims: &Claims) -> String {
        format!("Bearer {}", self.issuer.sign(claims).unwrap())
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
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

/// Asserts the error shape `{"error":{"code":..,"message":..}}` with `code`; returns the message.
pub fn assert_error(body: &Value, code: &str) -> String {
    assert_eq!(body["error"]["code"], code, "unexpected body: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(!message.is_empty(), "error without message: {body}");
    message
}
