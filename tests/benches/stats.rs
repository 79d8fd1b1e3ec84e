//! `just bench-stats`: a year of hourly station statistics (366 days = 8,784 rows of one
//! station) read through the release `mgc serve`, on PostgreSQL and on SQLite.
//!
//! Figures per database, each BENCH_STATS_QUERIES times (default 200) after a warm-up, p50/p95:
//! * baseline: the same rows fetched with a raw SQL `SELECT` of the listed columns over sqlx
//!   from the bench process (no mapping, no JSON, no HTTP): what the database alone costs;
//! * json: `GET /api/v1/stats?granularity=hour` over the year (the normal object per window);
//! * compact: the same with `format=compact` (column arrays);
//! * cached json / cached compact: the same URL asked again, answered from the server's stats
//!   cache (one read of the station's statistics revision, no rows).
//!
//! The json and compact rows are cache misses: each request's `to` is a different second of the
//! year's last hour (the same 8,784 windows, a different cache key), so they measure a first
//! read, as before the cache existed.
//!
//! The goal is p95 <= 20 ms for the year. Needs `cargo build --release -p mgc-server` first and
//! PostgreSQL (binaries for a throwaway cluster, or `MGC_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/server.rs"]
mod server;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use server::{admin_token, env_or, http_get_raw, http_post, mgc_binary, Server, TENANT};
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

const HOURS: i64 = 366 * 24;
const COLUMNS: &str = "period_start, version, period_end, period, is_current, grid_import_wh, grid_export_wh, \
    pv_generation_wh, battery_charge_wh, battery_discharge_wh, load_wh, charging_wh, coverage, quality, calculated_at";

fn year_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
}

/// One INSERT of `rows` hourly rows starting at hour `first`.
fn insert_sql(rows: usize) -> String {
    let per_row = 20;
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=per_row).map(|c| format!("${}", r * per_row + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO stat_station (station_id, granularity, period_start, version, tenant_id, period_end, period,
           is_current, grid_import_wh, grid_export_wh, pv_generation_wh, battery_charge_wh, battery_discharge_wh, load_wh,
           charging_wh, coverage, quality, sources, calculated_at, slots) VALUES {}",
        values.join(", ")
    )
}

/// Four 15-minute slots, as wide as the ones the close writes.
fn slots(start: DateTime<Utc>) -> Value {
    let s: Vec<Value> = (0..4)
        .map(|q| json!({"start": start + Duration::minutes(15 * q), "grid_import_wh": 1000 + q, "grid_export_wh": 0,
            "pv_generation_wh": 500, "battery_charge_wh": 0, "battery_discharge_wh": 0, "load_wh": 1500, "charging_wh": 0}))
        .collect();
    Value::Array(s)
}

macro_rules! seed_rows {
    ($pool:expr, $station:expr) => {{
        let calculated = Utc::now();
        let mut tx = $pool.begin().await.unwrap();
        for chunk in (0..HOURS).collect::<Vec<_>>().chunks(400) {
            let sql = insert_sql(chunk.len());
            let mut q = sqlx::query(&sql);
            for &h in chunk {
                let start = year_start() + Duration::hours(h);
                let quality = (h % 97 == 0).then_some("gap of 12 min in meter-1");
                q = q
                    .bind($station)
                    .bind("hour")
                    .bind(start)
                    .bind(1_i64)
                    .bind(TENANT)
                    .bind(start + Duration::hours(1))
                    .bind(start.format("%Y-%m-%dT%H").to_string())
                    .bind(true)
                    .bind(4000 + h % 7)
                    .bind(h % 3)
                    .bind(2000_i64)
                    .bind(0_i64)
                    .bind(0_i64)
                    .bind(6000 + h % 11)
                    .bind(0_i64)
                    .bind(if quality.is_some() { 0.8 } else { 1.0 })
                    .bind(quality)
                    .bind(sqlx::types::Json(Value::Array(Vec::new())))
                    .bind(calculated)
                    .bind(sqlx::types::Json(slots(start)));
            }
            q.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }};
}

macro_rules! baseline_rows {
    ($pool:expr, $station:expr) => {{
        let sql = format!(
            "SELECT {COLUMNS} FROM stat_station WHERE station_id = $1 AND granularity = 'hour' AND period_start >= $2
             AND period_start < $3 AND is_current AND tenant_id = $4 ORDER BY period_start"
        );
        let started = Instant::now();
        let rows = sqlx::query(&sql)
            .bind($station)
            .bind(year_start())
            .bind(year_start() + Duration::hours(HOURS))
            .bind(TENANT)
            .fetch_all($pool)
            .await
            .unwrap();
        assert_eq!(rows.len() as i64, HOURS);
        started.elapsed().as_secs_f64() * 1000.0
    }};
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// p50 and p95 of `runs` timings of `f` (after 5 unmeasured runs).
fn measure(runs: u64, mut f: impl FnMut() -> f64) -> (f64, f64) {
    for _ in 0..5 {
        f();
    }
    let mut times: Vec<f64> = (0..runs).map(|_| f()).collect();
    times.sort_by(f64::total_cmp);
    (percentile(&times, 0.5), percentile(&times, 0.95))
}

/// The path of the year; `extra_secs` past its end (below an hour) changes the cache key only.
fn year_path(station: &str, format: &str, extra_secs: i64) -> String {
    format!(
        "/api/v1/stats?station_id={station}&granularity=hour&from={}&to={}{format}",
        year_start().format("%Y-%m-%dT%H:%M:%SZ"),
        (year_start() + Duration::hours(HOURS) + Duration::seconds(extra_secs)).format("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// Times one GET of the year; `fresh` makes it a cache miss (a key not asked before).
fn get_year(server: &Server, token: &str, station: &str, format: &str, fresh: bool) -> (f64, usize) {
    static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
    let extra = if fresh { NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 3600 } else { 0 };
    let path = year_path(station, format, extra);
    let started = Instant::now();
    let (status, body) = http_get_raw(&server.addr, &path, token);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(status, 200, "GET {path}: {}", String::from_utf8_lossy(&body));
    (ms, body.len())
}

fn check_complete(server: &Server, token: &str, station: &str) {
    let (_, body) = http_get_raw(&server.addr, &year_path(station, "", 0), token);
    let page: Value = serde_json::from_slice(&body).expect("JSON page");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(HOURS as usize), "a year of hours");
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn run(bin: &Path, runtime: &tokio::runtime::Runtime, label: &str, url: &str, runs: u64) {
    let server = Server::start(bin, url, &[]);
    let token = admin_token(bin, &server);
    let body = json!({"code": "stats-1", "name": "Stats bench", "time_zone": "UTC", "devices": []});
    let (status, answer) = http_post(&server.addr, "/api/v1/provisioning/stations", &token, &body);
    assert_eq!(status, 200, "provisioning failed: {answer}");
    let station = answer["station"]["id"].as_str().or(answer["id"].as_str()).expect("station id").to_owned();
    let station_uuid = Uuid::parse_str(&station).unwrap();
    let base = if url.starts_with("postgres") {
        let pool = runtime.block_on(sqlx::PgPool::connect(url)).unwrap();
        runtime.block_on(async {
            seed_rows!(pool, station_uuid);
            sqlx::query("ANALYZE stat_station").execute(&pool).await.unwrap();
        });
        measure(runs, || runtime.block_on(async { baseline_rows!(&pool, station_uuid) }))
    } else {
        let pool = runtime.block_on(sqlx::SqlitePool::connect(url)).unwrap();
        runtime.block_on(async {
            seed_rows!(pool, station_uuid);
            sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        });
        measure(runs, || runtime.block_on(async { baseline_rows!(&pool, station_uuid) }))
    };
    check_complete(&server, &token, &station);
    println!("{label}: {HOURS} hourly rows of one station, {runs} runs each, load {}", load());
    println!(
        "  baseline  raw SQL SELECT of the rows (sqlx, no mapping):  p50 {:6.1} ms, p95 {:6.1} ms",
        base.0, base.1
    );
    let mut bytes = 0;
    let json = measure(runs, || {
        let (ms, n) = get_year(&server, &token, &station, "", true);
        bytes = n;
        ms
    });
    println!(
        "  json      GET /api/v1/stats (objects, {:5} KiB):         p50 {:6.1} ms, p95 {:6.1} ms ({:.1}x baseline p95)",
        bytes / 1024,
        json.0,
        json.1,
        json.1 / base.1
    );
    let (status, _) = http_get_raw(&server.addr, &year_path(&station, "&format=compact", 0), &token);
    let compact = if status == 200 {
        let c = measure(runs, || {
            let (ms, n) = get_year(&server, &token, &station, "&format=compact", true);
            bytes = n;
            ms
        });
        println!(
            "  compact   GET /api/v1/stats&format=compact ({:5} KiB):   p50 {:6.1} ms, p95 {:6.1} ms ({:.1}x baseline p95)",
            bytes / 1024,
            c.0,
            c.1,
            c.1 / base.1
        );
        c.1
    } else {
        println!("  compact   format=compact not served by this binary ({status})");
        f64::INFINITY
    };
    let mut cached = [f64::INFINITY; 2];
    for (i, (name, format)) in [("json", ""), ("compact", "&format=compact")].into_iter().enumerate() {
        let c = measure(runs, || {
            let (ms, n) = get_year(&server, &token, &station, format, false);
            bytes = n;
            ms
        });
        println!(
            "  cached    {name:7} repeated, same revision ({:5} KiB):  p50 {:6.1} ms, p95 {:6.1} ms ({:.2}x baseline p95)",
            bytes / 1024,
            c.0,
            c.1,
            c.1 / base.1
        );
        cached[i] = c.1;
    }
    let met = |p95: f64| if p95 <= 20.0 { "met" } else { "NOT met" };
    println!(
        "  goal p95 <= 20 ms: json {}, compact {}, cached json {}, cached compact {}; load after {}",
        met(json.1),
        met(compact),
        met(cached[0]),
        met(cached[1]),
        load()
    );
    drop(server);
}

fn main() {
    let runs = env_or("BENCH_STATS_QUERIES", 200);
    let bin = mgc_binary();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let pg = runtime
        .block_on(mgc_tests::postgres_database())
        .expect("bench-stats needs PostgreSQL: install its binaries (initdb, pg_ctl) or set MGC_TEST_POSTGRES_URL");
    run(&bin, &runtime, "PostgreSQL", &pg.url, runs);
    let lite = runtime.block_on(mgc_tests::sqlite_database());
    run(&bin, &runtime, "SQLite", &lite.url, runs);
}
