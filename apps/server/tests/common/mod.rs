//! Helpers of the tests that run the real `mgc` binary: start/stop, a tiny HTTP client, the CLI.

#![allow(dead_code)]

pub mod python;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const MGC: &str = env!("CARGO_BIN_EXE_mgc");

/// A running `mgc serve`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
    /// Address of the OCPP endpoint's own listener, when `ocpp.listen` gave it one.
    pub ocpp_addr: Option<String>,
    /// Address of the AP3000 gateway, when `ap3000.listen` is set.
    pub ap3000_addr: Option<String>,
}

impl Server {
    pub fn start(data_dir: &Path, extra: &[&str]) -> Self {
        Self::start_with_env(data_dir, extra, &[])
    }

    /// Starts `mgc serve` with extra arguments and environment variables.
    pub fn start_with_env(data_dir: &Path, extra: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(MGC)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .env("RUST_LOG", "warn")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mgc starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // The server prints its bound address once it accepts connections.
        let mut ocpp_addr = None;
        let mut ap3000_addr = None;
        let addr = loop {
            let line = lines.next().expect("mgc exited before listening").unwrap();
            if let Some(rest) = line.strip_prefix("mgc: OCPP listening on ws://") {
                ocpp_addr = Some(rest.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("mgc: AP3000 listening on tcp://") {
                ap3000_addr = Some(rest.trim().to_owned());
            }
            if let Some(rest) = line.strip_prefix("mgc: listening on http://") {
                break rest.trim().to_owned();
            }
        };
        Self { child, addr, ocpp_addr, ap3000_addr }
    }

    pub fn get(&self, path: &str, auth: Option<(&str, &str)>) -> (u16, String) {
        http(&self.addr, "GET", path, auth, None)
    }

    /// Kills the process at once (SIGKILL: no shutdown of any kind) and reaps it.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for the process to exit (after a signal sent by the test).
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "mgc did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits (bounded) for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            terminate(&mut self.child);
        }
    }
}

pub fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("mgc did not stop within 15 s of SIGTERM");
}

/// A minimal HTTP/1.1 client (Connection: close) so the test needs no HTTP client crate.
pub fn http(addr: &str, method: &str, path: &str, header: Option<(&str, &str)>, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some((name, value)) = header {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    req.push_str(body.unwrap_or_default());
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_owned() };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

pub fn mgc(args: &[&str], data_dir: &Path) -> std::process::Output {
    Command::new(MGC).args(args).arg("--data-dir").arg(data_dir).output().unwrap()
}

pub fn stdout_line(out: &std::process::Output) -> String {
    assert!(out.status.success(), "mgc failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap().trim().to_owned()
}

/// Calls the API with a bearer token and a JSON body; the body is parsed (a string when not JSON).
pub fn call(server: &Server, method: &str, path: &str, bearer: &str, body: Option<&Value>) -> (u16, Value) {
    let text = body.map(Value::to_string);
    let (status, raw) = http(&server.addr, method, path, Some(("Authorization", bearer)), text.as_deref());
    (status, serde_json::from_str(&raw).unwrap_or(Value::String(raw)))
}

/// Polls `path` until `done` says so (the service works on its own schedule); at most 90 s.
pub fn wait_for(server: &Server, path: &str, bearer: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = call(server, "GET", path, bearer, None);
        if status == 200 && done(&body) {
            return body;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(90), "gave up waiting on {path}: {status} {body}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Posts `body` as ThingsBoard telemetry of `integration` (`{id, secret}` as created), signed
/// (v2) now.
pub fn post_telemetry(addr: &str, integration: &Value, body: &str) -> (u16, String) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let secret = integration["secret"].as_str().unwrap_or_default();
    let sig = mgc_iam::sign_post(secret.as_bytes(), "/ingest/thingsboard/telemetry", &ts, &[], body.as_bytes());
    http_signed(addr, integration["id"].as_str().unwrap_or_default(), &ts, &sig, body)
}

/// Posts a signed ThingsBoard body.
pub fn http_signed(addr: &str, id: &str, ts: &str, sig: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let req = format!(
        "POST /ingest/thingsboard/telemetry HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-Integration-Id: {id}\r\nX-Timestamp: {ts}\r\nX-Signature: {sig}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let status = raw.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw)
}
