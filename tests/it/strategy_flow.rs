//! The strategy scheduler through the router into both backends: executions, commands requested
//! through the outbox, the no-repeat rule, re-sending after a failed command, disabled and
//! stale strategies, and time-of-use arbitrage against an assigned tariff.

use crate::settlement_support::{assign, create_tariff, tou_tariff};
use crate::strategy_support::*;
use crate::support::{t0, tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, TimeZone, Utc};
use mgc_contracts::{CommandOrigin, CommandStateChanged, EventEnvelope};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{Clock, DeviceId, StationId};
use mgc_tests::all_databases;
use serde_json::json;

async fn command_failed(app: &TestApp, site: &Site, strategy: &str, execution: &str, to: &str) {
    let ev = CommandStateChanged {
        command_id: uuid::Uuid::now_v7(),
        device_id: site.pcs.parse::<DeviceId>().unwrap(),
        station_id: site.station.parse::<StationId>().unwrap(),
        from: "sent".into(),
        to: to.into(),
        reason: "ThingsBoard answered 504: device did not reply".into(),
        at: app.clock.now(),
        origin: CommandOrigin::Strategy {
            strategy_id: strategy.parse().unwrap(),
            strategy_version: 1,
            execution_id: execution.parse().unwrap(),
        },
    };
    let mut tx = app.store.begin().await.unwrap();
    tx.append(EventEnvelope::wrap(&tenant("acme"), &ev, app.clock.now()).unwrap()).await.unwrap();
    tx.commit().await.unwrap();
    app.pump().await;
}

#[tokio::test]
async fn peak_shaving_requests_a_command_once_and_again_only_after_a_change_or_a_failure() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "ps", "Asia/Shanghai").await;
        let op = app.bearer("acme", mgc_iam::Role::Operator);
        telemetry(&app, &site, "ps", 62.0, 50.0).await;
        let id = create(&app, &op, peak_body(&site.station, true)).await["id"].as_str().unwrap().to_owned();

        // Round 1: grid 62 kW over the 50 kW limit → discharge 12 kW through the PCS.
        let r = round(&app).await;
        assert_eq!(r.outcomes.get("commands_requested"), Some(&1), "{}: {r:?}", db.backend);
        let ex = executions(&app, &op, &id).await;
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0]["outcome"], "commands_requested");
        assert_eq!(ex[0]["strategy_version"], 1);
        assert_eq!(ex[0]["inputs"]["grid_power_w"], 62000.0);
        assert_eq!(ex[0]["decision"]["setpoints"], json!([{"kind": "battery_power", "power_w": 12000}]));
        assert!(ex[0]["decision"]["reason"].as_str().unwrap().contains("over limit"), "{}", ex[0]);
        assert_eq!(ex[0]["commands"][0]["device_id"], site.pcs);
        let exec1 = ex[0]["id"].as_str().unwrap().to_owned();
        let sent = requested(&app).await;
        assert_eq!(sent.len(), 1, "{}: {sent:?}", db.backend);
        assert_eq!(sent[0].device_id.to_string(), site.pcs);
        assert_eq!((sent[0].method.as_str(), &sent[0].params), ("setBatteryPower", &json!({"power_w": 12000})));
        assert_eq!(sent[0].idempotency_key, format!("{exec1}:{}", site.pcs));
        assert_eq!((sent[0].strategy_version, sent[0].timeout_s), (1, 30));
        assert_eq!(sent[0].execution_id.to_string(), exec1);
        let (s, one) =
            app.call(Method::GET, &format!("/api/v1/strategies/{id}/executions/{exec1}"), Some(&op), None).await;
        assert_eq!((s, &one["id"]), (StatusCode::OK, &json!(exec1)));

        // The same slot again (a second instance, a restart): nothing.
        assert_eq!(round(&app).await.executions(), 0, "{}", db.backend);

        // Next slot, same inputs: an execution saying no change, no new event.
        app.clock.advance(Duration::seconds(60));
        assert_eq!(round(&app).await.outcomes.get("no_change"), Some(&1));
        let ex = executions(&app, &op, &id).await;
        assert_eq!((ex.len(), &ex[0]["note"]), (2, &json!("no change since last sent")));
        assert_eq!(requested(&app).await.len(), 1, "{}: no new event", db.backend);
        app.pump().await;

        // New telemetry: 70 kW → 20 kW discharge, a new command.
        telemetry(&app, &site, "ps", 70.0, 50.0).await;
        app.clock.advance(Duration::seconds(60));
        round(&app).await;
        let sent = requested(&app).await;
        assert_eq!(sent.len(), 1, "{}", db.backend);
        assert_eq!(sent[0].params, json!({"power_w": 20000}));
        let exec3 = sent[0].execution_id.to_string();

        // That command timed out → the next slot sends it again.
        app.pump().await;
        command_failed(&app, &site, &id, &exec3, "timed_out").await;
        app.clock.advance(Duration::seconds(60));
        assert_eq!(round(&app).await.outcomes.get("commands_requested"), Some(&1), "{}", db.backend);
        let sent = requested(&app).await;
        assert_eq!(sent.len(), 1, "{}: re-sent after the failure", db.backend);
        assert_eq!(sent[0].params, json!({"power_w": 20000}));
        assert_ne!(sent[0].execution_id.to_string(), exec3);
        // A success (or a failure of an older execution) forgets nothing.
        app.pump().await;
        command_failed(&app, &site, &id, &exec3, "timed_out").await;
        app.clock.advance(Duration::seconds(60));
        assert_eq!(round(&app).await.outcomes.get("no_change"), Some(&1), "{}", db.backend);

        // Disabled: no execution at all.
        let (s, b) = app.call(Method::POST, &format!("/api/v1/strategies/{id}/disable"), Some(&op), None).await;
        assert_eq!((s, &b["enabled"]), (StatusCode::OK, &json!(false)), "{b}");
        app.clock.advance(Duration::seconds(60));
        assert_eq!(round(&app).await.executions(), 0);
        assert_eq!(executions(&app, &op, &id).await.len(), 5);

        // Enabled again with telemetry 10 minutes old: inputs missing, nothing sent.
        app.clock.advance(Duration::minutes(10));
        let op = app.bearer("acme", mgc_iam::Role::Operator);
        let (s, _) = app.call(Method::POST, &format!("/api/v1/strategies/{id}/enable"), Some(&op), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(round(&app).await.outcomes.get("inputs_missing"), Some(&1), "{}", db.backend);
        let ex = executions(&app, &op, &id).await;
        assert_eq!(ex[0]["outcome"], "inputs_missing");
        assert!(ex[0]["note"].as_str().unwrap().contains("grid_power_w"), "{}", ex[0]);
        assert!(ex[0]["commands"].as_array().unwrap().is_empty());
        assert!(requested(&app).await.is_empty(), "{}", db.backend);

        // Paging and the time window of the execution list.
        let path = |q: &str| format!("/api/v1/strategies/{id}/executions{q}");
        let (_, page) = app.call(Method::GET, &path("?limit=4"), Some(&op), None).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 4, "{page}");
        let cursor = page["next_cursor"].as_str().unwrap().to_owned();
        let (_, rest) = app.call(Method::GET, &path(&format!("?limit=4&cursor={cursor}")), Some(&op), None).await;
        assert_eq!(rest["items"].as_array().unwrap().len(), 2, "{rest}");
        assert_eq!(rest["items"][1]["id"], json!(exec1), "oldest last");
        let from = (t0() + Duration::seconds(30)).to_rfc3339().replace('+', "%2B");
        let to = (t0() + Duration::seconds(150)).to_rfc3339().replace('+', "%2B");
        let (s, window) = app.call(Method::GET, &path(&format!("?from={from}&to={to}")), Some(&op), None).await;
        assert_eq!(s, StatusCode::OK, "{window}");
        let at: Vec<_> =
            window["items"].as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap().to_owned()).collect();
        assert_eq!(at.len(), 2, "{}: slots at +60 s and +120 s: {at:?}", db.backend);
        let (s, _) = app.call(Method::GET, &path(&format!("?from={to}&to={from}")), Some(&op), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn tou_arbitrage_charges_in_the_valley_band_of_the_assigned_tariff() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "tou", "Asia/Shanghai").await;
        let tariff = create_tariff(&app, &site.admin, tou_tariff()).await;
        assign(&app, &site.admin, &site.station, &tariff, "2026-01-01").await;
        // Tuesday 2026-03-03 02:00 in Shanghai: the weekday valley band (22:00-08:00).
        app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 18, 0, 0).unwrap());
        let op = app.bearer("acme", mgc_iam::Role::Operator);
        telemetry(&app, &site, "tou", 20.0, 40.0).await;
        let body = json!({
            "station_id": site.station, "name": "TOU", "type": "tou_arbitrage", "enabled": true,
            "params": {"charge_bands": ["valley"], "discharge_bands": ["peak", "sharp"], "charge_w": 10000,
                "discharge_w": 15000,
                "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 20000, "max_discharge_w": 20000}}
        });
        let id = create(&app, &op, body).await["id"].as_str().unwrap().to_owned();
        round(&app).await;
        let ex = executions(&app, &op, &id).await;
        assert_eq!(ex[0]["outcome"], "commands_requested", "{}: {}", db.backend, ex[0]);
        assert_eq!(ex[0]["inputs"]["band"], "valley");
        let sent = requested(&app).await;
        assert_eq!(sent.len(), 1, "{}", db.backend);
        assert_eq!((sent[0].device_id.to_string(), &sent[0].params), (site.pcs.clone(), &json!({"power_w": -10000})));
    }
}

#[tokio::test]
async fn two_instances_running_the_same_round_evaluate_each_slot_once() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "dup", "Asia/Shanghai").await;
        let op = app.bearer("acme", mgc_iam::Role::Operator);
        telemetry(&app, &site, "dup", 62.0, 50.0).await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(create(&app, &op, peak_body(&site.station, true)).await["id"].as_str().unwrap().to_owned());
        }
        let (a, b) = tokio::join!(round(&app), round(&app));
        assert_eq!(a.executions() + b.executions(), 3, "{}: {a:?} {b:?}", db.backend);
        for id in &ids {
            assert_eq!(executions(&app, &op, id).await.len(), 1, "{}", db.backend);
        }
        assert_eq!(requested(&app).await.len(), 3, "{}", db.backend);
    }
}

#[tokio::test]
async fn anti_backflow_limits_every_pv_inverter_of_the_station() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let site = site(&app, "ab", "Europe/Berlin").await;
        let op = app.bearer("acme", mgc_iam::Role::Operator);
        // Exporting 8 kW with PV at 30 kW, no export allowed: PV limited to 22 kW.
        let ts = app.clock.now().timestamp_millis() - 5_000;
        let body = json!([{"device": "ab-meter", "ts": ts, "values": {"P": -8.0}},
            {"device": "ab-pv", "ts": ts, "values": {"pv_power_w": 30000}}])
        .to_string();
        let (s, b) = crate::ingest_support::post_signed(&app, &site.ingest, &body, &[]).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let body = json!({"station_id": site.station, "name": "no export", "type": "anti_backflow", "enabled": true,
            "params": {"export_limit_w": 0, "pv_rated_w": 100000}});
        let id = create(&app, &op, body).await["id"].as_str().unwrap().to_owned();
        round(&app).await;
        let ex = executions(&app, &op, &id).await;
        assert_eq!(ex[0]["outcome"], "commands_requested", "{}: {}", db.backend, ex[0]);
        let sent = requested(&app).await;
        assert_eq!(sent.len(), 1, "{}", db.backend);
        assert_eq!(sent[0].device_id.to_string(), site.pv);
        assert_eq!((sent[0].method.as_str(), &sent[0].params), ("setPvPowerLimit", &json!({"limit_w": 22000})));
    }
}
