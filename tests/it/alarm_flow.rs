//! One incident through the HTTP API into both backends: rule → telemetry → one alarm and one
//! signed webhook per channel (even with a duplicated event), repeat, auto-clear, ack, clear,
//! history, events, and tenant isolation.

use crate::alarm_support::*;
use crate::ingest_support::provisioned;
use crate::support::assert_error;
use axum::http::{Method, StatusCode};
use mgc_contracts::{EventEnvelope, IntegrationEvent, TelemetryReceived};
use mgc_eventing::{EventHandler, OutboxStore, ProcessedEvents, UnitOfWork};
use mgc_iam::Role;
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn one_incident_gives_one_alarm_and_one_signed_webhook_then_clears() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, secret) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        let d = dispatcher(&app);
        let w = worker(&app, worker_config());

        post_power(&app, &ing, 90.0).await;
        dispatch_all(&d).await;
        app.clock.advance(chrono::Duration::seconds(10));
        post_power(&app, &ing, 95.0).await;
        dispatch_all(&d).await;
        assert_eq!(w.run_once().await.unwrap().delivered, 1, "{}", db.backend);

        let list = alarms(&app, &admin, "?status=active_unack").await;
        assert_eq!(list.len(), 1, "{}: one open alarm per (rule, device)", db.backend);
        let alarm = &list[0];
        assert_eq!(alarm["severity"], "major");
        assert_eq!(alarm["count"], 2, "the repeat updated the alarm");
        assert_eq!(alarm["last_value"], 95000.0);
        assert_eq!(alarm["message"], "meter-1 at Shenzhen PV + storage: 90000 W (> 80000)");

        let got = hook.accepted();
        assert_eq!(got.len(), 1);
        let env = got[0].json();
        assert_eq!(env["event"], "alarm.raised");
        assert_eq!(env["data"]["alarm"]["id"], alarm["id"]);
        assert_eq!(got[0].header("idempotency-key"), env["id"].as_str().unwrap());
        let (ts, sig) = (got[0].header("x-mgc-timestamp"), got[0].header("x-mgc-signature"));
        assert!(mgc_notify::verify_webhook_signature(&secret, &ts, &got[0].body, &sig), "signature verifies");
        assert!(!mgc_notify::verify_webhook_signature("wrong-secret-wrong", &ts, &got[0].body, &sig));

        app.clock.advance(chrono::Duration::seconds(10));
        post_power(&app, &ing, 20.0).await;
        dispatch_all(&d).await;
        assert_eq!(w.run_once().await.unwrap().delivered, 1);
        assert_eq!(hook.accepted()[1].json()["event"], "alarm.cleared");
        let cleared = alarms(&app, &admin, "?status=cleared_unack").await;
        assert_eq!(cleared.len(), 1);
        assert_eq!(cleared[0]["cleared_by"], "system");

        let id = cleared[0]["id"].as_str().unwrap();
        // A comment PostgreSQL could not store, or too long to keep, is refused and changes nothing.
        for (comment, code) in [("seen\u{0}".to_owned(), "invalid_value"), ("x".repeat(2001), "comment_too_long")] {
            for action in ["ack", "clear"] {
                let (s, b) = app
                    .call(
                        Method::POST,
                        &format!("/api/v1/alarms/{id}/{action}"),
                        Some(&admin),
                        Some(json!({ "comment": comment })),
                    )
                    .await;
                assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{} {action}: {b}", db.backend);
                assert_error(&b, code);
            }
        }
        // The body is an object: an array of its field values is not read as one.
        for action in ["ack", "clear"] {
            let path = format!("/api/v1/alarms/{id}/{action}");
            let (s, b) = app.call(Method::POST, &path, Some(&admin), Some(json!(["seen"]))).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{} {action}: {b}", db.backend);
            assert_error(&b, "invalid_body");
        }
        let (s, b) = app
            .call(Method::POST, &format!("/api/v1/alarms/{id}/ack"), Some(&admin), Some(json!({"comment": "seen"})))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["status"], "cleared_ack");
        let (s, b) = app.call(Method::POST, &format!("/api/v1/alarms/{id}/ack"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_error(&b, "alarm_already_acknowledged");
        let (_, b) = app.call(Method::GET, &format!("/api/v1/alarms/{id}"), Some(&admin), None).await;
        let actions: Vec<_> =
            b["history"].as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actions, vec!["raised", "cleared", "acknowledged"]);
        assert_eq!(b["history"][2]["actor"], "user-1");
        assert_eq!(b["history"][2]["comment"], "seen");
        for ty in ["alarms.alarm_raised", "alarms.alarm_cleared", "alarms.alarm_acknowledged"] {
            assert_eq!(outbox_count(&db, ty).await, 1, "{}: {ty} in the outbox", db.backend);
        }
    }
}

#[tokio::test]
async fn same_telemetry_event_delivered_twice_raises_and_notifies_once() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        post_power(&app, &ing, 90.0).await;
        let now = app.clock.now();
        let claimed = app.store.claim("probe", now, now, 100).await.unwrap();
        let ev: &EventEnvelope =
            &claimed.iter().find(|c| c.envelope.event_type == TelemetryReceived::TYPE).unwrap().envelope;
        let consumer = mgc_alarms::TelemetryAlarmConsumer::new(app.clock.shared());
        // The event arrives twice, as at-least-once delivery allows; the processed mark keeps it once.
        for _ in 0..2 {
            let mut tx = app.store.begin().await.unwrap();
            if tx.mark_processed(EventHandler::<mgc_store::StoreTx>::consumer(&consumer), ev.id, now).await.unwrap() {
                consumer.handle(&mut tx, ev).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        // Even a second evaluation of the same sample (a different event, same data) changes nothing.
        let mut tx = app.store.begin().await.unwrap();
        mgc_alarms::app::consumer::evaluate_batch(&mut tx, &ev.tenant_id, &ev.decode().unwrap(), now).await.unwrap();
        tx.commit().await.unwrap();
        worker(&app, worker_config()).run_once().await.unwrap();
        assert_eq!(alarms(&app, &admin, "").await.len(), 1, "{}", db.backend);
        assert_eq!(hook.accepted().len(), 1, "{}: one notification per channel", db.backend);
    }
}

#[tokio::test]
async fn tenant_b_cannot_read_or_change_tenant_a_alarms_rules_or_channels() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        let r = rule(&app, &admin, power_rule(&channel)).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        let alarm = alarms(&app, &admin, "").await[0]["id"].as_str().unwrap().to_owned();
        let other = app.bearer("globex", Role::Admin);
        assert!(alarms(&app, &other, "").await.is_empty());
        for path in [
            format!("/api/v1/alarms/{alarm}"),
            format!("/api/v1/alarm-rules/{}", r["id"].as_str().unwrap()),
            format!("/api/v1/notification-channels/{channel}"),
        ] {
            let (s, _) = app.call(Method::GET, &path, Some(&other), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{}: {path}", db.backend);
        }
        let (s, _) = app.call(Method::POST, &format!("/api/v1/alarms/{alarm}/ack"), Some(&other), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .call(Method::DELETE, &format!("/api/v1/alarm-rules/{}", r["id"].as_str().unwrap()), Some(&other), None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let mut bad_rule = power_rule(&channel);
        bad_rule["name"] = json!("steal");
        let (s, b) = app.call(Method::POST, "/api/v1/alarm-rules", Some(&other), Some(bad_rule)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "another tenant's channel is unknown: {b}");
        assert_eq!(alarms(&app, &admin, "?status=active_unack").await.len(), 1);
    }
}

#[tokio::test]
async fn bad_rule_and_query_input_gets_named_4xx() {
    let app = crate::support::TestApp::sqlite().await;
    let admin = app.bearer("acme", Role::Admin);
    let viewer = app.bearer("acme", Role::Viewer);
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/alarm-rules",
            Some(&admin),
            Some(json!({"name": "x", "severity": "major", "condition": {"point": "p", "op": "~", "value": 1}})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_alarm_rule").contains("condition.op"));
    let (s, b) = app
        .call(Method::POST, "/api/v1/alarm-rules", Some(&admin), Some(json!({"name": "x", "sevrity": "major"})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_body").contains("sevrity"));
    let (s, _) = app
        .call(Method::POST, "/api/v1/alarm-rules", Some(&viewer), Some(power_rule(&uuid::Uuid::nil().to_string())))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app.call(Method::GET, "/api/v1/alarms?severity=fatal", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(assert_error(&b, "invalid_query").contains("fatal"));
    let (s, b) = app.call(Method::GET, "/api/v1/notifications?state=lost", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(assert_error(&b, "invalid_query").contains("lost"));
    let (s, b) = app.call(Method::GET, "/api/v1/alarms/not-an-id", Some(&admin), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_error(&b, "invalid_id");
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/notification-channels",
            Some(&admin),
            Some(json!({"name": "m", "kind": "email", "config": {"host": "h", "from": "a@b.c", "to": ["nope"]}})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(assert_error(&b, "invalid_channel").contains("config.to"));
}

#[tokio::test]
async fn spike_already_over_when_evaluated_still_raises_and_clears() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        post_power(&app, &ing, 90.0).await;
        app.clock.advance(chrono::Duration::seconds(1));
        post_power(&app, &ing, 20.0).await;
        // Both batches are evaluated only now, when the latest value is back to normal.
        dispatch_all(&dispatcher(&app)).await;
        let list = alarms(&app, &admin, "?status=cleared_unack").await;
        assert_eq!(list.len(), 1, "{}", db.backend);
        assert_eq!(list[0]["last_value"], 90000.0);
        let w = worker(&app, worker_config());
        while w.run_once().await.unwrap().claimed > 0 {}
        let events: Vec<_> = hook.accepted().iter().map(|r| r.json()["event"].as_str().unwrap().to_owned()).collect();
        assert_eq!(events, vec!["alarm.raised", "alarm.cleared"]);
    }
}
