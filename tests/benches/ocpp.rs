//! `just bench-ocpp`: the OCPP 1.6J endpoint of the release `mgc serve` (SQLite by default,
//! PostgreSQL with BENCH_OCPP_DATABASE=postgres) under fleets of `mgc simulate ocpp`.
//!
//! (a) connections: ramps to BENCH_OCPP_CONNECTIONS (default 20000) charge points at
//!     BENCH_OCPP_RAMP (default 200) per second, each heartbeating every 60 s, 1 % of them in a
//!     session (meter values every 60 s); holds BENCH_OCPP_HOLD_S (default 75) seconds at the
//!     peak, so every charge point heartbeats at least once. Reports the peak of the server's
//!     `mgc_ocpp_connected_charge_points`, and when short of the target, where and why it stopped.
//!     The fleet is split over simulator processes of at most 9000 connections each (one
//!     process's open-file limit).
//! (b) memory: server VmRSS at the peak minus VmRSS idle (after start-up), per connection.
//! (c) sessions: BENCH_OCPP_SESSION_CLIENTS (default 50) charge points run sessions back to back
//!     (Preparing, Authorize, StartTransaction, Charging, MeterValues, StopTransaction,
//!     Finishing, Available) for BENCH_OCPP_SESSION_S (default 20) seconds: sessions/s, calls/s.
//! (d) baseline in the same run: the same number of WebSocket clients echoing an OCPP-sized frame
//!     against a minimal tokio-tungstenite echo server in this process; prints (c) / (d).
//!
//! Needs `cargo build --release -p mgc-server` first (BENCH_OCPP_MGC=<path> runs another `mgc`,
//! e.g. a debug build, and says so); run with the open-file limit raised
//! (`ulimit -n`; the recipe raises the soft limit to the hard one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod bench_server;
#[path = "support/echo.rs"]
mod echo;

use bench_server::{env_or, mgc_binary, Server, TENANT};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-password-0123456789";
/// Connections per simulator process (below a 20000 open-file limit with room to spare).
const PER_PROCESS: u64 = 9000;

/// The server's `mgc_ocpp_connected_charge_points`; None when /metrics did not answer in time
/// (a busy server), so a missed scrape never reads as zero connections.
fn connected(addr: &str) -> Option<u64> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("mgc_ocpp_connected_charge_points "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
}

/// A line of /proc/<pid>/<file> starting with `key`.
fn proc_line(pid: u32, file: &str, key: &str) -> String {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    text.lines().find(|l| l.starts_with(key)).unwrap_or("?").to_owned()
}

/// VmRSS of a process, KiB.
fn rss_kib(pid: u32) -> u64 {
    proc_line(pid, "status", "VmRSS:").split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// Open file descriptors of a process.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

fn mgc(bin: &Path, server: &Server, db: &str, args: &[String]) -> String {
    let out = Command::new(bin)
        .args(args)
        .arg("--data-dir")
        .arg(server.data_dir.path())
        .args(["--database-url", db])
        .output()
        .expect("run mgc");
    assert!(out.status.success(), "mgc {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Starts `mgc simulate ocpp` for charge points first..first+count-1; stdout/stderr to files.
fn simulator(bin: &Path, server: &Server, name: &str, first: u64, count: u64, extra: &[String]) -> Child {
    let dir = server.data_dir.path();
    let out = std::fs::File::create(dir.join(format!("{name}.json"))).expect("simulator output file");
    let err = std::fs::File::create(dir.join(format!("{name}.log"))).expect("simulator log file");
    Command::new(bin)
        .args(["simulate", "ocpp", "--url", &format!("ws://{}/ocpp/1.6/{TENANT}", server.addr)])
        .args(["--password", PASSWORD, "--first", &first.to_string(), "--charge-points", &count.to_string()])
        .args(["--seed", &first.to_string(), "--json"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("start mgc simulate")
}

/// Waits for a simulator and reads its summary.
fn summary(server: &Server, name: &str, mut child: Child) -> Value {
    let status = child.wait().expect("wait for mgc simulate");
    let dir = server.data_dir.path();
    let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap_or_default();
    let log = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(_) => panic!("{name}: no summary ({status}):\n{log}"),
    }
}

fn n(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn main() {
    let target = env_or("BENCH_OCPP_CONNECTIONS", 20_000).max(100);
    let ramp = env_or("BENCH_OCPP_RAMP", 200).max(1);
    let hold = env_or("BENCH_OCPP_HOLD_S", 75);
    let clients = env_or("BENCH_OCPP_SESSION_CLIENTS", 50).clamp(1, target);
    let session_s = env_or("BENCH_OCPP_SESSION_S", 20).max(1);
    let bin = std::env::var_os("BENCH_OCPP_MGC").map_or_else(mgc_binary, std::path::PathBuf::from);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let postgres = std::env::var("BENCH_OCPP_DATABASE").is_ok_and(|d| d == "postgres");
    let pg = postgres.then(|| runtime.block_on(mgc_tests::postgres_database()).expect("PostgreSQL for the bench"));
    let sqlite_dir = tempfile::tempdir().expect("temp dir");
    let db = match &pg {
        Some(db) => db.url.clone(),
        None => format!("sqlite://{}/mgc.db", sqlite_dir.path().display()),
    };
    let env = [("MGC_OCPP__ENABLED", "true"), ("MGC_OCPP__HEARTBEAT_INTERVAL_S", "60"), ("RUST_LOG", "warn")];
    let server = Server::start(&bin, &db, &env);
    let pid = server.pid();
    let provisioned = Instant::now();
    let count = ["charging", "provision", "--tenant", TENANT, "--count", &target.to_string(), "--password", PASSWORD];
    mgc(&bin, &server, &db, &args(&count));
    // One tag per charge point in a session at once (a tag in use elsewhere is ConcurrentTx).
    let charging = (target / 100).max(1);
    let tags: Vec<String> = (1..=clients.max(charging)).map(|i| format!("B{i}")).collect();
    let mut tag = args(&["charging", "tag", "--tenant", TENANT]);
    tags.iter().for_each(|t| tag.extend(["--tag".to_owned(), t.clone()]));
    mgc(&bin, &server, &db, &tag);
    let tag_args =
        |k: u64| tags.iter().take(k as usize).flat_map(|t| ["--id-tag".to_owned(), t.clone()]).collect::<Vec<_>>();
    println!(
        "ocpp bench: {} serve on {} at {}; {target} charge points provisioned in {:.1} s",
        bin.display(),
        if postgres { "PostgreSQL" } else { "SQLite" },
        server.addr,
        provisioned.elapsed().as_secs_f64()
    );
    println!(
        "open files: server {}, bench {}",
        proc_line(pid, "limits", "Max open files"),
        proc_line(std::process::id(), "limits", "Max open files")
    );
    std::thread::sleep(Duration::from_secs(2));
    let idle_kib = rss_kib(pid);
    let idle_fds = open_fds(pid);
    // At its open-file limit the server cannot accept the /metrics scrape either: then count
    // its descriptors opened since idle (one per charge point connection).
    let connections = || connected(&server.addr).unwrap_or_else(|| open_fds(pid).saturating_sub(idle_fds) as u64);

    // (a) ramp: 1 % charging (back-to-back sessions as long as the run), the rest idle. The
    // fleets are interrupted once measured; their duration only bounds a run gone wrong.
    let ramp_s = target.div_ceil(ramp);
    let run_s = ramp_s + hold + 300;
    let common = |share: u64| {
        let rate = (ramp as f64 * share as f64 / target as f64).max(1.0);
        args(&["--heartbeat", "60s", "--meter-interval", "60s", "--duration", &format!("{run_s}s")])
            .into_iter()
            .chain(["--ramp-per-second".to_owned(), format!("{rate:.1}")])
            .collect::<Vec<_>>()
    };
    let mut fleets = Vec::new();
    let mut charging_extra = common(charging);
    charging_extra.extend(args(&["--back-to-back", "--session-length", &format!("{run_s}s")]));
    charging_extra.extend(tag_args(charging));
    fleets.push(("charging".to_owned(), simulator(&bin, &server, "charging", 1, charging, &charging_extra)));
    let mut first = charging + 1;
    while first <= target {
        let count = PER_PROCESS.min(target - first + 1);
        let mut extra = common(count);
        extra.extend(args(&["--sessions-per-hour", "0"]));
        let name = format!("idle-{first}");
        fleets.push((name.clone(), simulator(&bin, &server, &name, first, count, &extra)));
        first += count;
    }
    let started = Instant::now();
    let (mut peak, mut peak_at) = (0u64, Instant::now());
    while started.elapsed() < Duration::from_secs(ramp_s + 120) {
        std::thread::sleep(Duration::from_secs(1));
        let now = connections();
        if now > peak {
            (peak, peak_at) = (now, Instant::now());
        }
        if peak >= target || peak_at.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    let ramp_took = peak_at.duration_since(started).as_secs_f64();
    let hold_started = Instant::now();
    let mut low = peak;
    while hold_started.elapsed() < Duration::from_secs(hold) {
        std::thread::sleep(Duration::from_secs(5));
        low = low.min(connections());
    }
    let held = connections();
    let at_peak_kib = rss_kib(pid);
    let fds = open_fds(pid);
    println!(
        "(a) connections  {held} of {target} held after {hold} s with heartbeats every 60 s ({charging} charging); \
         peak {peak} reached {ramp_took:.0} s after the start, lowest read during the hold {low}; server fds open {fds}"
    );
    if held < target {
        let log = server.log();
        let lines = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
        println!(
            "    stopped short: server fds {fds}, {}; server log: {} 'open files', {} handshakes refused because the \
             charge point lookup failed, {} OCPP calls failed in storage ({} pool timeouts, {} 'database is locked')",
            proc_line(pid, "limits", "Max open files"),
            lines("open files"),
            lines("charge point lookup failed"),
            lines("OCPP call failed"),
            lines("no database connection became free"),
            lines("database is locked"),
        );
    }
    let per_conn = (at_peak_kib.saturating_sub(idle_kib)) as f64 / held.max(1) as f64;
    println!(
        "(b) memory       server VmRSS idle {idle_kib} KiB, at {held} connections {at_peak_kib} KiB: {per_conn:.1} KiB per connection (goal <= 50)"
    );
    for (_, child) in &fleets {
        // SIGINT: the simulator stops its sessions, closes and prints its summary.
        let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    }
    let mut failures = 0.0;
    let mut worst_p99: f64 = 0.0;
    for (name, child) in fleets {
        let s = summary(&server, &name, child);
        failures += n(&s, "connect_failures") + n(&s, "call_errors") + n(&s, "timeouts");
        worst_p99 = worst_p99.max(n(&s, "p99_ms"));
        if name == "charging" {
            println!(
                "    charging fleet: {} sessions started, {} completed",
                s["sessions_started"], s["sessions_completed"]
            );
        }
    }
    println!("    fleets: {failures} failed connects, CALLERRORs and timeouts in all; worst p99 call latency {worst_p99:.1} ms");

    // (c) sessions back to back, then (d) the echo baseline with the same number of clients.
    let mut extra = args(&["--back-to-back", "--session-length", "1ms", "--meter-interval", "1ms"]);
    extra.extend(args(&["--duration", &format!("{session_s}s"), "--ramp-per-second", "0"]));
    extra.extend(tag_args(clients));
    let c = summary(&server, "sessions", simulator(&bin, &server, "sessions", 1, clients, &extra));
    let (sessions, calls) = (n(&c, "sessions_per_s"), n(&c, "calls_per_s"));
    println!(
        "(c) sessions     {clients} charge points back to back for {session_s} s: {sessions:.1} sessions/s, {calls:.0} calls/s, \
         p50 {:.1} ms, p99 {:.1} ms, {} CALLERRORs, {} refused",
        n(&c, "p50_ms"),
        n(&c, "p99_ms"),
        c["call_errors"],
        c["sessions_refused"]
    );
    let (echo, echo_p99) = runtime.block_on(async {
        let addr = echo::start_echo_server().await;
        echo::echo_round_trips(&addr, clients, Duration::from_secs(session_s)).await
    });
    println!(
        "(d) baseline     {clients} WebSocket clients echoing an OCPP-sized frame: {echo:.0} round trips/s, p99 {echo_p99:.1} ms; \
         OCPP calls/s = {:.3}x the echo round trips",
        calls / echo.max(1e-9)
    );
    drop(server);
}
