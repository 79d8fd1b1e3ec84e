//! Helpers of the alarm and notification tests: a recording webhook receiver (a real local
//! HTTP server), the alarm consumer on a dispatcher, the notification worker, telemetry posts.

use crate::ingest_support::{post_signed, Ingest};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_eventing::Dispatcher;
use mgc_kernel::Clock;
use mgc_notify::{NotifyConfig, NotifyWorker};
use mgc_store::Store;
use serde_json::{json, Value};

/// The kit's recording webhook receiver.
pub use mgc_testkit::{Received, WebhookReceiver as Receiver};

/// A dispatcher with every production consumer (the alarm one included), driven by the app's
/// manual clock.
pub fn dispatcher(app: &TestApp) -> Dispatcher<Store> {
    app.dispatcher()
}

/// Runs the dispatcher until nothing is due.
pub async fn dispatch_all(d: &Dispatcher<Store>) {
    while d.tick().await.unwrap().claimed > 0 {}
}

/// Worker settings of the tests: 1 s base backoff, breaker after 3 failures for 60 s, 5 attempts.
pub fn worker_config() -> NotifyConfig {
    mgc_testkit::notify_config()
}

/// The notification worker without jitter (delays are exactly base * 2^(n-1)).
pub fn worker(app: &TestApp, config: NotifyConfig) -> NotifyWorker<Store> {
    app.notify_worker(config)
}

/// Creates a webhook channel to `url`; returns (id, secret).
pub async fn webhook_channel(app: &TestApp, admin: &str, url: &str) -> (String, String) {
    app.webhook_channel(admin, url).await
}

/// Creates a rule; returns its JSON.
pub async fn rule(app: &TestApp, admin: &str, body: Value) -> Value {
    app.alarm_rule(admin, body).await
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
