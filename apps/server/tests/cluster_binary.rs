//! Two real `mgc serve` processes on one PostgreSQL database share a charge point (issue 14,
//! point 4): the Python `ocpp` package's charge point (tests/python/ocpp16_failover.py) is
//! connected to instance 1; a remote start issued over HTTP on instance 2 reaches it at once
//! (the dispatchers poll only every minute here, so the NOTIFY to the holder is what wakes
//! instance 1). Instance 1 is killed; a command queued meanwhile on instance 2 follows the charge
//! point when it reconnects to instance 2, the remote stop works there, and the API shows
//! exactly one session, completed with the charge point's energy.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::python::{python, repo_root};
use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const IDENTITY: &str = "CP-CLUSTER";
/// Longest wait for one step of the charge point (far below the minute the pollers would take).
const STEP: Duration = Duration::from_secs(20);

/// The failover charge point, its stdout lines on a channel.
struct ChargePoint {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl ChargePoint {
    fn start(urls: &[String], password: &str, reconnect_when: &Path) -> Self {
        let mut child = Command::new(python())
            .arg(repo_root().join("tests/python/ocpp16_failover.py"))
            .args(["--urls", &urls.join(","), "--identity", IDENTITY, "--password", password, "--tag", "TAG1"])
            .arg("--reconnect-when")
            .arg(reconnect_when)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// The next line, whatever it says.
    fn next_line(&self) -> String {
        self.lines.recv_timeout(STEP).unwrap_or_else(|e| panic!("no line from the charge point: {e}"))
    }

    /// The next line, which must start with `prefix`; returns the rest.
    fn expect(&self, prefix: &str) -> String {
        let line = self.lines.recv_timeout(STEP).unwrap_or_else(|e| panic!("no '{prefix}' from the charge point: {e}"));
        line.strip_prefix(prefix).unwrap_or_else(|| panic!("expected '{prefix}…', got '{line}'")).trim().to_owned()
    }
}

impl Drop for ChargePoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn issue(server: &Server, bearer: &str, body: &Value) -> String {
    let (status, issued) = call(server, "POST", "/api/v1/commands", bearer, Some(body));
    assert_eq!(status, 201, "{issued}");
    issued["id"].as_str().unwrap().to_owned()
}

fn succeeded(server: &Server, bearer: &str, id: &str) {
    let done = wait_for(server, &format!("/api/v1/commands/{id}"), bearer, |c| {
        c["state"] != "pending" && c["state"] != "sent"
    });
    assert_eq!(done["state"], "succeeded", "{done}");
}

/// Waits until `server`'s `/metrics` says it sees `n` live instances.
fn instances_seen(server: &Server, n: usize) {
    let started = std::time::Instant::now();
    let want = format!("mgc_cluster_instances {n}\n");
    loop {
        let (status, metrics) = server.get("/metrics", None);
        if status == 200 && metrics.contains(&want) {
            return;
        }
        assert!(started.elapsed() < STEP, "never saw {n} live instances: {status} {metrics}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn two_instances_share_a_charge_point(dir: &Path, db_url: &str) {
    let db = ["--database-url", db_url];
    let cli = |args: &[&str]| stdout_line(&mgc(&[args, &db[..]].concat(), dir));
    let password = cli(&["charging", "password", "--tenant", "default", "--identity", IDENTITY]);
    cli(&["charging", "tag", "--tenant", "default", "--tag", "TAG1"]);
    // One data directory (one JWT secret and master key), two instance ids. Dispatchers poll
    // once a minute and retries wait a minute: only wake-ups explain a command sent in seconds.
    let env = |instance: &'static str| {
        [
            ("MGC_OCPP__ENABLED", "true"),
            ("MGC_OUTBOX__INSTANCE_ID", instance),
            ("MGC_CLUSTER__LEASE_SECS", "3"),
            ("MGC_COMMANDS__SCAN_INTERVAL_MS", "60000"),
            ("MGC_COMMANDS__RETRY_BASE_MS", "60000"),
            ("MGC_COMMANDS__RETRY_MAX_MS", "60000"),
        ]
    };
    let one = Server::start_with_env(dir, &db, &env("one"));
    let two = Server::start_with_env(dir, &db, &env("two"));
    let operator = format!("Bearer {}", cli(&["token", "--tenant", "default", "--role", "admin"]));

    let station = json!({"code": "ev", "name": "EV hub", "time_zone": "UTC",
        "devices": [{"name": IDENTITY, "kind": "charger"}]});
    let (status, provisioned) = call(&two, "POST", "/api/v1/provisioning/stations", &operator, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let (status, patched) =
        call(&two, "PATCH", &format!("/api/v1/devices/{device}"), &operator, Some(&json!({"protocol": "ocpp16"})));
    assert_eq!(status, 200, "{patched}");
    let command = |method: &str, params: Value| json!({"device_id": device, "method": method, "params": params});

    // Given the charge point is connected to instance 1.
    let urls: Vec<String> = [&one, &two].iter().map(|s| format!("ws://{}/ocpp/1.6/default", s.addr)).collect();
    let go_on = dir.join("reconnect");
    let cp = ChargePoint::start(&urls, &password, &go_on);
    assert_eq!(cp.expect("connected"), "1");

    // When a remote start is issued on instance 2, it reaches the charge point through instance 1.
    let start = command("RemoteStartTransaction", json!({"connectorId": 1, "idTag": "TAG1"}));
    let issued_at = std::time::Instant::now();
    let id = issue(&two, &operator, &start);
    let transaction = cp.expect("started");
    eprintln!("issue on instance 2 -> transaction started through instance 1: {:?}", issued_at.elapsed());
    succeeded(&two, &operator, &id);

    // When instance 1 dies, its lease runs out (3 s here) and instance 2 releases what it held;
    // a command queued for the charge point on instance 2 meanwhile waits for it...
    instances_seen(&two, 2);
    one.kill();
    let mut queued = command("ChangeConfiguration", json!({"key": "HeartbeatInterval", "value": "60"}));
    queued["queue_until_online"] = json!(true);
    queued["timeout_s"] = json!(300);
    let queued = issue(&two, &operator, &queued);
    // ...and goes with it once it reconnects, to instance 2.
    std::fs::write(&go_on, b"").unwrap();
    let reconnecting = std::time::Instant::now();
    // The queued command is sent as the connection opens, so the charge point may run it
    // before its own heartbeat is answered: the two lines come in either order.
    let mut lines = [cp.next_line(), cp.next_line()];
    lines.sort();
    assert_eq!(lines, ["changed HeartbeatInterval", "connected 2"]);
    eprintln!("reconnect to instance 2 -> queued command answered: {:?}", reconnecting.elapsed());
    succeeded(&two, &operator, &queued);
    instances_seen(&two, 1);

    // Then the next command works on instance 2, and the session is neither lost nor doubled.
    let stop = command("RemoteStopTransaction", json!({"transactionId": transaction.parse::<i64>().unwrap()}));
    let id = issue(&two, &operator, &stop);
    assert_eq!(cp.expect("stopped"), transaction);
    succeeded(&two, &operator, &id);
    let sessions = wait_for(&two, "/api/v1/charging-sessions", &operator, |p| p["items"][0]["state"] == "completed");
    let items = sessions["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one session across both instances: {sessions}");
    assert_eq!(items[0]["transaction_id"].to_string(), transaction, "{sessions}");
    assert_eq!(items[0]["energy_wh"].as_i64(), Some(2500), "{sessions}");
    assert!(two.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_share_a_charge_point_and_survive_the_death_of_one() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || two_instances_share_a_charge_point(&path, &url)).await.unwrap();
}
