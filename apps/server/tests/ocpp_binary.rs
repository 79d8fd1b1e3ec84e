//! A charge point speaking OCPP 1.6J to the real `mgc serve` over WebSocket, on SQLite and
//! PostgreSQL: handshake refusals, boot, heartbeat, status, authorize, a whole transaction, a
//! stop re-sent after a reconnect, a malformed frame that leaves the connection open, an
//! oversized one that ends it, and the connection closed at shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::*;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const IDENTITY: &str = "CP-1";

/// Runs `mgc` with the database of the test (`db_args`) and returns its stdout line.
fn cli(args: &[&str], db_args: &[&str], dir: &Path) -> String {
    stdout_line(&mgc(&[args, db_args].concat(), dir))
}

/// Opens a WebSocket to the charge point's URL offering `protocol`, with Basic credentials.
async fn connect(addr: &str, protocol: &str, password: &str) -> Result<Ws, WsError> {
    connect_to(addr, IDENTITY, protocol, password).await
}

async fn connect_to(addr: &str, identity: &str, protocol: &str, password: &str) -> Result<Ws, WsError> {
    let mut req = format!("ws://{addr}/ocpp/1.6/default/{identity}").into_client_request().unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{identity}:{password}"));
    req.headers_mut().insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
    req.headers_mut().insert("Authorization", format!("Basic {basic}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.map(|(ws, _)| ws)
}

fn refused_status(result: Result<Ws, WsError>) -> u16 {
    match result {
        Err(WsError::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("refused without an HTTP answer: {e}"),
        Ok(_) => panic!("connection was accepted"),
    }
}

/// The next text frame, parsed (bounded wait; pings are skipped).
async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("no answer in 10 s");
        match msg.expect("connection ended").expect("socket error") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Sends a CALL and returns the answer frame (CALLRESULT or CALLERROR) for its id.
async fn call(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Value {
    ws.send(Message::text(json!([2, id, action, payload]).to_string())).await.unwrap();
    let answer = next_json(ws).await;
    assert_eq!(answer[1], id, "{answer}");
    answer
}

/// The CALLRESULT payload of a CALL (fails on a CALLERROR).
async fn result(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Value {
    let answer = call(ws, id, action, payload).await;
    assert_eq!(answer[0], 3, "{action} answered {answer}");
    answer[2].clone()
}

async fn count(url: &str, sql: &str) -> i64 {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    }
}

fn stop_payload(transaction: i64) -> Value {
    json!({"transactionId": transaction, "meterStop": 3500, "timestamp": "2026-03-01T12:30:00Z", "reason": "EVDisconnected"})
}

async fn charge_point_session(dir: &Path, db_args: &[&str], db_url: &str) {
    let password = cli(&["charging", "password", "--tenant", "default", "--identity", IDENTITY], db_args, dir);
    cli(&["charging", "tag", "--tenant", "default", "--tag", "TAG1"], db_args, dir);
    let envs = [("MGC_OCPP__ENABLED", "true"), ("MGC_OCPP__MAX_FRAME_BYTES", "4096")];
    let server = Server::start_with_env(dir, db_args, &envs);
    let addr = server.addr.clone();

    // Given the handshake: another subprotocol and a wrong password are refused.
    assert_eq!(refused_status(connect(&addr, "ocpp2.0.1", &password).await), 400);
    assert_eq!(refused_status(connect(&addr, "ocpp1.6", "wrong-password-0123456789").await), 401);

    // A message over the per-connection bound ends that connection.
    let mut big = connect(&addr, "ocpp1.6", &password).await.unwrap();
    let huge = json!([2, "big", "DataTransfer", {"vendorId": "V", "data": "x".repeat(8000)}]).to_string();
    big.send(Message::text(huge)).await.unwrap();
    let ended =
        tokio::time::timeout(Duration::from_secs(10), big.next()).await.expect("oversized frame kept the connection");
    assert!(!matches!(ended, Some(Ok(Message::Text(_)))), "oversized frame was answered: {ended:?}");

    // When the charge point boots and talks, then every call is answered.
    let mut ws = connect(&addr, "ocpp1.6", &password).await.unwrap();
    let boot =
        result(&mut ws, "b1", "BootNotification", json!({"chargePointVendor": "V", "chargePointModel": "M"})).await;
    assert_eq!((boot["status"].as_str(), boot["interval"].as_i64()), (Some("Accepted"), Some(300)), "{boot}");
    assert!(result(&mut ws, "h1", "Heartbeat", json!({})).await["currentTime"].is_string());
    let status = json!({"connectorId": 1, "errorCode": "NoError", "status": "Preparing"});
    assert_eq!(result(&mut ws, "s1", "StatusNotification", status).await, json!({}));
    let known = result(&mut ws, "a1", "Authorize", json!({"idTag": "tag1"})).await;
    assert_eq!(known["idTagInfo"]["status"], "Accepted");
    let unknown = result(&mut ws, "a2", "Authorize", json!({"idTag": "NOBODY"})).await;
    assert_eq!(unknown["idTagInfo"]["status"], "Invalid");

    // A malformed frame gets a CALLERROR and the connection lives on.
    ws.send(Message::text(r#"[2,"bad1","Heartbeat"]"#)).await.unwrap();
    let error = next_json(&mut ws).await;
    assert_eq!(
        (error[0].as_i64(), error[1].as_str(), error[2].as_str()),
        (Some(4), Some("bad1"), Some("FormationViolation"))
    );
    let missing = call(&mut ws, "bad2", "StartTransaction", json!({"connectorId": 1})).await;
    assert_eq!(missing[2], "OccurenceConstraintViolation", "{missing}");

    // A transaction: start, meter values, stop.
    let start = json!({"connectorId": 1, "idTag": "TAG1", "meterStart": 1000, "timestamp": "2026-03-01T12:00:00Z"});
    let started = result(&mut ws, "t1", "StartTransaction", start).await;
    assert_eq!(started["idTagInfo"]["status"], "Accepted");
    let transaction = started["transactionId"].as_i64().unwrap();
    let sample = json!({"connectorId": 1, "transactionId": transaction, "meterValue": [{"timestamp": "2026-03-01T12:15:00Z",
        "sampledValue": [{"value": "2.2", "measurand": "Energy.Active.Import.Register", "unit": "kWh"}]}]});
    assert_eq!(result(&mut ws, "m1", "MeterValues", sample).await, json!({}));
    assert_eq!(result(&mut ws, "t2", "StopTransaction", stop_payload(transaction)).await, json!({}));

    // Reconnect (the newer connection closes the older) and re-send the same stop: no second effect.
    let mut again = connect(&addr, "ocpp1.6", &password).await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("older connection not closed");
    assert!(matches!(closed, Some(Ok(Message::Close(_))) | None), "{closed:?}");
    assert_eq!(result(&mut again, "t3", "StopTransaction", stop_payload(transaction)).await, json!({}));

    let sessions =
        "SELECT COUNT(*) FROM charging_sessions WHERE state = 'completed' AND meter_stop_wh - meter_start_wh = 2500";
    assert_eq!(count(db_url, sessions).await, 1, "energy = stop − start meter");
    let ended = "SELECT COUNT(*) FROM outbox_events WHERE event_type = 'charging.session_ended'";
    assert_eq!(count(db_url, ended).await, 1, "the re-sent stop ended nothing again");
    assert_eq!(count(db_url, "SELECT COUNT(*) FROM charging_unmatched_stops").await, 0);
    let (_, metrics) = server.get("/metrics", None);
    assert!(metrics.contains("mgc_ocpp_connected_charge_points 1"), "{metrics}");
    // Shutdown closes the open connection (going away) and the server still exits cleanly.
    let stopping = tokio::task::spawn_blocking(move || server.stop());
    let closing = tokio::time::timeout(Duration::from_secs(10), again.next()).await.expect("not closed at shutdown");
    match closing {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1001, "{frame:?}"),
        other => panic!("expected a close frame, got {other:?}"),
    }
    assert!(stopping.await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_point_talks_ocpp16_to_the_binary_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/mgc.db", dir.path().display());
    charge_point_session(dir.path(), &[], &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charge_point_talks_ocpp16_to_the_binary_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    charge_point_session(dir.path(), &["--database-url", &db.url], &db.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_its_own_listener_then_the_endpoint_is_served_there_and_not_beside_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let password = cli(&["charging", "password", "--tenant", "default", "--identity", IDENTITY], &[], dir.path());
    let envs = [("MGC_OCPP__ENABLED", "true"), ("MGC_OCPP__LISTEN", "127.0.0.1:0")];
    let server = Server::start_with_env(dir.path(), &[], &envs);
    let ocpp = server.ocpp_addr.clone().expect("no OCPP listener announced");
    assert_eq!(refused_status(connect(&server.addr, "ocpp1.6", &password).await), 404);
    let mut ws = connect(&ocpp, "ocpp1.6", &password).await.unwrap();
    let boot =
        result(&mut ws, "b1", "BootNotification", json!({"chargePointVendor": "V", "chargePointModel": "M"})).await;
    assert_eq!(boot["status"], "Accepted");
    // An identity without a recorded password is refused like a wrong password.
    assert_eq!(refused_status(connect_to(&ocpp, "CP-2", "ocpp1.6", &password).await), 401);
    let stopping = tokio::task::spawn_blocking(move || server.stop());
    let closing = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("not closed at shutdown");
    assert!(matches!(closing, Some(Ok(Message::Close(_))) | None), "{closing:?}");
    assert!(stopping.await.unwrap().success());
}
