//! The charging audit trail through OCPP frames and the real router, on both backends: the exact
//! ordered timeline of a session and of its charge point with their frames, time range and
//! pages, CSV export, tenant and station scope; the benchmark switch that turns it off.

use crate::charging_store::cp;
use crate::charging_telemetry::charger_station;
use crate::settlement_support::download;
use crate::support::{assert_error, t0, tenant, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, SecondsFormat};
use mgc_adapter_ocpp::csms::{answer, Caller};
use mgc_charging::{put_id_tag, AuthorizationStatus, ChargingSettings, ChargingUnits, IdTag, IdToken};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

/// Sends CALL `id` of CP9 at the app's clock, then moves the clock 10 s on; returns the answer frame.
async fn send(app: &TestApp, id: &str, action: &str, payload: Value) -> Value {
    let caller = Caller { tenant: tenant("acme"), identity: cp("CP9") };
    let settings = ChargingSettings { accept_unknown: true, ..Default::default() };
    let text = json!([2, id, action, payload]).to_string();
    let reply = answer(&app.store, &settings, &caller, &text, app.clock.now()).await.unwrap();
    app.clock.advance(Duration::seconds(10));
    serde_json::from_str(&reply).unwrap()
}

/// [`send`], asserting a CALLRESULT; returns its payload.
async fn call(app: &TestApp, id: &str, action: &str, payload: Value) -> Value {
    let reply = send(app, id, action, payload).await;
    assert_eq!(reply[0], 3, "{action}: {reply}");
    reply[2].clone()
}

fn status(connector: u32, status: &str) -> Value {
    json!({"connectorId": connector, "errorCode": "NoError", "status": status})
}

/// Station `ev-1` with charger CP9; one OCPP session on it from connect to disconnect.
/// Returns (station id, charge point id, session id).
async fn full_session(app: &TestApp) -> (String, String, String) {
    let admin = app.bearer("acme", Role::Admin);
    let (station, _) = charger_station(app, &admin).await;
    let tag = IdTag {
        token: IdToken::parse("TAG1").unwrap(),
        status: AuthorizationStatus::Accepted,
        expires_at: None,
        parent: None,
    };
    put_id_tag(app.store.begin().await.unwrap(), &tenant("acme"), tag).await.unwrap();
    let boot = json!({"chargePointVendor": "VendorX", "chargePointModel": "Wallbox"});
    call(app, "b1", "BootNotification", boot).await;
    let tx = app.store.begin_charging_tx().await.unwrap();
    mgc_charging::connected(tx, &tenant("acme"), &cp("CP9"), json!({"protocol": "ocpp1.6j"}), app.clock.now())
        .await
        .unwrap();
    call(app, "s1", "StatusNotification", status(1, "Preparing")).await;
    call(app, "a1", "Authorize", json!({"idTag": "TAG1"})).await;
    let ts = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let start = json!({"connectorId": 1, "idTag": "TAG1", "meterStart": 1000, "timestamp": ts(app.clock.now())});
    let transaction = call(app, "st1", "StartTransaction", start).await["transactionId"].clone();
    call(app, "s2", "StatusNotification", status(1, "Charging")).await;
    let meter = json!({"connectorId": 1, "transactionId": transaction, "meterValue": [{"timestamp": ts(app.clock.now()),
        "sampledValue": [{"value": "2500", "unit": "Wh"}]}]});
    call(app, "m1", "MeterValues", meter).await;
    let stop =
        json!({"transactionId": transaction, "meterStop": 4000, "timestamp": ts(app.clock.now()), "reason": "Local"});
    call(app, "sp1", "StopTransaction", stop).await;
    call(app, "s3", "StatusNotification", status(1, "Available")).await;
    let tx = app.store.begin_charging_tx().await.unwrap();
    mgc_charging::disconnected(tx, &tenant("acme"), &cp("CP9"), app.clock.now()).await.unwrap();
    let viewer = app.bearer("acme", Role::Viewer);
    let (_, sessions) = app.call(Method::GET, "/api/v1/charging-sessions", Some(&viewer), None).await;
    let session = sessions["items"][0]["id"].as_str().unwrap().to_owned();
    let charge_point = sessions["items"][0]["charge_point_id"].as_str().unwrap().to_owned();
    (station, charge_point, session)
}

async fn get(app: &TestApp, path: &str, token: &str) -> (StatusCode, Value) {
    app.call(Method::GET, path, Some(token), None).await
}

/// (kind, frame message id) of each item.
fn steps(page: &Value) -> Vec<(String, Option<String>)> {
    let items = page["items"].as_array().unwrap_or_else(|| panic!("{page}"));
    items
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["frame"]["message_id"].as_str().map(str::to_owned)))
        .collect()
}

fn expected(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter().map(|(k, f)| ((*k).to_owned(), f.map(str::to_owned))).collect()
}

#[tokio::test]
async fn given_a_full_ocpp_session_then_session_and_charge_point_timelines_are_exact_and_ordered_on_both_backends() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (station, charge_point, session) = full_session(&app).await;
        let viewer = app.bearer("acme", Role::Viewer);

        let (s, page) = get(&app, &format!("/api/v1/charging-sessions/{session}/timeline"), &viewer).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let want = [
            ("start_requested", Some("st1")),
            ("start_accepted", Some("st1")),
            ("status_changed", Some("s2")),
            ("meter_progress", Some("m1")),
            ("stopped", Some("sp1")),
        ];
        assert_eq!(steps(&page), expected(&want), "{}", db.backend);
        let items = page["items"].as_array().unwrap();
        assert_eq!(
            items[0]["frame"],
            json!({"protocol": "ocpp1.6j", "message_id": "st1", "action": "StartTransaction"})
        );
        assert_eq!(
            (items[0]["connector"].as_u64(), items[0]["station_id"].as_str()),
            (Some(1), Some(station.as_str()))
        );
        assert_eq!(items[3]["details"]["energy_wh"], 1500);
        assert_eq!(
            (items[4]["details"]["energy_wh"].as_i64(), items[4]["details"]["reason"].as_str()),
            (Some(3000), Some("local"))
        );

        let (s, page) = get(&app, &format!("/api/v1/charge-points/{charge_point}/timeline"), &viewer).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let want = [
            ("registered", Some("b1")),
            ("connected", None),
            ("status_changed", Some("s1")),
            ("authorized", Some("a1")),
            ("start_requested", Some("st1")),
            ("start_accepted", Some("st1")),
            ("status_changed", Some("s2")),
            ("meter_progress", Some("m1")),
            ("stopped", Some("sp1")),
            ("status_changed", Some("s3")),
            ("disconnected", None),
        ];
        assert_eq!(steps(&page), expected(&want), "{}", db.backend);
        let items = page["items"].as_array().unwrap();
        assert_eq!(items[0]["details"]["status"], "accepted");
        assert_eq!(items[3]["details"], json!({"id_tag": "TAG1", "status": "accepted"}));
        assert_eq!(
            (items[9]["details"]["from"].as_str(), items[9]["details"]["to"].as_str()),
            (Some("charging"), Some("available"))
        );
        assert!(items[9]["session_id"].is_null(), "after the stop the connector has no session");
    }
}

#[tokio::test]
async fn given_the_timeline_switched_off_then_sessions_commit_without_events_and_on_again_records_again() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        app.store.set_charging_timeline(false);
        assert!(!app.store.charging_timeline_enabled());
        let (_, charge_point, session) = full_session(&app).await;
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, found) = get(&app, &format!("/api/v1/charging-sessions/{session}"), &viewer).await;
        assert_eq!((s, found["energy_wh"].as_i64()), (StatusCode::OK, Some(3000)), "{}: {found}", db.backend);
        let (s, page) = get(&app, &format!("/api/v1/charge-points/{charge_point}/timeline"), &viewer).await;
        assert_eq!((s, steps(&page)), (StatusCode::OK, Vec::new()), "{}: nothing recorded while off", db.backend);

        app.store.set_charging_timeline(true);
        call(&app, "b2", "BootNotification", json!({"chargePointVendor": "VendorX", "chargePointModel": "Wallbox"}))
            .await;
        let (_, page) = get(&app, &format!("/api/v1/charge-points/{charge_point}/timeline"), &viewer).await;
        assert_eq!(steps(&page), expected(&[("registered", Some("b2"))]), "{}", db.backend);
    }
}

#[tokio::test]
async fn given_a_timeline_when_ranged_and_paged_then_the_same_events_in_the_same_order() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (_, charge_point, _) = full_session(&app).await;
        let viewer = app.bearer("acme", Role::Viewer);
        let base = format!("/api/v1/charge-points/{charge_point}/timeline");
        let (_, all) = get(&app, &base, &viewer).await;
        let mut paged = Vec::new();
        let mut cursor = String::new();
        loop {
            let (s, page) = get(&app, &format!("{base}?limit=4{cursor}"), &viewer).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            paged.extend(steps(&page));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(paged, steps(&all), "{}", db.backend);
        // Authorize was handled at t0 + 20 s and the stop at t0 + 60 s (10 s per call).
        let at = |s: i64| (t0() + Duration::seconds(s)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let (s, ranged) = get(&app, &format!("{base}?from={}&to={}", at(20), at(60)), &viewer).await;
        assert_eq!(s, StatusCode::OK, "{ranged}");
        let kinds: Vec<_> = steps(&ranged).into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, ["authorized", "start_requested", "start_accepted", "status_changed", "meter_progress"]);
        let (s, body) = get(&app, &format!("{base}?from={}&to={}", at(60), at(20)), &viewer).await;
        assert_eq!((s, body["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "an empty range: {body}");
        let (s, body) = get(&app, &format!("{base}?cursor=nope"), &viewer).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn given_another_tenant_or_station_when_reading_a_timeline_then_404_and_the_own_station_sees_it() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (station, charge_point, session) = full_session(&app).await;
        let paths = [
            format!("/api/v1/charging-sessions/{session}/timeline"),
            format!("/api/v1/charge-points/{charge_point}/timeline"),
            format!("/api/v1/charging-sessions/{session}/timeline.csv"),
            format!("/api/v1/charge-points/{charge_point}/timeline.csv"),
        ];
        let now = app.clock.now().timestamp();
        let scoped = |stations: Vec<String>| Claims {
            sub: "site-user".into(),
            tenant_id: Some("acme".into()),
            role: "operator".into(),
            station_ids: Some(stations),
            exp: Some(now + 600),
            iat: Some(now),
            nbf: None,
        };
        let beta = app.bearer("beta", Role::Admin);
        let elsewhere = app.bearer_with(&scoped(vec![uuid::Uuid::now_v7().to_string()]));
        let here = app.bearer_with(&scoped(vec![station.clone()]));
        for path in &paths {
            for (who, token) in [("tenant beta", &beta), ("another station", &elsewhere)] {
                let (s, body) = get(&app, path, token).await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{who} {path} {}", db.backend);
                assert_error(&body, "not_found");
            }
            let (s, _) = get(&app, path, &here).await;
            assert_eq!(s, StatusCode::OK, "own station {path} {}", db.backend);
        }
        let (s, body) = get(&app, "/api/v1/charge-points/nope/timeline", &here).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_error(&body, "invalid_id");
    }
}

#[tokio::test]
async fn given_a_session_when_exported_as_csv_then_header_and_one_row_per_event_in_order() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (_, _, session) = full_session(&app).await;
        let viewer = app.bearer("acme", Role::Viewer);
        let (s, ct, bytes) =
            download(&app, &viewer, &format!("/api/v1/charging-sessions/{session}/timeline.csv")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(ct.starts_with("text/csv"), "{ct}");
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("UTF-8 BOM");
        let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
        assert_eq!(lines[0], mgc_reports::TIMELINE_CSV_COLUMNS.join(","));
        let kinds: Vec<&str> = lines[1..].iter().map(|l| l.split(',').nth(2).unwrap()).collect();
        assert_eq!(
            kinds,
            ["start_requested", "start_accepted", "status_changed", "meter_progress", "stopped"],
            "{}",
            db.backend
        );
        let start: Vec<&str> = lines[1].splitn(12, ',').collect();
        assert_eq!(
            (start[5], start[6], start[7], start[8], start[9], start[10]),
            ("1", session.as_str(), "", "ocpp1.6j", "st1", "StartTransaction"),
            "a session no order started has an empty order_no"
        );
        assert!(start[11].starts_with("\"{") && start[11].contains("\"\"meter_start_wh\"\":1000"), "{}", start[11]);
    }
}

#[tokio::test]
async fn given_a_step_whose_commit_fails_then_neither_its_change_nor_its_event_remain_and_the_retry_records_it_once() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let (_, charge_point, _) = full_session(&app).await;
        let path = format!("/api/v1/charge-points/{charge_point}/timeline");
        let read = || async { get(&app, &path, &app.bearer("acme", Role::Viewer)).await.1 };
        let before = steps(&read().await);
        app.store.inject_commit_failures(1);
        let reply = send(&app, "f1", "StatusNotification", status(2, "Faulted")).await;
        assert_eq!(reply[0], 4, "{}: the failed commit is answered with a CALLERROR: {reply}", db.backend);
        assert_eq!(steps(&read().await), before, "{}", db.backend);
        call(&app, "f2", "StatusNotification", status(2, "Faulted")).await;
        let mut want = before.clone();
        want.push(("status_changed".to_owned(), Some("f2".to_owned())));
        assert_eq!(steps(&read().await), want, "{}", db.backend);
    }
}
