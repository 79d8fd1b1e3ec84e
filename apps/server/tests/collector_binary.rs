//! The pull collector in the real binary: `mgc serve` with a `[[collector.sources]]` polls a
//! fake WinPower G2 server, the UPS's energy counter grows on /metrics, and after a stop and a
//! start it is back at once (restored from the database, before the first poll) and grows on;
//! `check-config` never prints the source's password. A source refused from its first login
//! raises an alarm on its own device (`collector:<name>`), cleared once the password is right.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, mgc, stdout_line, wait_for, Server};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "wp-s3cret-password";

/// Answers one request of the fake WinPower API (login with `password`, device list) and closes.
fn answer(stream: TcpStream, password: &Mutex<String>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, reply) = if request_line.starts_with("POST /api/v1/auth/login") {
        if body["password"] == password.lock().unwrap().as_str() {
            ("200 OK", json!({"code": "000000", "message": "OK", "data": {"deviceId": "wp", "token": "t-1"}}))
        } else {
            ("401 Unauthorized", json!({"code": "401", "message": "Authentication failed", "data": null}))
        }
    } else {
        let device = json!({
            "assetDevice": {"id": "e156e6cb", "deviceType": 1, "model": "ON-LINE", "alias": "ups-bin"},
            "realtime": {"loadTotalWatt": "3600", "outputVolt1": "220.1", "batCapacity": "90", "status": "1"},
            "connected": true
        });
        (
            "200 OK",
            json!({"total": 1, "pageSize": 100, "currentPage": 1, "data": [device], "code": "000000", "msg": "OK"}),
        )
    };
    let text = reply.to_string();
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// A fake WinPower server accepting the password held in `password` (changeable while it runs).
fn fake_winpower(password: Arc<Mutex<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let password = password.clone();
            std::thread::spawn(move || answer(stream, &password));
        }
    });
    url
}

/// The UPS's import energy counter on /metrics, if it is there.
fn energy(server: &Server) -> Option<f64> {
    let (_, text) = server.get("/metrics", None);
    text.lines()
        .find(|l| {
            l.starts_with("mgc_device_energy_wh_total{")
                && l.contains("device=\"ups-bin\"")
                && l.contains("direction=\"import\"")
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn energy_above(server: &Server, floor: f64) -> f64 {
    let started = Instant::now();
    loop {
        if let Some(v) = energy(server).filter(|v| *v > floor) {
            return v;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the energy counter did not pass {floor}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `promtool check metrics` finds nothing in `exposition` (skipped without promtool, unless
/// `MGC_REQUIRE_PROMTOOL=1`).
fn promtool_check(exposition: &str) {
    use std::process::{Command, Stdio};
    let child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(_) if std::env::var("MGC_REQUIRE_PROMTOOL").as_deref() != Ok("1") => {
            eprintln!("promtool not installed: the collector's metrics were not linted");
            return;
        }
        Err(e) => panic!("promtool required: {e}"),
    };
    child.stdin.take().unwrap().write_all(exposition.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let findings = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && findings.trim().is_empty(), "promtool: {findings}");
}

/// A `[[collector.sources]]` polling `url` every second with `password`, its own device in
/// station `ups-room`.
fn source_config(url: &str, password: &str) -> String {
    format!(
        "[[collector.sources]]\nname = \"ups-bin\"\nkind = \"winpower\"\nurl = \"{url}\"\nusername = \"admin\"\n\
         password = \"{password}\"\nstation = \"ups-room\"\ninterval_s = 1\ntimeout_ms = 2000\nmax_backoff_s = 2\n"
    )
}

#[test]
fn energy_counters_of_a_pulled_ups_continue_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("mgc.toml");
    let url = fake_winpower(Arc::new(Mutex::new(PASSWORD.into())));
    std::fs::write(&config, source_config(&url, PASSWORD)).unwrap();
    let shown = mgc(&["--config", config.to_str().unwrap(), "check-config"], &data);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("password = \"***\"") && !shown.contains(PASSWORD), "{shown}");

    let env = [("MGC_CONFIG", config.to_str().unwrap())];
    let server = Server::start_with_env(&data, &[], &env);
    let token = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], &data)));
    let body = json!({"code": "ups-room", "name": "UPS room", "time_zone": "Asia/Shanghai",
        "devices": [{"name": "ups-bin", "kind": "ups",
            "mappings": [{"raw_key": "loadTotalWatt", "point": "active_power_w", "scale": 1}]}]});
    let (status, answer) = call(&server, "POST", "/api/v1/provisioning/stations", &token, Some(&body));
    assert_eq!(status, 200, "{answer}");
    let sources = wait_for(&server, "/api/v1/collector/sources", &token, |b| {
        b["items"][0]["state"] == "ok" && b["items"][0]["unknown_devices"] == json!([])
    });
    assert_eq!(sources["items"][0]["devices"], json!(["ups-bin"]));
    let before = energy_above(&server, 0.0);
    let (_, text) = server.get("/metrics", None);
    for help in ["# HELP mgc_device_energy_wh_total ", "# HELP mgc_device_power_w ", "# HELP mgc_collector_source_up "]
    {
        assert!(text.contains(help), "{help} missing");
    }
    assert!(text.contains("# TYPE mgc_device_energy_wh_total counter"));
    promtool_check(&text);
    assert!(server.stop().success(), "clean stop with the collector running");

    let again = Server::start_with_env(&data, &[], &env);
    let restored = energy(&again).expect("the counter is there before the first poll");
    assert!(restored >= before, "restored {restored} < {before}");
    energy_above(&again, restored);
    assert!(again.stop().success());
}

#[test]
fn a_source_refused_from_its_first_login_raises_an_alarm_cleared_when_the_password_is_right() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("mgc.toml");
    let accepted = Arc::new(Mutex::new("another-password".to_owned()));
    std::fs::write(&config, source_config(&fake_winpower(accepted.clone()), PASSWORD)).unwrap();
    let server = Server::start_with_env(&data, &[], &[("MGC_CONFIG", config.to_str().unwrap())]);
    let token = format!("Bearer {}", stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], &data)));
    // The station comes after the first polls: the source's device is made at the next attempt.
    let body = json!({"code": "ups-room", "name": "UPS room", "time_zone": "Asia/Shanghai", "devices": []});
    let (status, answer) = call(&server, "POST", "/api/v1/provisioning/stations", &token, Some(&body));
    assert_eq!(status, 200, "{answer}");

    let sources = wait_for(&server, "/api/v1/collector/sources", &token, |b| {
        b["items"][0]["alarm_device"] == "collector:ups-bin" && b["items"][0]["state"] == "failing"
    });
    assert_eq!(sources["items"][0]["last_error_code"], "collector_credentials_refused", "{sources}");
    let open = wait_for(&server, "/api/v1/alarms?status=active", &token, |b| b["items"][0]["message"].is_string());
    let message = open["items"][0]["message"].as_str().unwrap();
    assert!(message.contains("Collector source failing") && message.contains("collector:ups-bin"), "{message}");

    *accepted.lock().unwrap() = PASSWORD.into();
    wait_for(&server, "/api/v1/alarms?status=cleared", &token, |b| b["items"][0]["cleared_by"] == "system");
    let (_, open) = call(&server, "GET", "/api/v1/alarms?status=active", &token, None);
    assert_eq!(open["items"], json!([]), "{open}");
    assert!(server.stop().success());
}
