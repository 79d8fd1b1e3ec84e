//! Connection limits of `mgc serve` through the real binary and raw TCP clients: a half-sent
//! request and an idle connection are closed after the (short, configured) timeouts, more
//! connections than the per-address cap are refused, and a large body on a route that takes
//! none is answered 413 in the JSON error shape instead of a dropped connection. Both backends.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{mgc, stdout_line, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const LIMITS: &[(&str, &str)] = &[
    ("MGC_HTTP__HEADER_READ_TIMEOUT_MS", "700"),
    ("MGC_HTTP__IDLE_TIMEOUT_MS", "700"),
    ("MGC_HTTP__MAX_CONNECTIONS_PER_ADDRESS", "4"),
];

/// A fresh server per backend (SQLite, then PostgreSQL), with short limits.
async fn servers() -> Vec<(tempfile::TempDir, Server, mgc_tests::TestDatabase)> {
    let mut out = Vec::new();
    for db in mgc_tests::all_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let server = Server::start_with_env(dir.path(), &["--database-url", &db.url], LIMITS);
        out.push((dir, server, db));
    }
    out
}

/// Reads until the server closes; the time that took (panics after 10 s: never closed).
fn closed_after(mut stream: TcpStream) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (started.elapsed(), got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("connection still open after {:?}", started.elapsed())
            }
            Err(_) => return (started.elapsed(), got),
        }
    }
}

#[tokio::test]
async fn half_sent_request_and_idle_connection_are_closed_after_the_timeouts() {
    for (_dir, server, db) in servers().await {
        let mut slow = TcpStream::connect(&server.addr).unwrap();
        slow.write_all(b"GET /healthz HT").unwrap();
        let idle = TcpStream::connect(&server.addr).unwrap();
        let (took, _) = closed_after(slow);
        assert!(took < Duration::from_secs(5), "{}: slowloris held {took:?}", db.backend);
        let (took, _) = closed_after(idle);
        assert!(took < Duration::from_secs(5), "{}: idle connection held {took:?}", db.backend);
        assert_eq!(server.get("/healthz", None).0, 200, "{}", db.backend);
    }
}

#[tokio::test]
async fn connections_over_the_per_address_cap_are_refused() {
    for (_dir, server, db) in servers().await {
        let held: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(&server.addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(100));
        let extra = TcpStream::connect(&server.addr).unwrap();
        let (took, answer) = closed_after(extra);
        assert!(took < Duration::from_millis(600), "{}: the fifth connection was served ({took:?})", db.backend);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 503") && answer.contains("too_many_connections"), "{answer}");
        drop(held);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(server.get("/healthz", None).0, 200, "{}: a slot is free again", db.backend);
    }
}

#[tokio::test]
async fn large_body_on_a_route_without_body_is_answered_413_json() {
    for (dir, server, db) in servers().await {
        let token = stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], dir.path()));
        let body = vec![b' '; 5 * 1024 * 1024];
        let id = mgc_kernel::uuid::Uuid::now_v7();
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        let head = format!(
            "POST /api/v1/commands/{id}/cancel HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            server.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let sent = stream.write_all(&body);
        let (_, answer) = closed_after(stream);
        let answer = String::from_utf8_lossy(&answer);
        assert!(sent.is_ok(), "{}: the server dropped the connection while the body was sent: {answer}", db.backend);
        assert!(answer.starts_with("HTTP/1.1 413"), "{}: {answer}", db.backend);
        let json = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(v["error"]["code"], "payload_too_large", "{}: {answer}", db.backend);
    }
}
