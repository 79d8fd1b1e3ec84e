//! Interop with an independent OCPP 1.6J implementation: the Python `ocpp` package's charge point
//! (tests/python/ocpp16_charge_point.py) runs its scenarios against the real `mgc serve` on SQLite
//! and PostgreSQL, with the charge points and tags provisioned through the real CLI and API; then
//! the API must show exactly one session with energy = stop − start.
//!
//! The virtualenv is made on first use under `target/ocpp-venv` (`python3 -m venv` and
//! `pip install -r tests/python/requirements.txt`, so a fresh machine needs network once);
//! `MGC_OCPP_VENV` points at another one. `.ci/run` makes it before the tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::python::{python, repo_root};
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// Runs the charge point script with `scenarios` (`token`: an operator's JWT for the REST
/// calls of `operated`); asserts it succeeded and returns its stdout.
fn scenarios(python: &Path, addr: &str, identity: &str, password: &str, token: &str, names: &[&str]) -> String {
    let out = Command::new(python)
        .arg(repo_root().join("tests/python/ocpp16_charge_point.py"))
        .args(["--url", &format!("ws://{addr}/ocpp/1.6/default"), "--identity", identity, "--password", password])
        .args(["--tag", "TAG1", "--blocked-tag", "BLOCKED1", "--api", &format!("http://{addr}"), "--token", token])
        .args(names)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{identity} {names:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// Sets the registration of charge point `identity` through the API.
fn register(server: &Server, bearer: &str, identity: &str, registration: &str) {
    let (s, page) = call(server, "GET", "/api/v1/charge-points", bearer, None);
    assert_eq!(s, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let id = items.iter().find(|c| c["identity"] == identity).unwrap()["id"].as_str().unwrap().to_owned();
    let body = json!({"registration": registration});
    let (s, b) = call(server, "PUT", &format!("/api/v1/charge-points/{id}/registration"), bearer, Some(&body));
    assert_eq!((s, b["registration"].as_str()), (200, Some(registration)), "{b}");
}

fn interop(dir: &Path, db_args: &[&str]) {
    let python = python();
    let cli = |args: &[&str]| stdout_line(&mgc(&[args, db_args].concat(), dir));
    let password = |identity: &str| cli(&["charging", "password", "--tenant", "default", "--identity", identity]);
    let (py, parked, refused) = (password("CP-PY"), password("CP-PARKED"), password("CP-REFUSED"));
    cli(&["charging", "tag", "--tenant", "default", "--tag", "TAG1"]);
    cli(&["charging", "tag", "--tenant", "default", "--tag", "BLOCKED1", "--status", "blocked"]);
    let env = [("MGC_OCPP__ENABLED", "true"), ("MGC_OCPP__ACCEPT_UNKNOWN", "pending")];
    let server = Server::start_with_env(dir, db_args, &env);
    let bearer = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir)));
    register(&server, &bearer, "CP-PARKED", "pending");
    register(&server, &bearer, "CP-REFUSED", "rejected");
    let token = bearer.trim_start_matches("Bearer ").to_owned();

    let all = ["boot-accepted", "heartbeat", "authorize", "session", "malformed", "bad-subprotocol", "bad-password"];
    let out = scenarios(&python, &server.addr, "CP-PY", &py, &token, &all);
    assert!(out.contains("ok bad-password"), "{out}");
    scenarios(&python, &server.addr, "CP-PARKED", &parked, &token, &["boot-pending"]);
    scenarios(&python, &server.addr, "CP-REFUSED", &refused, &token, &["boot-rejected"]);
    operated(&server, &bearer, &python, &cli(&["charging", "password", "--tenant", "default", "--identity", "CP-OP"]));

    // accept_unknown = pending: an identity nobody provisioned boots pending, is listed for
    // adoption, and once adopted (registration accepted, a password set) only that password works.
    scenarios(&python, &server.addr, "CP-NEW", "any-password-0123456789", &token, &["boot-pending"]);
    let (s, pending) = call(&server, "GET", "/api/v1/charge-points?registration=pending", &bearer, None);
    assert_eq!(s, 200, "{pending}");
    let listed: Vec<&str> =
        pending["items"].as_array().unwrap().iter().filter_map(|c| c["identity"].as_str()).collect();
    assert!(listed.contains(&"CP-NEW"), "{pending}");
    register(&server, &bearer, "CP-NEW", "accepted");
    let adopted = cli(&["charging", "password", "--tenant", "default", "--identity", "CP-NEW"]);
    scenarios(&python, &server.addr, "CP-NEW", &adopted, &token, &["boot-accepted", "bad-password"]);

    let (s, sessions) = call(&server, "GET", "/api/v1/charging-sessions", &bearer, None);
    assert_eq!(s, 200, "{sessions}");
    let items: Vec<&Value> = sessions["items"].as_array().unwrap().iter().collect();
    assert_eq!(items.len(), 1, "the re-sent stop made no second session: {sessions}");
    assert_eq!((items[0]["state"].as_str(), items[0]["energy_wh"].as_i64()), (Some("completed"), Some(2500)));
    assert!(server.stop().success());
}

/// CP-OP, a masterdata charger of protocol ocpp16, is driven by an operator through the REST
/// API while the Python charge point answers: every command must succeed and each of them is
/// then stored as succeeded with the charge point's answer.
fn operated(server: &Server, bearer: &str, python: &Path, password: &str) {
    let body = json!({"code": "py-hub", "name": "Python hub", "time_zone": "UTC",
        "devices": [{"name": "CP-OP", "kind": "charger"}]});
    let (s, b) = call(server, "POST", "/api/v1/provisioning/stations", bearer, Some(&body));
    assert_eq!(s, 200, "{b}");
    let device = b["devices"][0]["id"].as_str().unwrap().to_owned();
    let (s, b) =
        call(server, "PATCH", &format!("/api/v1/devices/{device}"), bearer, Some(&json!({"protocol": "ocpp16"})));
    assert_eq!(s, 200, "{b}");
    let token = bearer.trim_start_matches("Bearer ");
    let out = scenarios(python, &server.addr, "CP-OP", password, token, &["operated"]);
    assert!(out.contains("ok operated"), "{out}");
    let (s, page) = call(server, "GET", &format!("/api/v1/commands?device_id={device}&limit=50"), bearer, None);
    assert_eq!(s, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 12, "one command per operation: {page}");
    assert!(items.iter().all(|c| c["state"] == "succeeded"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_ocpp_charge_point_interoperates_with_the_binary_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || interop(dir.path(), &[])).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_ocpp_charge_point_interoperates_with_the_binary_on_postgres() {
    let Some(db) = mgc_tests::postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || interop(dir.path(), &["--database-url", &url])).await.unwrap();
}
