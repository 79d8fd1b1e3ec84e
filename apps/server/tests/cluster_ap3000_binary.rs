//! Two real `mgc serve` processes on one PostgreSQL database share an AP3000 pile (issue 14,
//! point 4): `mgc simulate ap3000` keeps one pile connected to instance 1's gateway; a reboot
//! issued over HTTP on instance 2 reaches it at once (the dispatchers poll only every minute
//! here, so only the connection directory and the NOTIFY to the holder explain it). Instance 1
//! is killed; the pile reconnects to instance 2 and the next command works there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The simulated pile's identity (physical id 0x04000001 as 8 hex digits).
const PILE: &str = "04000001";
/// Longest wait for one step (far below the minute the pollers would take).
const STEP: Duration = Duration::from_secs(20);

/// One simulated pile connected to `addr` until dropped.
struct Pile(Child);

impl Pile {
    fn connect(addr: &str) -> Self {
        let child = Command::new(MGC)
            .args(["simulate", "ap3000", "--addr", addr, "--piles", "1", "--ports", "2", "--duration", "120s"])
            .args(["--heartbeat", "1s", "--no-sessions", "--ramp-per-second", "0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Self(child)
    }
}

impl Drop for Pile {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `path` on `server` until `done`, at most [`STEP`].
fn soon(server: &Server, path: &str, bearer: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = call(server, "GET", path, bearer, None);
        if status == 200 && done(&body) {
            return body;
        }
        assert!(started.elapsed() < STEP, "not within {STEP:?} on {path}: {status} {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Issues a reboot of `device` on `server` and waits (at most [`STEP`]) until it succeeded.
fn reboot_succeeds(server: &Server, bearer: &str, device: &str) -> Duration {
    let issued_at = Instant::now();
    let (status, issued) =
        call(server, "POST", "/api/v1/commands", bearer, Some(&json!({"device_id": device, "method": "reboot"})));
    assert_eq!(status, 201, "{issued}");
    let id = issued["id"].as_str().unwrap();
    let done =
        soon(server, &format!("/api/v1/commands/{id}"), bearer, |c| c["state"] != "pending" && c["state"] != "sent");
    assert_eq!(done["state"], "succeeded", "{done}");
    issued_at.elapsed()
}

fn two_instances_share_a_pile(dir: &Path, db_url: &str) {
    let db = ["--database-url", db_url];
    let env = |instance: &'static str| {
        [
            ("MGC_AP3000__LISTEN", "127.0.0.1:0"),
            ("MGC_AP3000__ACCEPT_UNKNOWN", "true"),
            ("MGC_OUTBOX__INSTANCE_ID", instance),
            ("MGC_CLUSTER__LEASE_SECS", "3"),
            ("MGC_COMMANDS__SCAN_INTERVAL_MS", "60000"),
            ("MGC_COMMANDS__RETRY_BASE_MS", "60000"),
            ("MGC_COMMANDS__RETRY_MAX_MS", "60000"),
        ]
    };
    let one = Server::start_with_env(dir, &db, &env("one"));
    let two = Server::start_with_env(dir, &db, &env("two"));
    let token = stdout_line(&mgc(&[&["token", "--tenant", "default", "--role", "admin"][..], &db[..]].concat(), dir));
    let operator = format!("Bearer {token}");
    let station = json!({"code": "two-wheel", "name": "Two-wheeler hub", "time_zone": "UTC",
        "devices": [{"name": PILE, "kind": "charger"}]});
    let (status, provisioned) = call(&two, "POST", "/api/v1/provisioning/stations", &operator, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    let (status, patched) =
        call(&two, "PATCH", &format!("/api/v1/devices/{device}"), &operator, Some(&json!({"protocol": "ap3000"})));
    assert_eq!(status, 200, "{patched}");

    // Given the pile is connected to instance 1 (seen online through instance 2's API).
    let pile = Pile::connect(one.ap3000_addr.as_deref().expect("instance 1 printed its AP3000 address"));
    soon(&two, "/api/v1/charge-points", &operator, |p| {
        p["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|cp| cp["identity"] == PILE && cp["connected"] == true))
    });

    // When a reboot is issued on instance 2, it reaches the pile through instance 1 at once.
    let took = reboot_succeeds(&two, &operator, &device);
    eprintln!("reboot issued on instance 2 -> acknowledged by the pile on instance 1: {took:?}");

    // When instance 1 dies and the pile reconnects to instance 2, the next command works there.
    one.kill();
    drop(pile);
    let _pile = Pile::connect(two.ap3000_addr.as_deref().expect("instance 2 printed its AP3000 address"));
    let took = reboot_succeeds(&two, &operator, &device);
    eprintln!("after failover, reboot on instance 2 -> acknowledged: {took:?}");
    assert!(two.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_share_an_ap3000_pile_and_survive_the_death_of_one() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || two_instances_share_a_pile(&path, &url)).await.unwrap();
}
