//! The third-party platform API (`/api/third/v1`) against an AP3000 pile on the real TCP
//! gateway, on both backends: a start under an order number goes out once (repeated and
//! concurrent), reaches the pile and shows on the port; stop; batch control and status with
//! online, offline and unknown piles; nothing of tenant A for tenant B or another station's key.

use crate::charging_ap3000::{control, env, expect, Env, CARD, OFFLINE, PILE};
use crate::support::{t0, tenant};
use axum::http::{Method, StatusCode};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_charging::{ChargePoint, ChargePointRepository, OcppIdentity, Protocol, RegistrationStatus};
use mgc_eventing::UnitOfWork;
use mgc_iam::Role;
use serde_json::{json, Value};

/// An operator API key of tenant `acme` (optionally for some stations only).
async fn api_key(env: &Env, stations: Option<Vec<String>>) -> String {
    let admin = env.app.bearer("acme", Role::Admin);
    let mut body = json!({"name": "platform", "role": "operator"});
    if let Some(s) = stations {
        body["station_ids"] = json!(s);
    }
    let (s, created) = env.app.call(Method::POST, "/api/v1/api-keys", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    format!("ApiKey {}", created["key"].as_str().unwrap())
}

/// Connects the pile, has it adopted (which links it to its masterdata device) and online.
async fn online_pile(env: &Env) -> (PileClient, Value) {
    let admin = env.app.bearer("acme", Role::Admin);
    let mut pile = PileClient::connect(&env.addr, "89860413161892009275").await.unwrap();
    pile.send(PILE, &report::register(2)).await.unwrap();
    expect(&mut pile, 0x20).await;
    let (_, cps) = env.app.call(Method::GET, "/api/v1/charge-points", Some(&admin), None).await;
    let cp = cps["items"].as_array().unwrap().iter().find(|c| c["identity"] == PILE.identity()).unwrap().clone();
    let path = format!("/api/v1/charge-points/{}/registration", cp["id"].as_str().unwrap());
    let (s, cp) = env.app.call(Method::PUT, &path, Some(&admin), Some(json!({"registration": "accepted"}))).await;
    assert_eq!(s, StatusCode::OK, "{cp}");
    pile.send(PILE, &report::register(2)).await.unwrap();
    assert_eq!(expect(&mut pile, 0x20).await.data, vec![0]);
    pile.send(PILE, &report::heartbeat(&[0, 0])).await.unwrap();
    expect(&mut pile, 0x21).await;
    (pile, cp)
}

/// A second pile that is adopted and linked but not connected.
async fn offline_pile(env: &Env) {
    let admin = env.app.bearer("acme", Role::Admin);
    let (_, devices) = env.app.call(Method::GET, "/api/v1/devices", Some(&admin), None).await;
    let device = devices["items"].as_array().unwrap().iter().find(|d| d["name"] == OFFLINE.identity()).unwrap();
    let identity = OcppIdentity::parse(&OFFLINE.identity()).unwrap();
    let mut cp = ChargePoint::register(tenant("acme"), identity, RegistrationStatus::Accepted, t0());
    cp.protocol = Protocol::Ap3000;
    cp.link_device(
        device["id"].as_str().unwrap().parse().unwrap(),
        device["station_id"].as_str().unwrap().parse().unwrap(),
        t0(),
    );
    let mut tx = env.app.store.begin().await.unwrap();
    tx.insert_charge_point(&cp).await.unwrap();
    tx.commit().await.unwrap();
}

fn start_body(order: &str, port: u32) -> Value {
    json!({"port": port, "mode": "energy", "limit": 1000, "order_no": order, "id_tag": CARD.to_string()})
}

#[tokio::test]
async fn given_an_order_when_started_repeated_and_stopped_then_the_pile_gets_one_start_and_the_port_shows_it() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let key = api_key(&env, None).await;
        let (mut pile, cp) = online_pile(&env).await;
        let by_identity = format!("/api/third/v1/devices/{}", PILE.identity());
        let by_id = format!("/api/third/v1/devices/{}", cp["id"].as_str().unwrap());

        let (s, one) = env.app.call(Method::GET, &by_identity, Some(&key), None).await;
        assert_eq!(s, StatusCode::OK, "{b}: {one}");
        assert_eq!(env.app.call(Method::GET, &by_id, Some(&key), None).await.1, one, "{b}: both id forms");

        let start = format!("{by_identity}/charge/start");
        let (s, first) = env.app.call(Method::POST, &start, Some(&key), Some(start_body("ORD-1", 1))).await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {first}");
        assert_eq!((first["order"]["mode"].as_str(), first["order"]["limit"].as_u64()), (Some("energy"), Some(1000)));
        // The same order again, by the other id form: the stored order, nothing sent twice.
        let (s, again) = env
            .app
            .call(Method::POST, &format!("{by_id}/charge/start"), Some(&key), Some(start_body("ORD-1", 1)))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {again}");
        assert_eq!(again["command"]["id"], first["command"]["id"], "{b}");
        // The same number for another charge is a conflict.
        let (s, conflict) = env.app.call(Method::POST, &start, Some(&key), Some(start_body("ORD-1", 2))).await;
        assert_eq!(
            (s, conflict["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("order_conflict")),
            "{conflict}"
        );
        // OCPP-only modes are refused for an AP3000 pile, with the reason.
        let power = json!({"port": 1, "mode": "power", "limit": 3000, "order_no": "ORD-P"});
        let (s, refused) = env.app.call(Method::POST, &start, Some(&key), Some(power)).await;
        assert_eq!(
            (s, refused["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("mode_not_supported"))
        );

        let round = env.round();
        let frame = expect(&mut pile, 0x82).await;
        let sent = control(&frame);
        assert_eq!((sent.command, sent.port), (1, 0), "{b}: a start on wire port 0 (connector 1)");
        pile.send_with_id(PILE, frame.message_id, &report::control_done(sent.order, 0)).await.unwrap();
        round.await.unwrap();
        let command = env.command(first["command"]["id"].as_str().unwrap()).await;
        assert_eq!(command["state"], "succeeded", "{b}: {command}");
        assert_eq!(pile.recv(std::time::Duration::from_millis(300)).await.unwrap(), None, "{b}: one start only");

        // The session's start event links it to the order that asked for it.
        env.app.pump().await;
        let (s, status) =
            env.app.call(Method::GET, &format!("{by_identity}/charge/status?port=1"), Some(&key), None).await;
        assert_eq!(s, StatusCode::OK, "{status}");
        assert_eq!(status["order"]["order_no"], "ORD-1", "{b}: {status}");
        assert_eq!(status["session"]["connector"], 1, "{b}: the session the start opened: {status}");
        assert_eq!(
            status["order"]["session_id"], status["session"]["id"],
            "{b}: the order knows its session: {status}"
        );
        assert_eq!(status["device"]["connected"], true);

        let stop = json!({"port": 1, "order_no": "ORD-1", "reason": "user"});
        let (s, stopped) =
            env.app.call(Method::POST, &format!("{by_identity}/charge/stop"), Some(&key), Some(stop.clone())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}: {stopped}");
        let (s, again) =
            env.app.call(Method::POST, &format!("{by_id}/charge/stop"), Some(&key), Some(stop.clone())).await;
        assert_eq!((s, &again["id"]), (StatusCode::OK, &stopped["id"]), "{b}: one stop command per order");
        // The pile does not answer the stop: it fails after its resend, and a new stop may be sent.
        env.round().await.unwrap();
        assert_eq!(env.command(stopped["id"].as_str().unwrap()).await["state"], "failed", "{b}");
        let path = format!("{by_identity}/charge/stop");
        let (s, retried) = env.app.call(Method::POST, &path, Some(&key), Some(stop.clone())).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}: {retried}");
        assert_ne!(retried["id"], stopped["id"], "{b}: a new stop command");
        let (s, again) = env.app.call(Method::POST, &path, Some(&key), Some(stop)).await;
        assert_eq!((s, &again["id"]), (StatusCode::OK, &retried["id"]), "{b}: and only one");
        let unknown = json!({"port": 1, "order_no": "ORD-9"});
        let (s, e) = env.app.call(Method::POST, &format!("{by_identity}/charge/stop"), Some(&key), Some(unknown)).await;
        assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("unknown_order")), "{e}");

        let (_, logs) = env.app.call(Method::GET, &format!("{by_identity}/logs"), Some(&key), None).await;
        let methods: Vec<&str> =
            logs["items"].as_array().unwrap().iter().filter_map(|c| c["method"].as_str()).collect();
        assert_eq!(methods, ["stop", "stop", "start"], "{b}: newest first, one start: {logs}");
    }
}

#[tokio::test]
async fn given_two_identical_starts_at_once_then_one_order_and_one_command() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let key = api_key(&env, None).await;
        let (_pile, _) = online_pile(&env).await;
        let start = format!("/api/third/v1/devices/{}/charge/start", PILE.identity());
        let (a, b) = tokio::join!(
            env.app.call(Method::POST, &start, Some(&key), Some(start_body("ORD-C", 2))),
            env.app.call(Method::POST, &start, Some(&key), Some(start_body("ORD-C", 2))),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED], "{}: {} / {}", db.backend, a.1, b.1);
        assert_eq!(a.1["command"]["id"], b.1["command"]["id"], "{}", db.backend);
        let (_, logs) = env
            .app
            .call(Method::GET, &format!("/api/third/v1/devices/{}/logs", PILE.identity()), Some(&key), None)
            .await;
        assert_eq!(logs["items"].as_array().unwrap().len(), 1, "{}: {logs}", db.backend);
    }
}

#[tokio::test]
async fn given_online_offline_and_unknown_piles_when_batched_then_one_result_each() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let key = api_key(&env, None).await;
        let (_pile, _) = online_pile(&env).await;
        offline_pile(&env).await;
        let items = json!([
            {"device": PILE.identity(), "action": "reboot"},
            {"device": OFFLINE.identity(), "action": "reboot"},
            {"device": "NOPE0001", "action": "reboot"},
            {"device": PILE.identity(), "action": "start", "port": 2, "mode": "full", "order_no": "B-1", "id_tag": CARD.to_string()},
            {"device": PILE.identity(), "action": "start", "port": 2, "mode": "full"},
        ]);
        let (s, answer) = env
            .app
            .call(Method::POST, "/api/third/v1/devices/batch/control", Some(&key), Some(json!({"items": items})))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}: {answer}");
        let got: Vec<(u64, Option<&str>)> = answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["status"].as_u64().unwrap(), i["code"].as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (202, None),
                (409, Some("device_offline")),
                (404, Some("unknown_device")),
                (201, None),
                (422, Some("invalid_charge_request"))
            ],
            "{b}: {answer}"
        );
        let devices = json!({"devices": [PILE.identity(), OFFLINE.identity(), "NOPE0001"]});
        let (s, status) =
            env.app.call(Method::POST, "/api/third/v1/devices/batch/status", Some(&key), Some(devices)).await;
        assert_eq!(s, StatusCode::OK, "{status}");
        let connected: Vec<Value> =
            status["items"].as_array().unwrap().iter().map(|i| i["found"]["connected"].clone()).collect();
        assert_eq!(connected, [json!(true), json!(false), Value::Null], "{b}: {status}");
        let (s, e) = env
            .app
            .call(Method::POST, "/api/third/v1/devices/batch/status", Some(&key), Some(json!({"devices": []})))
            .await;
        assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_batch")));
        // An AP3000 pile has no key/value configuration nor a firmware download: refused, nothing sent.
        let base = format!("/api/third/v1/devices/{}", PILE.identity());
        let firmware = json!({"location": "https://fw.example/a.bin", "retrieve_at": "2026-03-02T00:00:00Z"});
        for (method, path, body) in [
            (Method::GET, format!("{base}/params"), None),
            (Method::POST, format!("{base}/params/read"), None),
            (Method::POST, format!("{base}/params"), Some(json!({"key": "HeartbeatInterval", "value": "60"}))),
            (Method::POST, format!("{base}/firmware"), Some(firmware)),
        ] {
            let (s, e) = env.app.call(method, &path, Some(&key), body).await;
            let refused = (StatusCode::UNPROCESSABLE_ENTITY, Some("not_supported_by_protocol"));
            assert_eq!((s, e["error"]["code"].as_str()), refused, "{b}: {path}: {e}");
        }
    }
}

#[tokio::test]
async fn given_tenant_b_or_another_stations_key_then_nothing_of_the_pile_in_either_id_form() {
    for db in mgc_tests::all_databases().await {
        let env = env(&db).await;
        let b = db.backend;
        let (_pile, cp) = online_pile(&env).await;
        let other_station = json!({"code": "elsewhere", "name": "Elsewhere", "time_zone": "UTC", "devices": []});
        let admin = env.app.bearer("acme", Role::Admin);
        let elsewhere = crate::ingest_support::provision(&env.app, &admin, other_station).await;
        let scoped = api_key(&env, Some(vec![elsewhere["station"]["id"].as_str().unwrap().to_owned()])).await;
        let tenant_b = env.app.bearer("other", Role::Operator);
        for auth in [&scoped, &tenant_b] {
            for device in [PILE.identity(), cp["id"].as_str().unwrap().to_owned()] {
                let base = format!("/api/third/v1/devices/{device}");
                for (method, path, body) in [
                    (Method::GET, base.clone(), None),
                    (Method::GET, format!("{base}/logs"), None),
                    (Method::GET, format!("{base}/charge/status?port=1"), None),
                    (Method::POST, format!("{base}/reboot"), None),
                    (Method::POST, format!("{base}/charge/start"), Some(start_body("X-1", 1))),
                    (Method::POST, format!("{base}/charge/stop"), Some(json!({"port": 1, "order_no": "X-1"}))),
                ] {
                    let (s, e) = env.app.call(method.clone(), &path, Some(auth), body).await;
                    assert_eq!(
                        (s, e["error"]["code"].as_str()),
                        (StatusCode::NOT_FOUND, Some("unknown_device")),
                        "{b}: {method} {path}: {e}"
                    );
                }
            }
            let (_, list) = env.app.call(Method::GET, "/api/third/v1/devices", Some(auth), None).await;
            assert_eq!(list["items"], json!([]), "{b}: {list}");
        }
    }
}
