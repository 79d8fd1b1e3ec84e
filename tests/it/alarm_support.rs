//! Helpers of the alarm and notification tests: a recording webhook receiver (a real local
//! HTTP server), the alarm consumer on a dispatcher, the notification worker, telemetry posts.

use crate::ingest_support::{post_signed, Ingest};
use crate::support::TestApp;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use mgc_eventing::{Backoff, Dispatcher, DispatcherConfig};
use mgc_kernel::Clock;
use mgc_notify::{BreakerConfig, NotifyConfig, NotifyWorker};
use mgc_store::Store;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }
}

#[derive(Default)]
struct ReceiverState {
    /// Status to answer; 200 when `None`.
    status: Option<u16>,
    /// Everything received, including failed attempts.
    all: Vec<Received>,
}

/// A local HTTP server recording every POST; it answers with a status the test controls.
#[derive(Clone)]
pub struct Receiver {
    state: Arc<Mutex<ReceiverState>>,
    pub url: String,
}

impl Receiver {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(ReceiverState::default()));
        let app = axum::Router::new().route("/hook", post(receive)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { state, url }
    }

    /// Answer `status` from now on (None = 200).
    pub fn answer(&self, status: Option<u16>) {
        self.state.lock().unwrap().status = status;
    }

    /// Every request received so far.
    pub fn all(&self) -> Vec<Received> {
        self.state.lock().unwrap().all.clone()
    }

    /// Requests answered with success.
    pub fn accepted(&self) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.header("x-test-accepted") == "yes").collect()
    }
}

async fn receive(State(state): State<Arc<Mutex<ReceiverState>>>, mut headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut s = state.lock().unwrap();
    let status = StatusCode::from_u16(s.status.unwrap_or(200)).unwrap();
    headers.insert("x-test-accepted", if status.is_success() { "yes" } else { "no" }.parse().unwrap());
    s.all.push(Received { headers, body });
    status
}

/// A dispatcher with every production consumer (the alarm one included), driven by the app's
/// manual clock.
pub fn dispatcher(app: &TestApp) -> Dispatcher<Store> {
    let mut d = Dispatcher::new(Arc::new(app.store.clone()), app.clock.shared(), DispatcherConfig::default());
    mgc_server::composition::register_consumers(&mut d, &mgc_api::ApiConfig::default(), &app.clock.shared());
    d
}

/// Runs the dispatcher until nothing is due.
pub async fn dispatch_all(d: &Dispatcher<Store>) {
    while d.tick().await.unwrap().claimed > 0 {}
}

/// Worker settings of the tests: 1 s base backoff, breaker after 3 failures for 60 s, 5 attempts.
pub fn worker_config() -> NotifyConfig {
    NotifyConfig {
        workers: 16,
        per_endpoint_concurrency: 4,
        timeout: Duration::from_secs(5),
        backoff: Backoff { base: Duration::from_secs(1), max: Duration::from_secs(60) },
        max_attempts: 5,
        max_age: chrono::Duration::hours(1),
        breaker: BreakerConfig { failures_to_open: 3, open_for: chrono::Duration::seconds(60) },
        rate_per_sec: 1000,
        poll_interval: Duration::from_millis(100),
    }
}

/// The notification worker without jitter (delays are exactly base * 2^(n-1)).
pub fn worker(app: &TestApp, config: NotifyConfig) -> NotifyWorker<Store> {
    NotifyWorker::new(Arc::new(app.store.clone()), app.clock.shared(), config).unwrap().with_jitter(|| 1.0)
}

/// Creates a webhook channel to `url`; returns (id, secret).
pub async fn webhook_channel(app: &TestApp, admin: &str, url: &str) -> (String, String) {
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/notification-channels",
            Some(admin),
            Some(json!({"name": "ops hook", "kind": "webhook", "config": {"url": url}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    (b["id"].as_str().unwrap().to_owned(), b["config"]["secret"].as_str().unwrap().to_owned())
}

/// Creates a rule; returns its JSON.
pub async fn rule(app: &TestApp, admin: &str, body: Value) -> Value {
    let (s, b) = app.call(Method::POST, "/api/v1/alarm-rules", Some(admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

/// "meter-1 active power above 80 kW" as a major alarm notifying `channel`.
pub fn power_rule(channel: &str) -> Value {
    json!({
        "name": "meter overload", "scope": {"device_kind": "meter"}, "severity": "major",
        "condition": {"point": "active_power_w", "op": ">", "value": 80000},
        "message": "{device} at {station}: {value} W ({threshold})", "channels": [channel]
    })
}

/// Posts one reading of meter-1's `P` (kW) at the app's current time.
pub async fn post_power(app: &TestApp, ing: &Ingest, kw: f64) {
    let t = app.clock.now().timestamp_millis();
    let body = json!([{"device": "meter-1", "ts": t, "values": {"P": kw}}]).to_string();
    let (s, b) = post_signed(app, ing, &body, &[]).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// Alarms of the tenant as the API lists them.
pub async fn alarms(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, b) = app.call(Method::GET, &format!("/api/v1/alarms{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// Events of `event_type` in the outbox, delivered or not (read straight from the database).
pub async fn outbox_count(db: &mgc_tests::TestDatabase, event_type: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM outbox_events WHERE event_type = $1";
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(event_type).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(event_type).fetch_one(&pool).await.unwrap()
    }
}
