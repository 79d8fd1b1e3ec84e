//! Webhook delivery against a real local HTTP receiver: retries with growing delays, breaker,
//! recovery with every notification arriving once and in order; dead letter and manual retry.

use crate::alarm_support::*;
use crate::ingest_support::provisioned;
use axum::http::{Method, StatusCode};
use mgc_alarms::ChannelId;
use mgc_kernel::Clock;
use mgc_notify::BreakerState;
use mgc_tests::all_databases;
use serde_json::{json, Value};

fn levels_rule(channel: &str) -> Value {
    json!({
        "name": "meter load", "scope": {"device_kind": "meter"}, "channels": [channel],
        "levels": [
            {"severity": "minor", "condition": {"point": "active_power_w", "op": ">", "value": 50000}},
            {"severity": "major", "condition": {"point": "active_power_w", "op": ">", "value": 80000}},
            {"severity": "critical", "condition": {"point": "active_power_w", "op": ">", "value": 100000}}
        ]
    })
}

async fn notifications(app: &crate::support::TestApp, token: &str, state: &str) -> Vec<Value> {
    let (s, b) = app.call(Method::GET, &format!("/api/v1/notifications?state={state}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// The unauthenticated `/metrics` text.
async fn metrics_text(app: &crate::support::TestApp) -> String {
    let req = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap();
    let resp = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
    String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn failing_receiver_gets_retries_with_growing_delays_breaker_opens_then_all_arrive_once_in_order() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        hook.answer(Some(500));
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, levels_rule(&channel)).await;
        let d = dispatcher(&app);
        for kw in [60.0, 90.0, 110.0, 20.0] {
            post_power(&app, &ing, kw).await;
            dispatch_all(&d).await;
            app.clock.advance(chrono::Duration::seconds(1));
        }
        assert_eq!(notifications(&app, &admin, "pending").await.len(), 4, "{}: raise, 2 changes, clear", db.backend);
        let w = worker(&app, worker_config());

        let mut delays = Vec::new();
        for _ in 0..3 {
            let r = w.run_once().await.unwrap();
            assert_eq!((r.claimed, r.failed), (1, 1), "{}: only the head of the alarm's queue is sent", db.backend);
            let retrying = notifications(&app, &admin, "retrying").await;
            let next: chrono::DateTime<chrono::Utc> =
                serde_json::from_value(retrying[0]["next_attempt_at"].clone()).unwrap();
            let delay = next - app.clock.now();
            delays.push(delay.num_seconds());
            app.clock.advance(delay);
        }
        assert_eq!(delays, vec![1, 2, 4], "{}: exponential backoff", db.backend);
        let channel_id: ChannelId = channel.parse().unwrap();
        assert_eq!(w.breaker_state(channel_id), BreakerState::Open);
        let exposed = metrics_text(&app).await;
        assert!(exposed.contains("mgc_notify_breaker_open"), "{}: breaker gauge missing", db.backend);
        assert!(!exposed.contains(&channel), "{}: /metrics exposes a tenant's channel id", db.backend);
        let r = w.run_once().await.unwrap();
        assert_eq!((r.deferred, hook.all().len()), (1, 3), "{}: open breaker sends nothing", db.backend);

        hook.answer(None);
        app.clock.advance(chrono::Duration::seconds(61));
        let r = w.run_once().await.unwrap();
        assert_eq!(r.delivered, 1, "{}: half-open probe succeeds", db.backend);
        assert_eq!(w.breaker_state(channel_id), BreakerState::Closed);
        while w.run_once().await.unwrap().claimed > 0 {}
        let events: Vec<String> =
            hook.accepted().iter().map(|r| r.json()["event"].as_str().unwrap().to_owned()).collect();
        assert_eq!(events, vec!["alarm.raised", "alarm.severity_changed", "alarm.severity_changed", "alarm.cleared"]);
        let severities: Vec<Value> =
            hook.accepted().iter().map(|r| r.json()["data"]["alarm"]["severity"].clone()).collect();
        assert_eq!(severities, vec![json!("minor"), json!("major"), json!("critical"), json!("critical")]);
        let mut ids: Vec<String> = hook.accepted().iter().map(|r| r.header("idempotency-key")).collect();
        ids.dedup();
        assert_eq!(ids.len(), 4, "each notification accepted exactly once");
        assert_eq!(notifications(&app, &admin, "delivered").await.len(), 4);
    }
}

#[tokio::test]
async fn receiver_that_never_recovers_dead_letters_and_manual_retry_delivers() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        hook.answer(Some(503));
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        let w = worker(&app, worker_config());
        for _ in 0..20 {
            w.run_once().await.unwrap();
            app.clock.advance(chrono::Duration::seconds(61));
        }
        let dead = notifications(&app, &admin, "dead").await;
        assert_eq!(dead.len(), 1, "{}", db.backend);
        assert_eq!(dead[0]["attempts"], 5);
        assert!(dead[0]["last_error"].as_str().unwrap().contains("max attempts"));
        assert_eq!(hook.all().len(), 5, "{}: every attempt reached the receiver", db.backend);

        hook.answer(None);
        let id = dead[0]["id"].as_str().unwrap();
        let (s, b) = app.call(Method::POST, &format!("/api/v1/notifications/{id}/retry"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["state"], "pending");
        assert_eq!(b["attempts"], 0);
        let (s, _) = app.call(Method::POST, &format!("/api/v1/notifications/{id}/retry"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::CONFLICT, "a pending notification is not retried again");
        let r = w.run_once().await.unwrap();
        assert_eq!(r.delivered, 1, "{}: breaker half-open by now, the probe delivers", db.backend);
        assert_eq!(hook.accepted().len(), 1);
        assert_eq!(notifications(&app, &admin, "delivered").await.len(), 1);
    }
}

#[tokio::test]
async fn channel_test_message_is_queued_and_sent_signed() {
    for db in all_databases().await {
        let (app, admin, _) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, secret) = webhook_channel(&app, &admin, &hook.url).await;
        let (s, b) =
            app.call(Method::POST, &format!("/api/v1/notification-channels/{channel}/test"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}");
        let (_, listed) =
            app.call(Method::GET, &format!("/api/v1/notification-channels/{channel}"), Some(&admin), None).await;
        assert_eq!(listed["config"]["secret"], "***", "secrets are masked on reads");
        worker(&app, worker_config()).run_once().await.unwrap();
        let got = hook.accepted();
        assert_eq!(got.len(), 1, "{}", db.backend);
        assert_eq!(got[0].json()["event"], "channel.test");
        assert!(mgc_notify::verify_webhook_signature(
            &secret,
            &got[0].header("x-mgc-timestamp"),
            &got[0].body,
            &got[0].header("x-mgc-signature")
        ));
        let id = b["notification_id"].as_str().unwrap();
        let (_, d) = app.call(Method::GET, &format!("/api/v1/notifications/{id}"), Some(&admin), None).await;
        assert_eq!(d["state"], "delivered");
    }
}

#[tokio::test]
async fn failing_delivery_past_max_age_and_deliveries_of_a_deleted_channel_go_dead() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let (hook, gone) = (Receiver::start().await, Receiver::start().await);
        hook.answer(Some(500));
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        let (gone_id, _) = webhook_channel(&app, &admin, &gone.url).await;
        let mut body = power_rule(&channel);
        body["channels"] = json!([channel, gone_id]);
        rule(&app, &admin, body).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        let (s, _) =
            app.call(Method::DELETE, &format!("/api/v1/notification-channels/{gone_id}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let w = worker(&app, mgc_notify::NotifyConfig { max_age: chrono::Duration::seconds(10), ..worker_config() });
        let r = w.run_once().await.unwrap();
        assert_eq!((r.failed, r.dead), (1, 1), "{}: the deleted channel's delivery is dead at once", db.backend);
        app.clock.advance(chrono::Duration::seconds(11));
        assert_eq!(w.run_once().await.unwrap().dead, 1, "{}: too old to retry", db.backend);
        let dead = notifications(&app, &admin, "dead").await;
        let errors: Vec<&str> = dead.iter().map(|d| d["last_error"].as_str().unwrap()).collect();
        assert!(
            errors.iter().any(|e| e.contains("max age")) && errors.iter().any(|e| e.contains("no longer exists")),
            "{errors:?}"
        );
        assert!(gone.all().is_empty());
    }
}
