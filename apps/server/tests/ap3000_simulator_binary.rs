//! `mgc simulate ap3000` against the real `mgc serve` with `[ap3000] listen`: three piles
//! register, swipe their cards, charge with power heartbeats and settle; the sessions read back
//! through `/api/v1/charging-sessions` are completed and carry the energy the piles settled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

#[test]
fn given_simulated_piles_when_they_charge_then_their_sessions_are_completed_with_the_settled_energy() {
    let dir = tempfile::tempdir().unwrap();
    let tags = ["charging", "tag", "--tenant", "default", "--tag", "100001", "--tag", "100002", "--tag", "100003"];
    stdout_line(&mgc(&tags, dir.path()));
    let envs = [("MGC_AP3000__LISTEN", "127.0.0.1:0"), ("MGC_AP3000__ACCEPT_UNKNOWN", "true")];
    let server = Server::start_with_env(dir.path(), &[], &envs);
    let addr = server.ap3000_addr.clone().expect("the gateway printed its address");

    let out = Command::new(MGC)
        .args(["simulate", "ap3000", "--addr", &addr, "--piles", "3", "--ports", "2", "--duration", "3s"])
        .args(["--heartbeat", "1s", "--power-interval", "200ms", "--session-length", "700ms", "--power-w", "360000"])
        .args(["--json"])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_str(&stdout_line(&out)).unwrap();
    assert_eq!(
        (summary["piles_connected"].as_u64(), summary["registers_accepted"].as_u64()),
        (Some(3), Some(3)),
        "{summary}"
    );
    assert_eq!((summary["errors"].as_u64(), summary["cards_refused"].as_u64()), (Some(0), Some(0)), "{summary}");
    let settled = summary["sessions_settled"].as_u64().unwrap();
    assert!(settled >= 3, "every pile completes a session in 3 s: {summary}");
    assert_eq!(summary["sessions_started"].as_u64(), Some(settled), "{summary}");

    let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir.path()));
    let bearer = format!("Bearer {token}");
    let page = wait_for(&server, "/api/v1/charging-sessions?limit=500", &bearer, |page| {
        page["items"]
            .as_array()
            .is_some_and(|items| items.iter().filter(|s| s["state"] == "completed").count() as u64 >= settled)
    });
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, settled, "{page}");
    let energy: i64 = items.iter().map(|s| s["energy_wh"].as_i64().unwrap()).sum();
    assert_eq!(Some(energy as u64), summary["energy_settled_wh"].as_u64(), "{page}");
    assert!(energy > 0, "{summary}");
    assert!(server.stop().success());
}
