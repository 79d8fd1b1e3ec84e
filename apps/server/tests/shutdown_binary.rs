//! Shutdown with long-lived connections, through the real binary: an open alarm stream (SSE)
//! receives keep-alive comments, and SIGTERM ends it at once so the process exits 0 well before
//! the HTTP drain deadline.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{mgc, stdout_line, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

/// Opens `GET /api/v1/alarms/stream` and returns the socket once the answer head has arrived.
fn open_stream(server: &Server, token: &str) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let req = format!(
        "GET /api/v1/alarms/stream HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n",
        server.addr
    );
    stream.write_all(req.as_bytes()).unwrap();
    let seen = read_until(&mut stream, String::new(), Duration::from_secs(10), |s| s.contains("\r\n\r\n"));
    assert!(seen.starts_with("HTTP/1.1 200"), "stream not opened: {seen}");
    assert!(seen.to_ascii_lowercase().contains("content-type: text/event-stream"), "{seen}");
    (stream, seen)
}

/// Reads into `seen` until `done` holds or the socket closes, failing at `limit`.
fn read_until(stream: &mut TcpStream, mut seen: String, limit: Duration, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    while !done(&seen) {
        assert!(Instant::now() < deadline, "condition not met within {limit:?}; read so far: {seen:?}");
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) => panic!("reading the stream: {e}"),
        }
    }
    seen
}

fn admin_token(data: &std::path::Path) -> String {
    stdout_line(&mgc(&["token", "--tenant", "default", "--role", "admin"], data))
}

#[test]
fn sigterm_with_an_open_event_stream_ends_it_and_exits_0_before_the_drain_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A long drain deadline: exiting quickly proves the stream was ended, not waited out.
    let mut server = Server::start_with_env(&data, &[], &[("MGC_HTTP__DRAIN_DEADLINE_MS", "60000")]);
    let token = admin_token(&data);
    let (mut stream, seen) = open_stream(&server, &token);

    let asked = Instant::now();
    Command::new("kill").args(["-TERM", &server.pid().to_string()]).status().unwrap();
    let status = server.wait_exit(Duration::from_secs(8));
    let took = asked.elapsed();
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "shutdown took {took:?} with an open stream");

    // The stream ended properly (chunked terminator) rather than being cut mid-answer.
    let rest = read_until(&mut stream, seen, Duration::from_secs(2), |_| false);
    assert!(rest.ends_with("0\r\n\r\n"), "stream did not end with the last chunk: {rest:?}");
}

#[test]
fn an_open_event_stream_receives_a_keep_alive_comment_within_15_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &[]);
    let token = admin_token(&data);
    let (mut stream, seen) = open_stream(&server, &token);
    let head_len = seen.find("\r\n\r\n").unwrap() + 4;
    let opened = Instant::now();
    // An SSE comment line starts with ':'; no alarm exists, so it can only be the keep-alive.
    let seen = read_until(&mut stream, seen, Duration::from_secs(20), |s| {
        s.get(head_len..).is_some_and(|body| body.lines().any(|l| l.starts_with(':')))
    });
    assert!(opened.elapsed() <= Duration::from_millis(16_500), "keep-alive late: {:?}", opened.elapsed());
    assert!(!seen[head_len..].contains("event:"), "unexpected event: {seen:?}");
    assert!(server.stop().success());
}
