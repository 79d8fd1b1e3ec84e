//! Platform subscriptions end to end on both backends, with a real local receiver and an AP3000
//! pile on the real TCP gateway: a platform order's session is told in order, signed, with its
//! order number and a dedupe id; a receiver down for a while gets everything afterwards, in
//! order, once each; a ping dead-lettered and replayed; statistics and /metrics agree with the
//! deliveries; tenant B sees and changes nothing of tenant A's.

use crate::alarm_support::worker_config;
use crate::charging_ap3000::env;
use crate::subscriptions_support::*;
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SESSION_EVENTS: [&str; 5] =
    ["session.started", "session.progress", "session.progress", "session.ended", "settlement.uploaded"];

fn signed(r: &crate::alarm_support::Received) -> bool {
    mgc_notify::verify_webhook_signature(
        SUB_SECRET,
        &r.header("x-mgc-timestamp"),
        &r.body,
        &r.header("x-mgc-signature"),
    )
}

/// Nearest-rank percentile of sorted `v`.
fn pct(v: &[i64], p: usize) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    json!(v[(p * v.len()).div_ceil(100).max(1) - 1])
}

#[tokio::test]
async fn given_a_subscription_when_a_platform_order_charges_then_its_notices_arrive_signed_in_order_with_order_no() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let (hook, w) = receiver_and_worker(&env).await;
        let sub = subscribe(&env, &hook.url, json!(["session.*", "settlement.uploaded", "device.*"]), 300).await;
        let id = sub["id"].as_str().unwrap();
        let mut pile = online_pile(&env).await;
        env.app.pump().await;
        charge_order(&env, &mut pile, "ORD-S1").await;
        drain(&w).await;

        let got = hook.accepted();
        assert!(got.iter().all(signed), "{b}: every delivery is signed with the subscription's secret");
        let all: Vec<Value> = got.iter().map(|r| r.json()).collect();
        assert!(events(&all).contains(&"device.online".to_owned()), "{b}: {:?}", events(&all));
        assert!(!events(&all).iter().any(|e| e.starts_with("port.")), "{b}: port events were not asked for");
        let started = all.iter().find(|j| j["event"] == "session.started").expect("session.started");
        let session = started["data"]["session_id"].as_str().unwrap();
        let mine = of_session(&got, session);
        // Four progress events (the start's state change, three power reports); two came within the
        // subscription's 300 s of the one told before, so they are left out.
        assert_eq!(events(&mine), SESSION_EVENTS, "{b}: in order");
        assert!(mine.iter().all(|j| j["data"]["order_no"] == "ORD-S1"), "{b}: every notice names the order: {mine:?}");
        let ids: BTreeSet<String> = got.iter().map(|r| r.header("x-mgc-delivery")).collect();
        assert_eq!(ids.len(), got.len(), "{b}: one id per notice");
        assert!(got.iter().all(|r| r.json()["id"] == r.header("x-mgc-delivery")), "{b}: the body carries the id");
        assert_eq!(mine[3]["data"]["energy_wh"], 480, "{b}: {}", mine[3]);

        let (s, stats) = admin_get(&env, "acme", &format!("/api/v1/subscriptions/{id}/stats")).await;
        assert_eq!(s, StatusCode::OK, "{stats}");
        assert_eq!(stats["delivered"], got.len(), "{b}: {stats}");
        assert_eq!((stats["dead"].as_i64(), stats["failed_attempts"].as_i64()), (Some(0), Some(0)), "{b}: {stats}");
        assert_eq!(stats["success_rate"], 1.0);
        let exposed = metrics_text(&env).await;
        let delivered =
            sample(&exposed, "mgc_subscription_deliveries_total", &[&format!("\"{id}\""), "outcome=\"delivered\""]);
        assert_eq!(delivered, Some(got.len() as f64), "{b}: /metrics counts this subscription's deliveries");
        assert!(exposed.contains("# HELP mgc_subscription_delivery_latency_seconds"), "{b}");
    }
}

#[tokio::test]
async fn given_a_receiver_down_for_a_while_then_it_gets_everything_afterwards_in_order_once_each_and_stats_match() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let (hook, _) = receiver_and_worker(&env).await;
        // The session's notices wait an hour for the session to end: older than the tests' max age.
        let config = mgc_notify::NotifyConfig { max_age: chrono::Duration::hours(24), ..worker_config() };
        let w = crate::alarm_support::worker(&env.app, config);
        // No progress throttle here: the start's state change and the three power reports are all
        // told (the first test's 300 s drops two of these four).
        let sub = subscribe(&env, &hook.url, json!(["session.*", "settlement.*"]), 0).await;
        let id = sub["id"].as_str().unwrap();
        hook.answer(Some(503));
        let mut pile = online_pile(&env).await;
        charge_order(&env, &mut pile, "ORD-S2").await;
        for _ in 0..4 {
            w.run_once().await.unwrap();
            env.app.clock.advance(chrono::Duration::seconds(61));
        }
        assert!(hook.accepted().is_empty() && !hook.all().is_empty(), "{b}: tried, refused");
        let heads: BTreeSet<String> =
            hook.all().iter().map(|r| r.json()["event"].as_str().unwrap().to_owned()).collect();
        assert_eq!(heads, BTreeSet::from(["session.started".to_owned()]), "{b}: only the session's head is tried");

        hook.answer(None);
        for _ in 0..10 {
            drain(&w).await;
            env.app.clock.advance(chrono::Duration::seconds(61));
        }
        let got = hook.accepted();
        let session = got[0].json()["data"]["session_id"].as_str().unwrap().to_owned();
        let mine = of_session(&got, &session);
        let mut want = SESSION_EVENTS.to_vec();
        want.splice(1..1, ["session.progress", "session.progress"]);
        assert_eq!(events(&mine), want, "{b}: everything, in order");
        let ids: Vec<String> = got.iter().map(|r| r.header("x-mgc-delivery")).collect();
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "{b}: each accepted once");
        assert!(got.iter().all(signed) && mine.iter().all(|j| j["data"]["order_no"] == "ORD-S2"), "{b}");

        let (_, page) = admin_get(&env, "acme", "/api/v1/notifications?state=delivered&limit=100").await;
        let mut latencies: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["channel_id"] == id)
            .map(|d| {
                let at = |k: &str| serde_json::from_value::<chrono::DateTime<chrono::Utc>>(d[k].clone()).unwrap();
                (at("delivered_at") - at("created_at")).num_milliseconds()
            })
            .collect();
        latencies.sort_unstable();
        let (_, stats) = admin_get(&env, "acme", &format!("/api/v1/subscriptions/{id}/stats")).await;
        assert_eq!(stats["delivered"], latencies.len(), "{b}: {stats}");
        assert_eq!(stats["failed_attempts"], hook.all().len() - got.len(), "{b}: {stats}");
        assert_eq!(stats["attempts"], hook.all().len(), "{b}: {stats}");
        let l = &stats["latency"];
        let want = [pct(&latencies, 50), pct(&latencies, 95), pct(&latencies, 99), json!(latencies.last())];
        assert_eq!([l["p50_ms"].clone(), l["p95_ms"].clone(), l["p99_ms"].clone(), l["max_ms"].clone()], want, "{b}");
        assert!(l["max_ms"].as_i64().unwrap() >= 4 * 61_000, "{b}: the outage shows in the latency: {stats}");
        let exposed = metrics_text(&env).await;
        let failed =
            sample(&exposed, "mgc_subscription_deliveries_total", &[&format!("\"{id}\""), "outcome=\"failed\""]);
        assert_eq!(failed, stats["failed_attempts"].as_f64(), "{b}: /metrics agrees");
    }
}

#[tokio::test]
async fn given_a_ping_to_a_dead_receiver_then_it_is_dead_lettered_and_a_manual_replay_delivers_it() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let admin = env.app.bearer("acme", Role::Admin);
        let (hook, w) = receiver_and_worker(&env).await;
        let sub = subscribe(&env, &hook.url, json!(["alarm.*"]), 60).await;
        let id = sub["id"].as_str().unwrap();
        hook.answer(Some(500));
        let (s, queued) =
            env.app.call(Method::POST, &format!("/api/v1/subscriptions/{id}/ping"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{queued}");
        let delivery = queued["notification_id"].as_str().unwrap();
        for _ in 0..8 {
            w.run_once().await.unwrap();
            env.app.clock.advance(chrono::Duration::seconds(61));
        }
        let (_, d) = admin_get(&env, "acme", &format!("/api/v1/notifications/{delivery}")).await;
        assert_eq!((d["state"].as_str(), d["attempts"].as_i64()), (Some("dead"), Some(5)), "{b}: {d}");
        let (_, stats) = admin_get(&env, "acme", &format!("/api/v1/subscriptions/{id}/stats")).await;
        assert_eq!((stats["dead"].as_i64(), stats["success_rate"].as_f64()), (Some(1), Some(0.0)), "{b}: {stats}");

        hook.answer(None);
        let path = format!("/api/v1/notifications/{delivery}/retry");
        let (s, d) = env.app.call(Method::POST, &path, Some(&admin), None).await;
        assert_eq!((s, d["state"].as_str()), (StatusCode::OK, Some("pending")), "{b}: {d}");
        drain(&w).await;
        let got = hook.accepted();
        assert_eq!(got.len(), 1, "{b}");
        assert_eq!(
            (got[0].json()["event"].as_str(), got[0].header("x-mgc-delivery")),
            (Some("ping"), delivery.to_owned())
        );
        assert!(signed(&got[0]), "{b}: the ping is signed like every notice");
        let (_, stats) = admin_get(&env, "acme", &format!("/api/v1/subscriptions/{id}/stats")).await;
        assert_eq!((stats["delivered"].as_i64(), stats["dead"].as_i64()), (Some(1), Some(0)), "{b}: {stats}");

        let off = json!({"url": hook.url, "event_types": ["alarm.*"], "enabled": false});
        let (s, b2) = env.app.call(Method::PUT, &format!("/api/v1/subscriptions/{id}"), Some(&admin), Some(off)).await;
        assert_eq!((s, b2["enabled"].as_bool()), (StatusCode::OK, Some(false)), "{b2}");
        let (s, e) = env.app.call(Method::POST, &format!("/api/v1/subscriptions/{id}/ping"), Some(&admin), None).await;
        assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("subscription_disabled")), "{b}");
    }
}

#[tokio::test]
async fn given_tenant_a_subscription_then_tenant_b_and_non_admins_cannot_see_or_change_it_and_bad_input_is_named() {
    for db in all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let sub = subscribe(&env, "http://127.0.0.1:9/hook", json!(["*"]), 60).await;
        let id = sub["id"].as_str().unwrap();
        let other = env.app.bearer("beta", Role::Admin);
        let body = json!({"url": "http://127.0.0.1:9/other", "event_types": ["*"]});
        for (method, path, body) in [
            (Method::GET, format!("/api/v1/subscriptions/{id}"), None),
            (Method::PUT, format!("/api/v1/subscriptions/{id}"), Some(body)),
            (Method::POST, format!("/api/v1/subscriptions/{id}/ping"), None),
            (Method::GET, format!("/api/v1/subscriptions/{id}/stats"), None),
            (Method::DELETE, format!("/api/v1/subscriptions/{id}"), None),
        ] {
            let (s, e) = env.app.call(method.clone(), &path, Some(&other), body).await;
            assert_eq!(
                (s, e["error"]["code"].as_str()),
                (StatusCode::NOT_FOUND, Some("subscription_not_found")),
                "{b}: {method} {path}"
            );
        }
        let (_, list) = admin_get(&env, "beta", "/api/v1/subscriptions").await;
        assert_eq!(list["items"], json!([]), "{b}: tenant B lists nothing of A's");
        let (_, list) = admin_get(&env, "acme", "/api/v1/subscriptions").await;
        assert_eq!(list["items"][0]["url"], "http://127.0.0.1:9/hook", "{b}: A's own is unchanged: {list}");
        let operator = env.app.bearer("acme", Role::Operator);
        let (s, _) = env.app.call(Method::GET, "/api/v1/subscriptions", Some(&operator), None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}: admins only");

        let admin = env.app.bearer("acme", Role::Admin);
        for (bad, field) in [
            (json!({"url": "ftp://x", "secret": SUB_SECRET, "event_types": ["*"]}), "url"),
            (json!({"url": "http://x.example", "secret": "short", "event_types": ["*"]}), "secret"),
            (json!({"url": "http://x.example", "event_types": ["*"]}), "secret"),
            (json!({"url": "http://x.example", "secret": SUB_SECRET, "event_types": ["session.nope"]}), "event_types"),
        ] {
            let (s, e) = env.app.call(Method::POST, "/api/v1/subscriptions", Some(&admin), Some(bad)).await;
            assert_eq!(
                (s, e["error"]["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_subscription")),
                "{b}: {e}"
            );
            assert!(e["error"]["message"].as_str().unwrap().starts_with(field), "{b}: {e}");
        }
        let (s, _) = env.app.call(Method::DELETE, &format!("/api/v1/subscriptions/{id}"), Some(&admin), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = admin_get(&env, "acme", &format!("/api/v1/subscriptions/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn given_an_alarm_glob_subscription_when_an_alarm_is_raised_and_cleared_then_both_are_told_in_order() {
    use crate::alarm_support::{dispatch_all, dispatcher, post_power, power_rule, rule, worker, Receiver};
    for db in all_databases().await {
        let (app, admin, ing) = crate::ingest_support::provisioned(&db).await;
        let b = db.backend;
        let hook = Receiver::start().await;
        let body = json!({"url": hook.url, "secret": SUB_SECRET, "event_types": ["alarm.*"]});
        let (s, sub) = app.call(Method::POST, "/api/v1/subscriptions", Some(&admin), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{sub}");
        // The rule needs a channel of its own; the subscription hears of the alarm besides.
        let (channel, _) = crate::alarm_support::webhook_channel(&app, &admin, &hook.url).await;
        rule(&app, &admin, power_rule(&channel)).await;
        for kw in [90.0, 20.0] {
            post_power(&app, &ing, kw).await;
            dispatch_all(&dispatcher(&app)).await;
            app.clock.advance(chrono::Duration::seconds(1));
        }
        drain(&worker(&app, worker_config())).await;
        let told: Vec<Value> = hook.accepted().iter().filter(|r| signed(r)).map(|r| r.json()).collect();
        assert_eq!(events(&told), ["alarm.raised", "alarm.cleared"], "{b}: only the subscription's are signed so");
        assert_eq!(told[0]["data"]["alarm_id"], told[1]["data"]["alarm_id"], "{b}: {told:?}");
        assert_eq!(told[0]["data"]["order_no"], Value::Null, "{b}: an alarm belongs to no order");
    }
}
