//! Shared by benches that drive the release `mgc serve`: start/stop, token, plain HTTP posts.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Tenant the benches use (the bootstrap tenant).
pub const TENANT: &str = "default";

/// A positive integer from the environment, or `default`.
pub fn env_or(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a positive integer")),
        Err(_) => default,
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// The release binary (built beforehand), or the one `BENCH_MGC` names (e.g. a copy of an
/// earlier build, for before/after figures).
pub fn mgc_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("BENCH_MGC") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from);
    let bin = target.join("release").join("mgc");
    assert!(bin.is_file(), "{} not found: build it first with `cargo build --release -p mgc-server`", bin.display());
    bin
}

/// The running `mgc serve`; SIGTERM on drop.
pub struct Server {
    child: Child,
    /// `host:port`.
    pub addr: String,
    /// Its data directory.
    pub data_dir: TempDir,
}

impl Server {
    /// Starts `mgc serve` on `database_url` with extra environment variables.
    pub fn start(bin: &Path, database_url: &str, env: &[(&str, &str)]) -> Server {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let log = std::fs::File::create(data_dir.path().join("server.log")).expect("server log file");
        let mut child = Command::new(bin)
            .arg("serve")
            .arg("--database-url")
            .arg(database_url)
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(["--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("mgc: listening on http://") {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        let mut server = Server { child, addr: String::new(), data_dir };
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(addr) => server.addr = addr,
            Err(_) => panic!("mgc serve did not print its address; its log:\n{}", server.log()),
        }
        server
    }

    /// Process id of `mgc serve`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn request(addr: &str, head: &str, body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    write!(stream, "{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).expect("write request");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read answer");
    let (head, payload) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, serde_json::from_str(payload).unwrap_or(Value::String(payload.to_owned())))
}

/// GET with a bearer token over a fresh connection; returns status and the raw body.
pub fn http_get_raw(addr: &str, path: &str, token: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream.set_nodelay(true).expect("nodelay");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n")
        .expect("write request");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read answer");
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer[split..].to_vec())
}

/// POST with a bearer token; returns status and JSON answer (read after the response is complete).
pub fn http_post(addr: &str, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    );
    request(addr, &head, &body.to_string())
}

/// Signed ThingsBoard ingest POST with integration (id, secret).
pub fn signed_post(addr: &str, ing: &(String, String), body: &str) -> (u16, Value) {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = mgc_iam::sign_post(ing.1.as_bytes(), "/ingest/thingsboard/telemetry", &ts, &[], body.as_bytes());
    let head = format!(
        "POST /ingest/thingsboard/telemetry HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Integration-Id: {}\r\nX-Timestamp: {ts}\r\nX-Signature: {sig}\r\n",
        ing.0
    );
    request(addr, &head, body)
}

/// An admin token minted by `mgc token`.
pub fn admin_token(bin: &Path, server: &Server) -> String {
    let out = Command::new(bin)
        .arg("token")
        .arg("--data-dir")
        .arg(server.data_dir.path())
        .args(["--tenant", TENANT, "--role", "admin"])
        .output()
        .expect("run mgc token");
    assert!(out.status.success(), "mgc token failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 token").trim().to_owned()
}
