//! `just bench-ap3000`: the AP3000 TCP gateway of the release `mgc serve` (SQLite by default,
//! PostgreSQL with BENCH_AP3000_DATABASE=postgres) under `mgc simulate ap3000` fleets.
//!
//! (a) connections: BENCH_AP3000_PILES (default 10000) piles ramp up at BENCH_AP3000_RAMP
//!     (default 500) per second, register and heartbeat every BENCH_AP3000_HEARTBEAT_S (default
//!     30) seconds; held BENCH_AP3000_HOLD_S (default 70) seconds at the peak. Reports the peak of
//!     `mgc_ap3000_connected_piles`, the frames/s the server processed while holding
//!     (`mgc_ap3000_frames_total`), and server VmRSS at the peak minus idle, per connection.
//! (b) throughput: BENCH_AP3000_FAST_PILES (default 400) piles heartbeat every 50 ms for
//!     BENCH_AP3000_FAST_S (default 15) seconds (each heartbeat is a charging unit of work):
//!     frames/s processed.
//!
//! Needs `cargo build --release -p mgc-server` first (BENCH_AP3000_MGC=<path> runs another
//! `mgc`); run with the open-file limit raised (the recipe raises the soft limit to the hard one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod bench_server;

use bench_server::{env_or, mgc_binary, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Piles per simulator process (below its open-file limit).
const PER_PROCESS: u64 = 9000;

/// A metric of the server's /metrics; None when it did not answer in time.
fn metric(addr: &str, name: &str) -> Option<f64> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

fn rss_kb(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

fn simulators(bin: &PathBuf, gateway: &str, piles: u64, ramp: u64, extra: &[String], secs: u64) -> Vec<Child> {
    let processes = piles.div_ceil(PER_PROCESS);
    (0..processes)
        .map(|i| {
            let n = PER_PROCESS.min(piles - i * PER_PROCESS);
            Command::new(bin)
                .args(["simulate", "ap3000", "--addr", gateway, "--ports", "2", "--no-sessions"])
                .args(["--piles", &n.to_string(), "--first", &(1 + i * PER_PROCESS).to_string()])
                .args([
                    "--ramp-per-second",
                    &(ramp / processes).max(1).to_string(),
                    "--duration",
                    &format!("{secs}s"),
                    "--json",
                ])
                .args(extra)
                .env("RUST_LOG", "error")
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("simulator starts")
        })
        .collect()
}

fn finish(children: Vec<Child>) {
    for c in children {
        let out = c.wait_with_output().expect("simulator ends");
        println!("  simulator: {}", String::from_utf8_lossy(&out.stdout).trim());
    }
}

fn main() {
    let bin = std::env::var_os("BENCH_AP3000_MGC").map_or_else(mgc_binary, PathBuf::from);
    let (piles, ramp, heartbeat, hold) = (
        env_or("BENCH_AP3000_PILES", 10_000),
        env_or("BENCH_AP3000_RAMP", 500),
        env_or("BENCH_AP3000_HEARTBEAT_S", 30),
        env_or("BENCH_AP3000_HOLD_S", 70),
    );
    let (fast_piles, fast_s) = (env_or("BENCH_AP3000_FAST_PILES", 400), env_or("BENCH_AP3000_FAST_S", 15));
    let data = tempfile::tempdir().unwrap();
    let url = match std::env::var("BENCH_AP3000_DATABASE").as_deref() {
        Ok("postgres") => std::env::var("DATABASE_URL").expect("DATABASE_URL for BENCH_AP3000_DATABASE=postgres"),
        _ => format!("sqlite://{}/bench.db", data.path().display()),
    };
    let gateway = free_port();
    let env = [
        ("MGC_AP3000__LISTEN", gateway.as_str()),
        ("MGC_AP3000__ACCEPT_UNKNOWN", "true"),
        ("MGC_AP3000__MAX_CONNECTIONS", "50000"),
        ("MGC_AP3000__NEW_PER_IP_PER_SECOND", "100000"),
        ("RUST_LOG", "error"),
    ];
    let server = Server::start(&bin, &url, &env);
    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_kb(server.pid());
    println!(
        "bench-ap3000: {} on {}, cores {}",
        bin.display(),
        url.split(':').next().unwrap_or("?"),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // (a) connections held with 30 s heartbeats.
    let ramp_s = piles / ramp.max(1) + 1;
    let total = ramp_s + hold;
    let extra = ["--heartbeat".to_owned(), format!("{heartbeat}s")];
    let started = Instant::now();
    let sims = simulators(&bin, &gateway, piles, ramp, &extra, total);
    let mut peak = 0.0f64;
    let mut held_from = None;
    let mut frames_at_hold = 0.0;
    let mut peak_rss = 0;
    while started.elapsed() < Duration::from_secs(total.saturating_sub(3)) {
        std::thread::sleep(Duration::from_secs(2));
        let now = metric(&server.addr, "mgc_ap3000_connected_piles").unwrap_or(peak);
        peak = peak.max(now);
        peak_rss = peak_rss.max(rss_kb(server.pid()));
        if held_from.is_none() && started.elapsed() >= Duration::from_secs(ramp_s) {
            held_from = Some(Instant::now());
            frames_at_hold = metric(&server.addr, "mgc_ap3000_frames_total").unwrap_or(0.0);
        }
    }
    let frames_end = metric(&server.addr, "mgc_ap3000_frames_total").unwrap_or(0.0);
    let held_s = held_from.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let per_conn = if peak > 0.0 { (peak_rss.saturating_sub(idle)) as f64 * 1024.0 / peak } else { 0.0 };
    println!(
        "(a) piles held: peak {peak:.0} of {piles} (heartbeat {heartbeat} s); frames/s while holding {:.0} over {held_s:.0} s (offered ~{:.0}/s); RSS idle {} MiB, peak {} MiB, {:.1} KiB per connection",
        (frames_end - frames_at_hold) / held_s.max(1.0),
        piles as f64 / heartbeat as f64,
        idle / 1024,
        peak_rss / 1024,
        per_conn / 1024.0
    );
    finish(sims);

    // (b) throughput with fast heartbeats.
    std::thread::sleep(Duration::from_secs(2));
    let before = metric(&server.addr, "mgc_ap3000_frames_total").unwrap_or(0.0);
    let t = Instant::now();
    let extra = ["--heartbeat".to_owned(), "50ms".to_owned()];
    let sims = simulators(&bin, &gateway, fast_piles, 10_000, &extra, fast_s);
    finish(sims);
    let after = metric(&server.addr, "mgc_ap3000_frames_total").unwrap_or(0.0);
    println!(
        "(b) throughput: {fast_piles} piles heartbeating every 50 ms (offered {:.0}/s): {:.0} frames/s processed over {:.1} s",
        fast_piles as f64 * 20.0,
        (after - before) / t.elapsed().as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
}
