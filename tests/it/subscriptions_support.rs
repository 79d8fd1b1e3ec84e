//! Helpers of the platform subscription tests: a subscription through the API, an AP3000 pile
//! charging one platform order through the real TCP gateway, and the notification worker drained.

use crate::alarm_support::{Received, Receiver};
use crate::charging_ap3000::{control, expect, Env, CARD, PILE};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_iam::Role;
use mgc_notify::NotifyWorker;
use mgc_store::Store;
use serde_json::{json, Value};

/// The signing secret of the test subscriptions.
pub const SUB_SECRET: &str = "platform-secret-0123456789";

/// Creates a subscription of `acme` to `url`; returns its JSON.
pub async fn subscribe(env: &Env, url: &str, event_types: Value, progress_interval_s: u32) -> Value {
    let admin = env.app.bearer("acme", Role::Admin);
    let body = json!({"url": url, "secret": SUB_SECRET, "event_types": event_types, "progress_interval_s": progress_interval_s});
    let (s, b) = env.app.call(Method::POST, "/api/v1/subscriptions", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b.get("secret").is_none() && !b.to_string().contains(SUB_SECRET), "the secret is never shown: {b}");
    b
}

/// Connects the pile, has it adopted (linked to its masterdata device) and online.
pub async fn online_pile(env: &Env) -> PileClient {
    let admin = env.app.bearer("acme", Role::Admin);
    let mut pile = PileClient::connect(&env.addr, "89860413161892009275").await.unwrap();
    pile.send(PILE, &report::register(2)).await.unwrap();
    expect(&mut pile, 0x20).await;
    let (_, cps) = env.app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
    let cp = cps["items"].as_array().unwrap().iter().find(|c| c["identity"] == PILE.identity()).unwrap().clone();
    let path = format!("/api/v1/charge-points/{}/registration", cp["id"].as_str().unwrap());
    let (s, b) = env.app.call(Method::PUT, &path, Some(&admin), Some(json!({"registration": "accepted"}))).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    pile.send(PILE, &report::register(2)).await.unwrap();
    expect(&mut pile, 0x20).await;
    pile.send(PILE, &report::heartbeat(&[0, 0])).await.unwrap();
    expect(&mut pile, 0x21).await;
    pile
}

/// Starts order `order_no` on port 1 through the third-party API, has the pile accept it, report
/// power three times (at +0 s, +120 s, +420 s) and settle at +3600 s; the outbox is pumped
/// after each step, as the dispatcher would run.
pub async fn charge_order(env: &Env, pile: &mut PileClient, order_no: &str) {
    let admin = env.app.bearer("acme", Role::Admin);
    let (s, key) = env
        .app
        .call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(json!({"name": "platform", "role": "operator"})))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{key}");
    let key = format!("ApiKey {}", key["key"].as_str().unwrap());
    let start = format!("/api/third/v1/devices/{}/charge/start", PILE.identity());
    let body = json!({"port": 1, "mode": "energy", "limit": 1000, "order_no": order_no, "id_tag": CARD.to_string()});
    let (s, b) = env.app.call(Method::POST, &start, Some(&key), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let round = env.round();
    let frame = expect(pile, 0x82).await;
    let order = control(&frame).order;
    pile.send_with_id(PILE, frame.message_id, &report::control_done(order, 0)).await.unwrap();
    round.await.unwrap();
    env.app.pump().await;
    for (advance, energy_cwh, seconds) in [(0, 10, 10), (120, 20, 130), (300, 30, 430)] {
        env.app.clock.advance(chrono::Duration::seconds(advance));
        pile.send(PILE, &report::power(0, order, energy_cwh, seconds, 1000)).await.unwrap();
        // The pile's next heartbeat is answered after its power report was handled.
        pile.send(PILE, &report::heartbeat(&[1, 0])).await.unwrap();
        expect(pile, 0x21).await;
        env.app.pump().await;
    }
    env.app.clock.advance(chrono::Duration::seconds(3180));
    pile.send(PILE, &report::settlement(0, order, 48, 3600, 7)).await.unwrap();
    expect(pile, 0x03).await;
    env.app.pump().await;
}

/// Runs the worker until nothing is due now.
pub async fn drain(w: &NotifyWorker<Store>) {
    while w.run_once().await.unwrap().claimed > 0 {}
}

/// The accepted deliveries about `session_id` (any other key left out).
pub fn of_session(got: &[Received], session_id: &str) -> Vec<Value> {
    got.iter().map(Received::json).filter(|j| j["data"]["session_id"] == session_id).collect()
}

/// The event names of `items`.
pub fn events(items: &[Value]) -> Vec<String> {
    items.iter().map(|j| j["event"].as_str().unwrap_or_default().to_owned()).collect()
}

/// `GET` as the admin of `tenant`.
pub async fn admin_get(env: &Env, tenant: &str, path: &str) -> (StatusCode, Value) {
    env.app.call(Method::GET, path, Some(&env.app.bearer(tenant, Role::Admin)), None).await
}

/// The unauthenticated `/metrics` text.
pub async fn metrics_text(env: &Env) -> String {
    let req = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(env.app.router.clone(), req).await.unwrap();
    String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

/// The value of the `/metrics` sample named `name` whose labels contain every one of `labels`.
pub fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with('{'))
        .find(|l| labels.iter().all(|x| l.contains(x)))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

/// The webhook receiver and the test worker (no jitter).
pub async fn receiver_and_worker(env: &Env) -> (Receiver, NotifyWorker<Store>) {
    (Receiver::start().await, crate::alarm_support::worker(&env.app, crate::alarm_support::worker_config()))
}
