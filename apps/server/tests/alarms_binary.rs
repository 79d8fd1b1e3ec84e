//! End-to-end through the real `mgc` binary: a rule and a webhook channel over the API, signed
//! telemetry over ingest, and the signed alarm notification arriving at a local receiver.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const MGC: &str = env!("CARGO_BIN_EXE_mgc");

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &std::path::Path) -> Server {
    let mut child = Command::new(MGC)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .env("MGC_NOTIFY__POLL_INTERVAL_MS", "200")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("mgc starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("mgc exited before listening").unwrap();
        if let Some(rest) = line.strip_prefix("mgc: listening on http://") {
            break rest.trim().to_owned();
        }
    };
    Server { child, addr }
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, String)], body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(req.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, payload) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}

/// A one-thread HTTP receiver: answers 200 and hands over (headers, body) of every request.
fn receiver() -> (String, mpsc::Receiver<(String, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = tx.send((head, body));
        }
    });
    (url, rx)
}

fn header(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|l| l.to_ascii_lowercase().starts_with(name).then(|| l[name.len() + 1..].trim().to_owned()))
        .unwrap()
}

#[test]
fn telemetry_over_a_threshold_reaches_the_webhook_signed_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let out = Command::new(MGC)
        .args(["token", "--tenant", "default", "--role", "admin", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let auth = [("Authorization", format!("Bearer {}", String::from_utf8(out.stdout).unwrap().trim()))];
    let station = json!({"code": "s1", "name": "Site 1", "time_zone": "Asia/Shanghai", "devices": [{"name": "inv-1", "kind": "pv_inverter"}]});
    assert_eq!(http(&server.addr, "POST", "/api/v1/provisioning/stations", &auth, &station.to_string()).0, 200);
    let (s, ing) = http(&server.addr, "POST", "/api/v1/integrations", &auth, &json!({"name": "tb"}).to_string());
    assert_eq!(s, 201, "{ing}");
    let (url, hooks) = receiver();
    let (s, ch) = http(
        &server.addr,
        "POST",
        "/api/v1/notification-channels",
        &auth,
        &json!({"name": "ops", "kind": "webhook", "config": {"url": url}}).to_string(),
    );
    assert_eq!(s, 201, "{ch}");
    let rule = json!({"name": "hot", "scope": {"device_kind": "pv_inverter"}, "severity": "critical",
        "condition": {"point": "temperature_c", "op": ">=", "value": 85}, "message": "{device} {value} C", "channels": [ch["id"]]});
    let (s, r) = http(&server.addr, "POST", "/api/v1/alarm-rules", &auth, &rule.to_string());
    assert_eq!(s, 201, "{r}");

    let body =
        json!([{"device": "inv-1", "ts": chrono::Utc::now().timestamp_millis(), "values": {"temperature_c": 91}}])
            .to_string();
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = mgc_iam::sign_post(
        ing["secret"].as_str().unwrap().as_bytes(),
        "/ingest/thingsboard/telemetry",
        &ts,
        &[],
        body.as_bytes(),
    );
    let signed =
        [("X-Integration-Id", ing["id"].as_str().unwrap().to_owned()), ("X-Timestamp", ts), ("X-Signature", sig)];
    assert_eq!(http(&server.addr, "POST", "/ingest/thingsboard/telemetry", &signed, &body).0, 200);

    let (head, got) = hooks.recv_timeout(Duration::from_secs(30)).expect("the webhook arrives");
    let env: Value = serde_json::from_slice(&got).unwrap();
    assert_eq!(env["event"], "alarm.raised");
    assert_eq!(env["text"], "inv-1 91 C");
    let secret = ch["config"]["secret"].as_str().unwrap();
    assert!(mgc_notify::verify_webhook_signature(
        secret,
        &header(&head, "x-mgc-timestamp"),
        &got,
        &header(&head, "x-mgc-signature")
    ));
    let (s, list) = http(&server.addr, "GET", "/api/v1/alarms?status=active_unack", &auth, "");
    assert_eq!(s, 200);
    assert_eq!(list["items"][0]["severity"], "critical");
}
