//! `just bench-ingest`: telemetry ingest throughput of the release `mgc serve` on PostgreSQL,
//! beside a baseline measured in the same run on the same database (a raw `COPY` into
//! `telemetry_points` through psql), so the figures compare across machines.
//!
//! The HTTP traffic is the simulator's (`mgc simulate thingsboard --json`), signed like
//! production traffic. Three figures:
//! (a) baseline: `\copy` of BENCH_POINTS generated points into `telemetry_points`;
//! (b) large batches: the same number of points in canonical batches of BENCH_BATCH_POINTS,
//!     BENCH_BATCH_CLIENTS clients, through `mgc serve`;
//! (c) ThingsBoard-style small requests: BENCH_REQUESTS flat requests of 5 points,
//!     BENCH_CLIENTS clients.
//!
//! Needs `cargo build --release -p mgc-server` first and PostgreSQL (binaries for a throwaway
//! cluster, or `MGC_TEST_POSTGRES_URL`), plus `psql`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod server;

use serde_json::{json, Value};
use server::{admin_token, env_or, http_post, mgc_binary, Server, TENANT};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const DEVICE_PREFIX: &str = "bench-dev-";
/// Keys of the baseline's rows (the simulator's first five keys).
const BASELINE_KEYS: [&str; 5] = ["active_power_w", "energy_import_wh", "soc_pct", "voltage_v", "temperature_c"];

/// Provisions one station with `devices` meters; returns their ids.
fn provision(server: &Server, token: &str, devices: u64) -> Vec<String> {
    let specs: Vec<Value> =
        (1..=devices).map(|n| json!({"name": format!("{DEVICE_PREFIX}{n}"), "kind": "meter"})).collect();
    let body = json!({"code": "bench-1", "name": "Ingest bench", "time_zone": "UTC", "devices": specs});
    let (status, answer) = http_post(&server.addr, "/api/v1/provisioning/stations", token, &body);
    assert_eq!(status, 200, "provisioning failed: {answer}");
    answer["devices"].as_array().expect("devices").iter().map(|d| d["id"].as_str().expect("id").to_owned()).collect()
}

/// Creates an integration; returns (id, secret).
fn integration(server: &Server, token: &str) -> (String, String) {
    let (status, answer) = http_post(&server.addr, "/api/v1/integrations", token, &json!({"name": "bench"}));
    assert_eq!(status, 201, "integration creation failed: {answer}");
    (answer["id"].as_str().expect("id").to_owned(), answer["secret"].as_str().expect("secret").to_owned())
}

fn psql() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("psql")).find(|c| c.is_file()))
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.path().join("bin/psql")).filter(|c| c.is_file()).collect())
        .unwrap_or_default();
    debian.sort();
    on_path.or_else(|| debian.pop()).expect("psql not found on PATH nor in /usr/lib/postgresql/*/bin")
}

/// (a) `\copy` of `n` points of the provisioned devices (in 2021, far from the simulator's
/// timestamps); returns points/s of the psql run alone.
fn baseline_copy(database_url: &str, devices: &[String], n: u64, dir: &Path) -> f64 {
    let file = dir.join("baseline.csv");
    let mut csv = std::io::BufWriter::new(std::fs::File::create(&file).expect("csv file"));
    let start = chrono::DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z").expect("date").timestamp_millis();
    let received = chrono::Utc::now().to_rfc3339();
    let per_row = (devices.len() * BASELINE_KEYS.len()) as u64;
    for i in 0..n {
        let row = i / per_row;
        let device = &devices[(i % per_row) as usize / BASELINE_KEYS.len()];
        let key = BASELINE_KEYS[(i % BASELINE_KEYS.len() as u64) as usize];
        let ts = chrono::DateTime::from_timestamp_millis(start + row as i64 * 1000).expect("ts").to_rfc3339();
        let v = (i % 10_000) as f64 / 10.0;
        writeln!(
            csv,
            "{TENANT},{device},{key},{ts},{v},\"{{\"\"type\"\":\"\"number\"\",\"\"value\"\":{v}}}\",{key},{received}"
        )
        .expect("write csv");
    }
    csv.flush().expect("flush csv");
    drop(csv);
    let copy = format!("\\copy telemetry_points FROM '{}' WITH (FORMAT csv)", file.display());
    let started = Instant::now();
    let out = Command::new(psql())
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_url, "-c", &copy])
        .output()
        .expect("run psql");
    let elapsed = started.elapsed();
    assert!(out.status.success(), "psql \\copy failed: {}", String::from_utf8_lossy(&out.stderr));
    n as f64 / elapsed.as_secs_f64()
}

/// The cluster's fsync and synchronous_commit settings, which decide what a commit costs.
fn durability(database_url: &str) -> String {
    let out = Command::new(psql())
        .args(["-X", "-A", "-t", "-d", database_url, "-c", "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')"])
        .output()
        .expect("run psql");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Runs `mgc simulate thingsboard ... --json` and returns its summary.
fn simulate(bin: &Path, server: &Server, ing: &(String, String), devices: u64, extra: &[String]) -> Value {
    let out = Command::new(bin)
        .args(["simulate", "thingsboard", "--url", &format!("http://{}", server.addr)])
        .args(["--integration", &ing.0, "--devices", &devices.to_string(), "--device-prefix", DEVICE_PREFIX])
        .args(["--rate", "0", "--json"])
        .args(extra)
        .env("MGC_SIM_SECRET", &ing.1)
        .output()
        .expect("run mgc simulate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout.lines().rev().find_map(|l| serde_json::from_str::<Value>(l).ok());
    let Some(summary) = summary else {
        panic!(
            "mgc simulate gave no summary ({}):\n{}\n--- server log ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            server.log()
        );
    };
    if !out.status.success() {
        eprintln!("note: mgc simulate: {}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default());
    }
    summary
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(0.0)
}

fn outcome(v: &Value) -> String {
    let failed = v["failed"].as_u64().unwrap_or(0);
    let mut s = format!("{} new, {} duplicate", v["new"], v["duplicate"]);
    if failed > 0 {
        s.push_str(&format!(", {failed} FAILED {} {}", v["by_status"], v["examples"]));
    }
    s
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

fn main() {
    let points = env_or("BENCH_POINTS", 100_000);
    let batch = env_or("BENCH_BATCH_POINTS", 1000);
    let batch_clients = env_or("BENCH_BATCH_CLIENTS", 4);
    let requests = env_or("BENCH_REQUESTS", 20_000);
    let clients = env_or("BENCH_CLIENTS", 64);
    let devices = env_or("BENCH_DEVICES", 20);

    let bin = mgc_binary();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let db = runtime.block_on(mgc_tests::postgres_database()).expect(
        "the ingest bench needs PostgreSQL: install its binaries (initdb, pg_ctl; apt-get install postgresql) \
         or set MGC_TEST_POSTGRES_URL",
    );
    let server = Server::start(&bin, &db.url, &[]);
    let token = admin_token(&bin, &server);
    let device_ids = provision(&server, &token, devices);
    let ing = integration(&server, &token);
    println!("ingest bench: mgc serve (release) on PostgreSQL at {}, {devices} devices", server.addr);
    println!("cluster settings: {} (both the baseline and mgc run against them)", durability(&db.url));

    let baseline = baseline_copy(&db.url, &device_ids, points, server.data_dir.path());
    println!("(a) baseline  psql \\copy of {points} points into telemetry_points: {baseline:>10.0} points/s");

    let batch_requests = points.div_ceil(batch);
    let b = simulate(
        &bin,
        &server,
        &ing,
        devices,
        &[
            "--shape".into(),
            "canonical".into(),
            "--points-per-request".into(),
            batch.to_string(),
            "--concurrency".into(),
            batch_clients.to_string(),
            "--requests".into(),
            batch_requests.to_string(),
        ],
    );
    let b_rate = f(&b, "points_per_s");
    let ratio = b_rate / baseline;
    println!(
        "(b) batches   {batch_requests} signed requests x {batch} points, {batch_clients} clients: {b_rate:>10.0} points/s \
         = {ratio:.2}x baseline, p50 {:.1} ms, p99 {:.1} ms ({})",
        f(&b, "p50_ms"),
        f(&b, "p99_ms"),
        outcome(&b)
    );

    let c = simulate(
        &bin,
        &server,
        &ing,
        devices,
        &[
            "--shape".into(),
            "flat".into(),
            "--points-per-request".into(),
            "5".into(),
            "--concurrency".into(),
            clients.to_string(),
            "--requests".into(),
            requests.to_string(),
        ],
    );
    let c_rate = f(&c, "requests_per_s");
    println!(
        "(c) small     {requests} flat requests x 5 points, {clients} clients: {c_rate:>10.0} requests/s, {:.0} points/s, \
         p50 {:.1} ms, p99 {:.1} ms ({})",
        f(&c, "points_per_s"),
        f(&c, "p50_ms"),
        f(&c, "p99_ms"),
        outcome(&c)
    );
    println!(
        "goals: (b) >= 0.60x baseline: {}; (b) >= 100000 points/s: {}; (c) >= 10000 requests/s: {}",
        verdict(ratio >= 0.6),
        verdict(b_rate >= 100_000.0),
        verdict(c_rate >= 10_000.0)
    );
    drop(server);
}
