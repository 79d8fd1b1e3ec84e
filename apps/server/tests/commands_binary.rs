//! Commands through the real `mgc serve` to a fake ThingsBoard and back, on SQLite and
//! PostgreSQL: provision a device with a ThingsBoard id, issue a command, watch it succeed with
//! the device's reply.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use mgc_tests::fake_thingsboard::{Answer, FakeThingsBoard, PASSWORD, USERNAME};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const TB_DEVICE: &str = "0d6c2b2e-6f8a-4d7e-9c1b-2a3b4c5d6e7f";

fn start(dir: &Path, fake: &FakeThingsBoard, extra: &[&str]) -> Server {
    let envs = [
        ("MGC_THINGSBOARD__URL", fake.url.as_str()),
        ("MGC_THINGSBOARD__USERNAME", USERNAME),
        ("MGC_THINGSBOARD__PASSWORD", PASSWORD),
        // Polling once a minute: a command that goes at once proves the issue woke the dispatcher.
        ("MGC_COMMANDS__SCAN_INTERVAL_MS", "60000"),
    ];
    Server::start_with_env(dir, extra, &envs)
}

fn command_round_trip(server: &Server, fake: &FakeThingsBoard, data: &Path) {
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "operator"], data));
    let admin = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data)));
    let bearer = format!("Bearer {token}");
    let station = json!({"code": "cmd", "name": "Commands", "time_zone": "UTC", "devices": [
        {"name": "bess-1", "kind": "battery", "tb_device_id": TB_DEVICE}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &admin, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    fake.script(TB_DEVICE, [Answer::Json(json!({"soc": 55, "mode": "discharge"}))]);

    let body = json!({"device_id": device, "method": "setPower", "params": {"w": -3000}, "timeout_s": 20, "idempotency_key": "bin-1"});
    let (status, issued) = call(server, "POST", "/api/v1/commands", &bearer, Some(&body));
    assert_eq!(status, 201, "{issued}");
    let id = issued["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    let done = loop {
        let (status, c) = call(server, "GET", &format!("/api/v1/commands/{id}"), &bearer, None);
        assert_eq!(status, 200, "{c}");
        if c["state"] != "pending" && c["state"] != "sent" {
            break c;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "command still {} (not woken?): {c}", c["state"]);
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["response"], json!({"soc": 55, "mode": "discharge"}));
    let rpcs = fake.requests_to("/api/rpc/");
    assert_eq!(rpcs.len(), 1);
    assert_eq!(rpcs[0].path, format!("/api/rpc/twoway/{TB_DEVICE}"));
    assert_eq!(rpcs[0].body["method"], "setPower");
    assert!(rpcs[0].body["timeout"].as_u64().unwrap() <= 20_000);
    assert!(rpcs[0].headers["x-authorization"].starts_with("Bearer "));
    assert_eq!(fake.logins(), 1);
    // The replay answers with the same command.
    let (status, again) = call(server, "POST", "/api/v1/commands", &bearer, Some(&body));
    assert_eq!((status, &again["id"]), (200, &issued["id"]));
    let (status, metrics) = http(&server.addr, "GET", "/metrics", None, None);
    assert_eq!(status, 200);
    assert!(metrics.contains("mgc_commands_total"), "{metrics}");
    assert!(metrics.contains("mgc_command_rpc_seconds"));
}

/// Five commands queued for one device go one after another as each answer comes back (the
/// dispatcher polls only once a minute here), oldest first, never two at once.
fn queued_commands_drain(server: &Server, fake: &FakeThingsBoard, data: &Path) {
    let bearer = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data)));
    let station = json!({"code": "queue", "name": "Queue", "time_zone": "UTC", "devices": [
        {"name": "bess-q", "kind": "battery", "tb_device_id": TB_DEVICE}]});
    let (status, provisioned) = call(server, "POST", "/api/v1/provisioning/stations", &bearer, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    fake.set_reply_delay(Duration::from_millis(200));
    let started = Instant::now();
    let ids: Vec<String> = (0..5)
        .map(|k| {
            let body = json!({"device_id": device, "method": "setPower", "params": {"k": k}, "timeout_s": 60});
            let (status, issued) = call(server, "POST", "/api/v1/commands", &bearer, Some(&body));
            assert_eq!(status, 201, "{issued}");
            issued["id"].as_str().unwrap().to_owned()
        })
        .collect();
    for id in &ids {
        let done = wait_for(server, &format!("/api/v1/commands/{id}"), &bearer, |c| {
            c["state"] != "pending" && c["state"] != "sent"
        });
        assert_eq!(done["state"], "succeeded", "{done}");
    }
    assert!(started.elapsed() < Duration::from_secs(20), "the queue waited for polls: {:?}", started.elapsed());
    let mut rpcs = fake.requests_to("/api/rpc/");
    rpcs.sort_by_key(|r| r.received_at);
    let order: Vec<Value> = rpcs.iter().map(|r| r.body["params"]["k"].clone()).collect();
    assert_eq!(order, (0..5).map(|k| json!(k)).collect::<Vec<_>>(), "oldest first");
    for w in rpcs.windows(2) {
        assert!(w[1].received_at >= w[0].answered_at, "two RPCs to one device overlapped");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_queued_for_one_device_go_as_answers_come_back_on_sqlite() {
    let fake = FakeThingsBoard::start(chrono::Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &[]);
    queued_commands_drain(&server, &fake, dir.path());
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_queued_for_one_device_go_as_answers_come_back_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let fake = FakeThingsBoard::start(chrono::Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &["--database-url", &db.url]);
    queued_commands_drain(&server, &fake, dir.path());
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_sends_a_command_to_thingsboard_and_records_the_reply_on_sqlite() {
    let fake = FakeThingsBoard::start(chrono::Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &[]);
    command_round_trip(&server, &fake, dir.path());
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_sends_a_command_to_thingsboard_and_records_the_reply_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let fake = FakeThingsBoard::start(chrono::Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path(), &fake, &["--database-url", &db.url]);
    command_round_trip(&server, &fake, dir.path());
    assert!(server.stop().success());
}

#[test]
fn thingsboard_password_comes_from_the_environment_and_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(MGC)
        .args(["check-config", "--data-dir"])
        .arg(dir.path())
        .env("MGC_THINGSBOARD__URL", "http://tb.local:8080")
        .env("MGC_THINGSBOARD__USERNAME", "tenant@tb")
        .env("MGC_THINGSBOARD__PASSWORD", "s3cret-pw")
        .env("MGC_COMMANDS__PERSISTENT_METHODS", "[setMode]")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("[thingsboard]") && shown.contains("http://tb.local:8080"), "{shown}");
    assert!(shown.contains("password = \"***\"") && !shown.contains("s3cret-pw"), "{shown}");
    assert!(shown.contains("persistent_methods = [\"setMode\"]"), "{shown}");

    let out = std::process::Command::new(MGC)
        .args(["check-config", "--data-dir"])
        .arg(dir.path())
        .env("MGC_THINGSBOARD__URL", "ftp://tb.local")
        .env("MGC_COMMANDS__MAX_TIMEOUT_S", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("thingsboard.url") && err.contains("commands.max_timeout_s"), "{err}");
}

/// `mgc secrets seal` of the ThingsBoard password (read from standard input, never echoed).
fn seal_password(dir: &Path) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(MGC)
        .args(["secrets", "seal", "--data-dir"])
        .arg(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let sealed = stdout_line(&out);
    assert!(sealed.starts_with("enc1:") && !sealed.contains(PASSWORD), "{sealed}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
    sealed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_thingsboard_password_is_opened_with_the_master_key_and_logs_in() {
    let fake = FakeThingsBoard::start(chrono::Utc::now().timestamp() + 7200).await;
    let dir = tempfile::tempdir().unwrap();
    let sealed = seal_password(dir.path());
    let envs = [
        ("MGC_THINGSBOARD__URL", fake.url.as_str()),
        ("MGC_THINGSBOARD__USERNAME", USERNAME),
        ("MGC_THINGSBOARD__PASSWORD", sealed.as_str()),
        ("MGC_COMMANDS__SCAN_INTERVAL_MS", "60000"),
    ];
    let server = Server::start_with_env(dir.path(), &[], &envs);
    command_round_trip(&server, &fake, dir.path());
    assert!(server.stop().success());

    // Under another master key the sealed password does not open: the start fails, naming the
    // setting and the key id, never a secret.
    let other = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(MGC)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(other.path())
        .envs(envs)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("thingsboard.password"), "{err}");
    assert!(!err.contains(PASSWORD), "{err}");
}
