//! Commands to an OCPP 1.6J charge point through the real `mgc serve`, on SQLite and
//! PostgreSQL: an operator issues OCPP actions through `/api/v1/commands`, a Rust WebSocket
//! charge point answers the CSMS's CALLs, and the commands end as the answers say.

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
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

const IDENTITY: &str = "CP-7";

async fn connect(addr: &str, password: &str) -> Ws {
    let mut req = format!("ws://{addr}/ocpp/1.6/default/{IDENTITY}").into_client_request().unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{IDENTITY}:{password}"));
    req.headers_mut().insert("Sec-WebSocket-Protocol", "ocpp1.6".parse().unwrap());
    req.headers_mut().insert("Authorization", format!("Basic {basic}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.map(|(ws, _)| ws).unwrap()
}

/// The next text frame, parsed, within `wait` (pings are skipped).
async fn next_json(ws: &mut Ws, wait: Duration) -> Value {
    loop {
        let msg = tokio::time::timeout(wait, ws.next()).await.expect("no frame in time");
        match msg.expect("connection ended").expect("socket error") {
            Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Waits for the CSMS's next CALL, checks its action and returns (message id, payload).
async fn expect_call(ws: &mut Ws, action: &str, wait: Duration) -> (String, Value) {
    let frame = next_json(ws, wait).await;
    assert_eq!((frame[0].as_i64(), frame[2].as_str()), (Some(2), Some(action)), "{frame}");
    (frame[1].as_str().unwrap().to_owned(), frame[3].clone())
}

async fn send(ws: &mut Ws, frame: Value) {
    ws.send(Message::text(frame.to_string())).await.unwrap();
}

/// Sends a charge point CALL and returns its CALLRESULT payload.
async fn cp_call(ws: &mut Ws, id: &str, action: &str, payload: Value) -> Value {
    send(ws, json!([2, id, action, payload])).await;
    let answer = next_json(ws, Duration::from_secs(10)).await;
    assert_eq!((answer[0].as_i64(), answer[1].as_str()), (Some(3), Some(id)), "{answer}");
    answer[2].clone()
}

/// Issues a command; returns its id (asserting 201).
fn issue(server: &Server, bearer: &str, body: Value) -> String {
    let (status, issued) = call(server, "POST", "/api/v1/commands", bearer, Some(&body));
    assert_eq!(status, 201, "{issued}");
    issued["id"].as_str().unwrap().to_owned()
}

/// Polls the command until it leaves pending/sent.
fn finished(server: &Server, bearer: &str, id: &str) -> Value {
    wait_for(server, &format!("/api/v1/commands/{id}"), bearer, |c| c["state"] != "pending" && c["state"] != "sent")
}

fn charge_point_connected(server: &Server, bearer: &str, connected: bool) {
    wait_for(server, "/api/v1/charge-points", bearer, |page| {
        page["items"].as_array().is_some_and(|items| items.iter().any(|cp| cp["connected"] == connected))
    });
}

async fn commands_to_a_charge_point(dir: &Path, db_args: &[&str]) {
    let cli = |args: &[&str]| stdout_line(&mgc(&[args, db_args].concat(), dir));
    let password = cli(&["charging", "password", "--tenant", "default", "--identity", IDENTITY]);
    cli(&["charging", "tag", "--tenant", "default", "--tag", "TAG1"]);
    // Retries a minute apart: a queued command delivered within seconds of the connect proves
    // the connect woke it.
    let envs = [
        ("MGC_OCPP__ENABLED", "true"),
        ("MGC_COMMANDS__RETRY_BASE_MS", "60000"),
        ("MGC_COMMANDS__RETRY_MAX_MS", "60000"),
    ];
    let server = Server::start_with_env(dir, db_args, &envs);
    let admin = format!("Bearer {}", cli(&["token", "--tenant", "default", "--role", "admin"]));
    let operator = format!("Bearer {}", cli(&["token", "--tenant", "default", "--role", "operator"]));
    let out = mgc(&[&["tenant", "create", "--id", "globex"], db_args].concat(), dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stranger = format!("Bearer {}", cli(&["token", "--tenant", "globex", "--role", "admin"]));

    // Given the charge point is the tenant's masterdata charger named by its identity.
    let station = json!({"code": "ev", "name": "EV hub", "time_zone": "UTC",
        "devices": [{"name": IDENTITY, "kind": "charger"}]});
    let (status, provisioned) = call(&server, "POST", "/api/v1/provisioning/stations", &admin, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let patch = json!({"protocol": "ocpp16"});
    let (status, patched) = call(&server, "PATCH", &format!("/api/v1/devices/{device}"), &admin, Some(&patch));
    assert_eq!(status, 200, "{patched}");
    let command = |method: &str, params: Value| json!({"device_id": device, "method": method, "params": params});

    // An unknown action or a payload outside the OCPP schema is refused when issued.
    let (status, refused) = call(&server, "POST", "/api/v1/commands", &operator, Some(&command("Explode", json!({}))));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("invalid_command")), "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().starts_with("method:"), "{refused}");
    let bad = command("RemoteStartTransaction", json!({"connectorId": 1}));
    let (status, refused) = call(&server, "POST", "/api/v1/commands", &operator, Some(&bad));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("invalid_command")), "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().starts_with("params.idTag:"), "{refused}");

    // Not connected: the command fails at once, naming the charge point.
    let id = issue(&server, &operator, command("Reset", json!({"type": "Soft"})));
    let offline = finished(&server, &operator, &id);
    assert_eq!(offline["state"], "failed", "{offline}");
    assert_eq!(offline["reason"], format!("charge point {IDENTITY} is not connected"), "{offline}");

    // When the charge point is connected, RemoteStartTransaction reaches it; it accepts and starts.
    let mut ws = connect(&server.addr, &password).await;
    let boot =
        cp_call(&mut ws, "b1", "BootNotification", json!({"chargePointVendor": "V", "chargePointModel": "M"})).await;
    assert_eq!(boot["status"], "Accepted");
    let id = issue(&server, &operator, command("RemoteStartTransaction", json!({"connectorId": 1, "idTag": "TAG1"})));
    let (call_id, payload) = expect_call(&mut ws, "RemoteStartTransaction", Duration::from_secs(15)).await;
    assert_eq!(payload, json!({"connectorId": 1, "idTag": "TAG1"}));
    send(&mut ws, json!([3, call_id, {"status": "Accepted"}])).await;
    let start = json!({"connectorId": 1, "idTag": "TAG1", "meterStart": 1000, "timestamp": "2026-03-01T12:00:00Z"});
    let transaction = cp_call(&mut ws, "t1", "StartTransaction", start).await["transactionId"].as_i64().unwrap();
    let started = finished(&server, &operator, &id);
    assert_eq!((started["state"].as_str(), &started["response"]), (Some("succeeded"), &json!({"status": "Accepted"})));
    let sessions = wait_for(&server, "/api/v1/charging-sessions", &operator, |p| {
        p["items"].as_array().is_some_and(|items| items.iter().any(|s| s["transaction_id"] == transaction))
    });
    assert_ne!(sessions["items"][0]["state"], "completed", "{sessions}");

    // Another tenant cannot command this charger: its device is unknown there.
    let (status, refused) =
        call(&server, "POST", "/api/v1/commands", &stranger, Some(&command("Reset", json!({"type": "Hard"}))));
    assert_eq!((status, refused["error"]["code"].as_str()), (422, Some("unknown_device")), "{refused}");

    // RemoteStopTransaction ends the session.
    let id = issue(&server, &operator, command("RemoteStopTransaction", json!({"transactionId": transaction})));
    let (call_id, payload) = expect_call(&mut ws, "RemoteStopTransaction", Duration::from_secs(15)).await;
    assert_eq!(payload["transactionId"], transaction);
    send(&mut ws, json!([3, call_id, {"status": "Accepted"}])).await;
    let stop = json!({"transactionId": transaction, "meterStop": 3500, "timestamp": "2026-03-01T12:30:00Z", "reason": "Remote"});
    assert_eq!(cp_call(&mut ws, "t2", "StopTransaction", stop).await, json!({}));
    assert_eq!(finished(&server, &operator, &id)["state"], "succeeded");
    wait_for(&server, "/api/v1/charging-sessions", &operator, |p| p["items"][0]["state"] == "completed");

    // A refusing answer fails the command, naming the status and keeping the answer; the next
    // CALL the charge point sees is this one (the other tenant's attempt never reached it).
    let id = issue(&server, &operator, command("Reset", json!({"type": "Hard"})));
    let (call_id, payload) = expect_call(&mut ws, "Reset", Duration::from_secs(15)).await;
    assert_eq!(payload, json!({"type": "Hard"}));
    send(&mut ws, json!([3, call_id, {"status": "Rejected"}])).await;
    let rejected = finished(&server, &operator, &id);
    assert_eq!(rejected["state"], "failed", "{rejected}");
    assert!(rejected["reason"].as_str().unwrap().contains("Rejected"), "{rejected}");
    assert_eq!(rejected["response"], json!({"status": "Rejected"}));

    // Offline with queue_until_online: the command waits and is delivered once it connects.
    ws.close(None).await.unwrap();
    charge_point_connected(&server, &operator, false);
    let mut queued = command("ChangeConfiguration", json!({"key": "HeartbeatInterval", "value": "60"}));
    queued["queue_until_online"] = json!(true);
    queued["timeout_s"] = json!(120);
    let id = issue(&server, &operator, queued);
    let waiting =
        wait_for(&server, &format!("/api/v1/commands/{id}"), &operator, |c| c["attempts"].as_u64() >= Some(1));
    assert_eq!(waiting["state"], "pending", "{waiting}");
    assert_eq!(waiting["options"]["queue_until_online"], true, "{waiting}");
    assert!(waiting["last_error"].as_str().unwrap().contains("not connected"), "{waiting}");
    let mut ws = connect(&server.addr, &password).await;
    let (call_id, _) = expect_call(&mut ws, "ChangeConfiguration", Duration::from_secs(15)).await;
    send(&mut ws, json!([3, call_id, {"status": "Accepted"}])).await;
    let delivered = finished(&server, &operator, &id);
    assert_eq!(delivered["state"], "succeeded", "{delivered}");

    let stopping = tokio::task::spawn_blocking(move || server.stop());
    let closing = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("not closed at shutdown");
    assert!(matches!(closing, Some(Ok(Message::Close(_))) | None), "{closing:?}");
    assert!(stopping.await.unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_commands_a_charge_point_over_ocpp16_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    commands_to_a_charge_point(dir.path(), &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_commands_a_charge_point_over_ocpp16_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    commands_to_a_charge_point(dir.path(), &["--database-url", &db.url]).await;
}
