//! The scheduler tick on both backends, with an injected clock: no-data alarms (also for a
//! device that never reported), a pending duration that survives a restart, escalation once,
//! and the cooldown between notifications of one alarm.

use crate::alarm_support::*;
use crate::ingest_support::{post_signed, provisioned};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::json;

async fn tick(app: &TestApp) -> mgc_alarms::TickReport {
    mgc_alarms::run_tick(&app.store, app.clock.now()).await.unwrap()
}

#[tokio::test]
async fn silent_device_raises_no_data_alarm_and_data_clears_it() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        rule(
            &app,
            &admin,
            json!({"name": "inverter silent", "type": "no_data", "no_data_secs": 600, "severity": "minor",
            "scope": {"device_kind": "pv_inverter"}, "message": "{device} silent for {duration}"}),
        )
        .await;
        assert_eq!(tick(&app).await.raised, 0);
        app.clock.advance(chrono::Duration::seconds(599));
        assert_eq!(tick(&app).await.raised, 0, "{}", db.backend);
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(tick(&app).await.raised, 1, "{}: pv-1 never reported", db.backend);
        assert_eq!(tick(&app).await.raised, 0, "raised once");
        let list = alarms(&app, &admin, "?status=active").await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["message"], "pv-1 silent for 10m 0s");

        let t = app.clock.now().timestamp_millis();
        let body = json!([{"device": "pv-1", "ts": t, "values": {"pv_power_w": 1000}}]).to_string();
        assert_eq!(post_signed(&app, &ing, &body, &[]).await.0, StatusCode::OK);
        dispatch_all(&dispatcher(&app)).await;
        assert_eq!(alarms(&app, &admin, "?status=cleared").await.len(), 1, "{}: data cleared it", db.backend);
        app.clock.advance(chrono::Duration::seconds(601));
        assert_eq!(tick(&app).await.raised, 1, "{}: silent again → a new alarm", db.backend);
    }
}

#[tokio::test]
async fn pending_duration_survives_a_restart_and_raises_once() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let mut body = power_rule(&uuid::Uuid::nil().to_string());
        body["channels"] = json!([]);
        body["duration_secs"] = json!(60);
        rule(&app, &admin, body).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        assert!(alarms(&app, &admin, "").await.is_empty(), "{}: not held long enough yet", db.backend);

        // A new process on the same database: its memory is empty, the rule state is not.
        let restarted = TestApp::new(&db).await;
        restarted.clock.set(app.clock.now() + chrono::Duration::seconds(59));
        assert_eq!(tick(&restarted).await.raised, 0);
        restarted.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(tick(&restarted).await.raised, 1, "{}: the pending duration was remembered", db.backend);
        assert_eq!(tick(&restarted).await.raised, 0);
        let list = alarms(&restarted, &admin, "").await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["started_at"], json!("2026-03-01T12:00:00Z"), "since the condition began to hold");
    }
}

#[tokio::test]
async fn unacknowledged_alarm_escalates_once_to_the_escalation_channel() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let (ops, boss) = (Receiver::start().await, Receiver::start().await);
        let (ops_id, _) = webhook_channel(&app, &admin, &ops.url).await;
        let (boss_id, _) = webhook_channel(&app, &admin, &boss.url).await;
        let mut body = power_rule(&ops_id);
        body["escalation"] = json!({"after_secs": 300, "channels": [boss_id]});
        rule(&app, &admin, body).await;
        post_power(&app, &ing, 90.0).await;
        dispatch_all(&dispatcher(&app)).await;
        let w = worker(&app, worker_config());
        app.clock.advance(chrono::Duration::seconds(299));
        assert_eq!(tick(&app).await.escalated, 0);
        app.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(tick(&app).await.escalated, 1, "{}", db.backend);
        assert_eq!(tick(&app).await.escalated, 0, "escalates once");
        while w.run_once().await.unwrap().claimed > 0 {}
        assert_eq!(ops.accepted().len(), 1);
        let got = boss.accepted();
        assert_eq!(got.len(), 1, "{}", db.backend);
        assert_eq!(got[0].json()["event"], "alarm.escalated");
        let id = alarms(&app, &admin, "").await[0]["id"].as_str().unwrap().to_owned();
        let (_, b) = app.call(Method::GET, &format!("/api/v1/alarms/{id}"), Some(&admin), None).await;
        assert_eq!(b["history"][1]["action"], "escalated");
    }
}

#[tokio::test]
async fn cooldown_suppresses_notifications_of_quick_severity_changes() {
    for db in all_databases().await {
        let (app, admin, ing) = provisioned(&db).await;
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(&app, &admin, &hook.url).await;
        rule(
            &app,
            &admin,
            json!({"name": "load", "scope": {"device_kind": "meter"}, "channels": [channel], "cooldown_secs": 600,
            "levels": [
                {"severity": "minor", "condition": {"point": "active_power_w", "op": ">", "value": 50000}},
                {"severity": "major", "condition": {"point": "active_power_w", "op": ">", "value": 80000}},
                {"severity": "critical", "condition": {"point": "active_power_w", "op": ">", "value": 100000}}]}),
        )
        .await;
        let d = dispatcher(&app);
        for (after, kw) in [(0, 60.0), (10, 90.0), (700, 110.0)] {
            app.clock.advance(chrono::Duration::seconds(after));
            post_power(&app, &ing, kw).await;
            dispatch_all(&d).await;
        }
        let w = worker(&app, worker_config());
        while w.run_once().await.unwrap().claimed > 0 {}
        let sev: Vec<String> = hook
            .accepted()
            .iter()
            .map(|r| r.json()["data"]["alarm"]["severity"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(sev, vec!["minor", "critical"], "{}: the change to major fell in the cooldown", db.backend);
        let id = alarms(&app, &admin, "").await[0]["id"].as_str().unwrap().to_owned();
        let (_, b) = app.call(Method::GET, &format!("/api/v1/alarms/{id}"), Some(&admin), None).await;
        assert_eq!(b["history"].as_array().unwrap().len(), 3, "every change is in the history");
    }
}
