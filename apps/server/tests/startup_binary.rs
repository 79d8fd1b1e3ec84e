//! Start-up errors through the real binary: a clear message naming the setting, a non-zero exit,
//! no panic, and nothing done before the problem is reported.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::MGC;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `mgc` with `args` and waits (bounded) for it to exit on its own.
fn run_to_exit(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut child = Command::new(MGC)
        .args(args)
        .env("RUST_LOG", "warn")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("mgc did not exit on its own within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_port_in_use_is_reported_with_the_setting_before_anything_is_migrated() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = run_to_exit(&["serve", "--listen", &addr, "--data-dir", data.to_str().unwrap()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains(&format!("cannot listen on {addr}")), "stderr: {stderr}");
    assert!(stderr.contains("`listen`") && stderr.contains("MGC_LISTEN"), "setting not named: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    // Detected before the data directory, the database or the first-start secret were made.
    assert!(!data.exists(), "data dir was created before the port was checked");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("first start"), "{:?}", out.stdout);
}
