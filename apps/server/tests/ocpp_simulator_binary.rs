//! `mgc simulate ocpp` against the real `mgc serve`: a provisioned fleet of three charge points
//! runs sessions back to back with a short meter interval; the summary and the sessions read
//! back through `/api/v1/charging-sessions` agree. Refusals are named, not panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const PASSWORD: &str = "sim-password-0123456789";

fn simulate(addr: &str, password: &str, extra: &[&str]) -> Output {
    let url = format!("ws://{addr}/ocpp/1.6/default");
    Command::new(MGC)
        .args(["simulate", "ocpp", "--url", &url, "--password", password, "--seed", "42"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn provision(dir: &Path) {
    let args = ["charging", "provision", "--tenant", "default", "--count", "3", "--password", PASSWORD];
    assert_eq!(stdout_line(&mgc(&args, dir)), PASSWORD);
    stdout_line(&mgc(&["charging", "tag", "--tenant", "default", "--tag", "T1", "--tag", "T2", "--tag", "T3"], dir));
}

#[test]
fn given_a_provisioned_fleet_when_simulated_then_its_sessions_are_completed_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    provision(dir.path());
    let server = Server::start_with_env(dir.path(), &[], &[("MGC_OCPP__ENABLED", "true")]);

    let run = [
        "--charge-points",
        "3",
        "--id-tag",
        "T1",
        "--id-tag",
        "T2",
        "--id-tag",
        "T3",
        "--back-to-back",
        "--session-length",
        "400ms",
        "--meter-interval",
        "100ms",
        "--duration",
        "3s",
        "--json",
    ];
    let out = simulate(&server.addr, PASSWORD, &run);
    let text = stdout_line(&out);
    let summary: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(summary["boots_accepted"], 3, "{summary}");
    assert_eq!(summary["connected_at_end"], 3, "{summary}");
    assert_eq!(summary["call_errors"], 0, "{summary}");
    let completed = summary["sessions_completed"].as_u64().unwrap();
    assert!(completed >= 3, "every charge point completes a session in 3 s: {summary}");
    assert_eq!(summary["sessions_started"].as_u64(), Some(completed), "open sessions are stopped at the end");
    assert!(summary["p99_ms"].as_f64().unwrap() > 0.0, "{summary}");

    // Then the central system holds every one of them, completed, with meter samples.
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir.path()));
    let bearer = format!("Bearer {token}");
    let page = wait_for(&server, "/api/v1/charging-sessions?limit=500", &bearer, |page| {
        page["items"].as_array().is_some_and(|items| items.len() as u64 >= completed)
    });
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, completed, "{page}");
    for s in items {
        assert_eq!(s["state"], "completed", "{s}");
        assert!(s["samples_recorded"].as_u64().unwrap() >= 1, "meter values arrived: {s}");
        assert!(s["meter_stop_wh"].as_i64() >= s["meter_start_wh"].as_i64(), "{s}");
        assert!(["T1", "T2", "T3"].contains(&s["id_tag"].as_str().unwrap()), "{s}");
    }
    // The simulator closed its connections; the server notices on its own schedule (bounded poll).
    let closed = std::time::Instant::now();
    while !server.get("/metrics", None).1.contains("mgc_ocpp_connected_charge_points 0") {
        assert!(closed.elapsed() < std::time::Duration::from_secs(30), "connections still counted after 30 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(server.stop().success());
}

#[test]
fn given_wrong_credentials_or_a_bad_url_then_the_simulator_says_so_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    provision(dir.path());
    let server = Server::start_with_env(dir.path(), &[], &[("MGC_OCPP__ENABLED", "true")]);
    let refused = simulate(&server.addr, "not-the-password-0000", &["--duration", "1s"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("(401)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let bad_url = Command::new(MGC)
        .args(["simulate", "ocpp", "--url", "http://h/ocpp/1.6/t", "--password", PASSWORD])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad_url.stderr);
    assert!(!bad_url.status.success() && stderr.contains("--url"), "{stderr}");
}
