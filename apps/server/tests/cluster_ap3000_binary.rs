//! Two real `mgc serve` processes on one PostgreSQL database share an AP3000 pile (issue 14,
//! point 4): `mgc simulate ap3000` keeps one pile connected to instance 1's gateway; a reboot
//! issued over HTTP on instance 2 reaches it at once (the dispatchers poll only every minute
//! here, so only the connection directory and the NOTIFY to the holder explain it). Instance 1
//! is killed; the pile reconnects to instance 2 and the next command works there. A second pile,
//! driven frame by frame, is started on instance 2 (third-party API, order number) while it is
//! connected to instance 1, charges through the failover, is stopped on instance 2 after it
//! reconnected there, and its settlement completes the one session — not lost, not doubled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use mgc_adapter_ap3000::messages::{ChargeControl, Downlink};
use mgc_adapter_ap3000::pile::PileClient;
use mgc_adapter_ap3000::pile_reports as report;
use mgc_adapter_ap3000::{Frame, PhysicalId};
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

/// The second pile's identity (physical id 0x04000002).
const CHARGING: PhysicalId = PhysicalId(0x0400_0002);

/// A pile driven frame by frame from this (blocking) test thread.
struct FramePile {
    rt: tokio::runtime::Runtime,
    link: PileClient,
}

impl FramePile {
    /// Connects to `addr` and registers (accepted: the instances accept unknown piles).
    fn connect(addr: &str) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let link = rt.block_on(PileClient::connect(addr, "89860413161892000002")).unwrap();
        let mut pile = Self { rt, link };
        pile.send(&report::register(2));
        assert_eq!(pile.expect(0x20).data, vec![0], "registered and accepted");
        pile
    }

    fn send(&mut self, uplink: &mgc_adapter_ap3000::messages::Uplink) {
        self.rt.block_on(self.link.send(CHARGING, uplink)).unwrap();
    }

    /// The next frame of `command` (others, such as time answers, are skipped), within [`STEP`].
    fn expect(&mut self, command: u8) -> Frame {
        let started = Instant::now();
        loop {
            let left = STEP.saturating_sub(started.elapsed());
            let frame = self.rt.block_on(self.link.recv(left)).unwrap().expect("a frame within the step");
            if frame.command == command {
                return frame;
            }
        }
    }

    /// Answers the next 0x82 as done and returns what it asked.
    fn answer_control(&mut self) -> ChargeControl {
        let frame = self.expect(0x82);
        let Ok(Downlink::ChargeControl(c)) = Downlink::decode(frame.command, &frame.data) else {
            panic!("not a 0x82: {frame:?}")
        };
        let done = report::control_done(c.order, c.port);
        self.rt.block_on(self.link.send_with_id(CHARGING, frame.message_id, &done)).unwrap();
        c
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
        "devices": [{"name": PILE, "kind": "charger"}, {"name": CHARGING.identity(), "kind": "charger"}]});
    let (status, provisioned) = call(&two, "POST", "/api/v1/provisioning/stations", &operator, Some(&station));
    assert_eq!(status, 200, "{provisioned}");
    let device = provisioned["devices"][0]["id"].as_str().unwrap().to_owned();
    for d in provisioned["devices"].as_array().unwrap() {
        let path = format!("/api/v1/devices/{}", d["id"].as_str().unwrap());
        let (status, patched) = call(&two, "PATCH", &path, &operator, Some(&json!({"protocol": "ap3000"})));
        assert_eq!(status, 200, "{patched}");
    }
    let (status, tag) = call(&two, "PUT", "/api/v1/id-tags/PLATFORM", &operator, Some(&json!({"status": "accepted"})));
    assert_eq!(status, 200, "{tag}");

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

    // A platform starts a charge on instance 2 for the second pile, connected to instance 1.
    let mut charging = FramePile::connect(one.ap3000_addr.as_deref().unwrap());
    let base = format!("/api/third/v1/devices/{}", CHARGING.identity());
    let start = json!({"port": 1, "mode": "full", "order_no": "FAILOVER-1"});
    let (status, started) = call(&two, "POST", &format!("{base}/charge/start"), &operator, Some(&start));
    assert_eq!(status, 201, "{started}");
    let order = charging.answer_control();
    assert_eq!((order.command, order.port), (1, 0), "a start on port 1");
    let command = started["command"]["id"].as_str().unwrap();
    let done = soon(&two, &format!("/api/v1/commands/{command}"), &operator, |c| {
        c["state"] != "pending" && c["state"] != "sent"
    });
    assert_eq!(done["state"], "succeeded", "{done}");
    charging.send(&report::power(0, order.order, 20, 600, 1000));

    // When instance 1 dies and the piles reconnect to instance 2, the next command works there.
    one.kill();
    drop(pile);
    drop(charging);
    let two_addr = two.ap3000_addr.as_deref().expect("instance 2 printed its AP3000 address");
    let _pile = Pile::connect(two_addr);
    let took = reboot_succeeds(&two, &operator, &device);
    eprintln!("after failover, reboot on instance 2 -> acknowledged: {took:?}");

    // The charge goes on through instance 2, which stops it with the running order; the pile's
    // settlement completes the one session.
    let mut charging = FramePile::connect(two_addr);
    charging.send(&report::power(0, order.order, 30, 900, 1000));
    let stop = json!({"port": 1, "order_no": "FAILOVER-1"});
    let (status, stopping) = call(&two, "POST", &format!("{base}/charge/stop"), &operator, Some(&stop));
    assert_eq!(status, 202, "{stopping}");
    let stopped = charging.answer_control();
    assert_eq!((stopped.command, stopped.order), (0, order.order), "the stop carries the running order");
    charging.send(&report::settlement(0, order.order, 35, 1000, 7));
    assert_eq!(charging.expect(0x03).data, vec![0]);
    let sessions = soon(&two, &format!("{base}/sessions"), &operator, |p| {
        p["items"].as_array().is_some_and(|items| items.iter().all(|s| s["state"] == "completed"))
    });
    let items = sessions["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one session, not lost, not doubled: {sessions}");
    assert_eq!(items[0]["energy_wh"], 350, "{sessions}");
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
