//! docs/third-party.md, followed end to end against the real binary (issue 15, "done when"):
//! tests/python/platform_guide.py is the operator, the platform (its API key, its webhook
//! receiver checking each notice with the guide's own `verify`) and the pile (the Python `ocpp`
//! package's charge point, answering RemoteStart/StopTransaction with a real transaction). Here
//! the charger is provisioned as an operator would (masterdata device of protocol `ocpp16`, the
//! pile's password from the CLI), and what the platform heard is held to the exact story of
//! the charge, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::python::{python, repo_root};
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// The pile's OCPP identity.
const PILE: &str = "CP-GUIDE";

fn follow_the_guide(dir: &Path, db_args: &[&str]) {
    let python = python();
    let cli = |args: &[&str]| stdout_line(&mgc(&[args, db_args].concat(), dir));
    let password = cli(&["charging", "password", "--tenant", "default", "--identity", PILE]);
    let server = Server::start_with_env(dir, db_args, &[("MGC_OCPP__ENABLED", "true")]);
    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir));
    let bearer = format!("Bearer {token}");
    let body = json!({"code": "guide", "name": "Guide hub", "time_zone": "Europe/Berlin",
        "devices": [{"name": PILE, "kind": "charger"}]});
    let (s, b) = call(&server, "POST", "/api/v1/provisioning/stations", &bearer, Some(&body));
    assert_eq!(s, 200, "{b}");
    let device = b["devices"][0]["id"].as_str().unwrap().to_owned();
    let (s, b) =
        call(&server, "PATCH", &format!("/api/v1/devices/{device}"), &bearer, Some(&json!({"protocol": "ocpp16"})));
    assert_eq!(s, 200, "{b}");

    let out = Command::new(&python)
        .arg(repo_root().join("tests/python/platform_guide.py"))
        .args(["--api", &format!("http://{}", server.addr), "--admin-token", &token])
        .args(["--ocpp-url", &format!("ws://{}/ocpp/1.6/default", server.addr), "--identity", PILE])
        .args(["--password", &password])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    eprintln!("{summary}");

    // The charge, as the platform heard it: the session's notices in order, the port's moves.
    let session_events: Vec<&str> =
        summary["session_events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(session_events, ["session.started", "session.progress", "session.ended"], "{summary}");
    let ports: Vec<&str> = summary["port_statuses"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(ports, ["available", "charging", "finishing", "available"], "{summary}");
    let events: Vec<&str> = summary["events"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(events.first(), Some(&"device.online"), "the pile's connection is told first: {summary}");
    // The audit trail of the session, oldest first, as the guide's reconcile step reads it.
    let timeline: Vec<&str> = summary["timeline"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let want = ["start_requested", "start_accepted", "status_changed", "meter_progress", "stop_requested", "stopped"];
    assert_eq!(timeline, want, "{summary}");
    assert_eq!(summary["session"]["energy_wh"], 4800, "{summary}");

    // The key the guide made is the operator's own, tenant-scoped: the platform's session is the
    // operator's session, and the subscription counted every notice it delivered.
    let (s, subs) = call(&server, "GET", "/api/v1/subscriptions", &bearer, None);
    assert_eq!(s, 200, "{subs}");
    let sub = subs["items"][0]["id"].as_str().unwrap();
    // (The pile's disconnection may be told after the platform's last look, so at least.)
    let stats = wait_for(&server, &format!("/api/v1/subscriptions/{sub}/stats"), &bearer, |st| {
        st["delivered"].as_u64() >= Some(events.len() as u64)
    });
    assert_eq!((stats["dead"].as_u64(), stats["success_rate"].as_f64()), (Some(0), Some(1.0)), "{stats}");
    assert!(server.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_follows_the_guide_against_the_binary_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || follow_the_guide(dir.path(), &[])).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_follows_the_guide_against_the_binary_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || follow_the_guide(dir.path(), &["--database-url", &url])).await.unwrap();
}
