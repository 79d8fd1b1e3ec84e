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

/// A local port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn postgres_refusing_connections_is_reported_at_once_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://mgc:secret@127.0.0.1:{}/mgc", closed_port());
    // A 60 s pool timeout: exiting within run_to_exit's 10 s proves the pool was not waited out.
    let started = Instant::now();
    let out = run_to_exit(
        &["migrate", "--database-url", &url, "--data-dir", dir.path().to_str().unwrap()],
        &[("MGC_DATABASE__ACQUIRE_TIMEOUT_MS", "60000")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.to_ascii_lowercase().contains("connection refused"), "cause hidden: {stderr}");
    assert!(!stderr.contains("timed out"), "stderr: {stderr}");
    assert!(!stderr.contains("secret"), "password leaked: {stderr}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Every stderr line is a JSON object like tracing's (`level`, `fields.message`); returns them.
fn json_lines(stderr: &[u8]) -> Vec<serde_json::Value> {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}\nstderr: {text}")))
        .collect();
    for l in &lines {
        assert!(l["level"].is_string() && l["fields"]["message"].is_string(), "{l}");
    }
    lines
}

#[test]
fn with_json_logs_the_fatal_error_is_a_json_line() {
    let out = run_to_exit(
        &["serve", "--log-format", "json", "--listen", "127.0.0.1:0"],
        &[("MGC_OUTBOX__BATCH_SIZE", "lots")],
    );
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stderr);
    let fatal = lines.iter().find(|l| l["level"] == "ERROR").expect("an ERROR line");
    let message = fatal["fields"]["message"].as_str().unwrap();
    assert!(message.contains("MGC_OUTBOX__BATCH_SIZE"), "{message}");
}

#[test]
fn with_json_logs_the_first_start_notice_is_a_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(MGC)
        .args(["serve", "--log-format", "json", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader stays open until the process has exited: a closed stdout would fail its prints.
    let mut stdout = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
    let listening = stdout.by_ref().map_while(Result::ok).any(|l| l.starts_with("mgc: listening on http://"));
    assert!(listening, "mgc exited before listening");
    let status = common::terminate(&mut child);
    let rest: Vec<String> = stdout.map_while(Result::ok).collect();
    assert!(status.success(), "exit {status}; stdout after listening: {rest:?}");
    let out = child.wait_with_output().unwrap();
    let lines = json_lines(&out.stderr);
    let notice = lines.iter().find(|l| l["fields"]["message"].as_str().unwrap().contains("first start"));
    let message = notice.expect("a first-start notice")["fields"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("mgc token --tenant default --role admin --data-dir"), "{message}");
}

#[test]
fn config_errors_are_all_listed_with_the_key_as_written_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mgc.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:0\"\n\n[outbox]\nmax_attempt = 3\nbatch_size = \"lots\"\n\n[http]\nidle_timeout_ms = -5\n\n[database]\nmax_connections = 0\n",
    )
    .unwrap();
    let out = run_to_exit(
        &["check-config", "--config", file.to_str().unwrap()],
        &[("MGC_INGEST__GROUP_COMMIT_WORKERS", "many")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let f = file.display();
    for expected in [
        format!("{f}:4: outbox.max_attempt: unknown key"),
        format!("{f}:5: outbox.batch_size: invalid type"),
        format!("{f}:8: http.idle_timeout_ms: invalid value"),
        format!("{f}:11: database.max_connections: must be greater than 0"),
        "ingest.group_commit_workers (variable MGC_INGEST__GROUP_COMMIT_WORKERS): invalid type".to_owned(),
    ] {
        assert!(stderr.contains(&expected), "missing {expected:?} in: {stderr}");
    }
    assert!(!stderr.contains("default."), "the profile leaks into a key: {stderr}");
    assert!(out.stdout.is_empty(), "printed a configuration: {:?}", out.stdout);
}
