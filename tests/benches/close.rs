//! `just bench-close`: closing a day of statistics on PostgreSQL for BENCH_STATIONS stations
//! (default 1,000) with one day of 1-minute data each (a meter and a PV inverter), and the
//! stats query of one year of hourly data for a station.
//!
//! Figures, each measured in this run on the same database:
//! * baseline: one SQL pass that groups the same raw points by device, point and hour;
//! * close: one analytics scheduler round that closes every hour and day (statistics,
//!   device-point figures, versions, outbox events) — the ratio is close time / baseline time;
//! * settle: delivering the outbox events to every production consumer (settlement prices the
//!   day events);
//! * query: p50/p95 of `GET /api/v1/stats` granularity=hour over a year (8,760 rows) as the
//!   handler runs it (store query + JSON), BENCH_QUERIES times (default 200).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_analytics::app::scheduler::run_round;
use mgc_analytics::domain::repository::StatsQuery;
use mgc_analytics::{AnalyticsConfig, AnalyticsQueries};
use mgc_api::ApiConfig;
use mgc_eventing::{Dispatcher, DispatcherConfig};
use mgc_kernel::{Granularity, StationId, SystemClock, TenantId, Window};
use mgc_store::{Store, StoreOptions};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const TENANT: &str = "bench";

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn day() -> (DateTime<Utc>, DateTime<Utc>) {
    // Local day 2026-03-01 in Asia/Shanghai.
    (Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap(), Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap())
}

async fn seed(pool: &sqlx::PgPool, stations: usize) -> Vec<Uuid> {
    let (start, _) = day();
    let ids: Vec<Uuid> = (0..stations).map(|_| Uuid::now_v7()).collect();
    let codes: Vec<String> = (0..stations).map(|i| format!("st-{i:05}")).collect();
    sqlx::query(
        "INSERT INTO stations (id, tenant_id, code, name, time_zone, created_at, updated_at)
         SELECT id, $2, code, code, 'Asia/Shanghai', now(), now() FROM UNNEST($1::uuid[], $3::text[]) AS s(id, code)",
    )
    .bind(&ids)
    .bind(TENANT)
    .bind(&codes)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO devices (id, tenant_id, station_id, kind, name, protocol, created_at, updated_at)
         SELECT gen_random_uuid(), $1, s.id, k.kind, s.code || '-' || k.kind, 'thingsboard', now(), now()
         FROM stations s, (VALUES ('meter'), ('pv_inverter')) AS k(kind) WHERE s.tenant_id = $1",
    )
    .bind(TENANT)
    .execute(pool)
    .await
    .unwrap();
    // Meter: 3 kW +- 2 kW over the day (imports and exports); PV: a midday hump.
    sqlx::query(
        "INSERT INTO telemetry_points (tenant_id, device_id, point, ts, num_value, value, raw_key, received_at)
         SELECT $1, d.id, p.point, $2 + m * interval '1 minute', p.v, to_jsonb(p.v), p.point, now()
         FROM devices d CROSS JOIN generate_series(0, 1440) AS m
         CROSS JOIN LATERAL (SELECT CASE d.kind WHEN 'meter' THEN 'active_power_w' ELSE 'pv_power_w' END AS point,
              CASE d.kind WHEN 'meter' THEN 1000 + 4000 * sin(m / 229.0)
                   ELSE greatest(0, 5000 * sin((m - 360) / 229.0)) END::float8 AS v) AS p
         WHERE d.tenant_id = $1",
    )
    .bind(TENANT)
    .bind(start)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO telemetry_latest (tenant_id, device_id, point, ts, num_value, value)
         SELECT DISTINCT ON (device_id, point) tenant_id, device_id, point, ts, num_value, value
         FROM telemetry_points WHERE tenant_id = $1 ORDER BY device_id, point, ts DESC",
    )
    .bind(TENANT)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO analytics_cursors (station_id, tenant_id, time_zone, tracked_from, closed_until, updated_at)
         SELECT id, tenant_id, time_zone, $2, $2, now() FROM stations WHERE tenant_id = $1",
    )
    .bind(TENANT)
    .bind(start)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    ids
}

async fn baseline(pool: &sqlx::PgPool) -> f64 {
    let started = Instant::now();
    sqlx::query(
        "CREATE TEMP TABLE bench_baseline AS SELECT d.station_id, t.device_id, t.point, date_trunc('hour', t.ts) AS hour,
         count(*), min(t.num_value), max(t.num_value), avg(t.num_value)
         FROM telemetry_points t JOIN devices d ON d.id = t.device_id WHERE t.tenant_id = $1 GROUP BY 1, 2, 3, 4",
    )
    .bind(TENANT)
    .execute(pool)
    .await
    .unwrap();
    started.elapsed().as_secs_f64()
}

async fn seed_year(pool: &sqlx::PgPool, station: Uuid) -> Window {
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    sqlx::query(
        "INSERT INTO stat_station (station_id, granularity, period_start, version, tenant_id, period_end, period, is_current,
           grid_import_wh, grid_export_wh, pv_generation_wh, battery_charge_wh, battery_discharge_wh, load_wh, charging_wh,
           coverage, quality, slots, sources, calculated_at)
         SELECT $1, 'hour', $3 + h * interval '1 hour', 1, $2, $3 + (h + 1) * interval '1 hour',
           to_char($3 + h * interval '1 hour', 'YYYY-MM-DD\"T\"HH24'), true, 4000 + h % 7, h % 3, 2000, 0, 0, 0, 0,
           1.0, NULL, '[]'::jsonb, '[]'::jsonb, now()
         FROM generate_series(0, 8759) AS h",
    )
    .bind(station)
    .bind(TENANT)
    .bind(start)
    .execute(pool)
    .await
    .unwrap();
    Window { start, end: start + Duration::hours(8760) }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let stations = env_or("BENCH_STATIONS", 1000);
    let queries = env_or("BENCH_QUERIES", 200);
    let db =
        mgc_tests::postgres_database().await.expect("bench-close needs PostgreSQL (binaries or MGC_TEST_POSTGRES_URL)");
    let store = Store::connect(&db.url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let seeded = Instant::now();
    let ids = seed(&pool, stations).await;
    let points: i64 = sqlx::query_scalar("SELECT count(*) FROM telemetry_points").fetch_one(&pool).await.unwrap();
    println!("bench-close: PostgreSQL, {stations} stations x 2 devices x 1 day of 1-minute data = {points} points (seeded in {:.1} s)", seeded.elapsed().as_secs_f64());

    let base = baseline(&pool).await;
    println!("  baseline  SQL pass grouping every point by device/point/hour: {base:.2} s");

    let config = AnalyticsConfig {
        concurrency: env_or("BENCH_CONCURRENCY", AnalyticsConfig::default().concurrency),
        ..AnalyticsConfig::default()
    };
    let (_, end) = day();
    // As in `mgc serve`: the scheduler round and the outbox dispatcher run at the same time;
    // the day is settled when the round is done and the outbox has nothing left.
    let mut dispatcher = Dispatcher::new(
        Arc::new(store.clone()),
        SystemClock::shared(),
        DispatcherConfig { batch_size: 500, ..DispatcherConfig::default() },
    );
    mgc_server::composition::register_consumers(&mut dispatcher, &ApiConfig::default(), &SystemClock::shared());
    let round_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Instant::now();
    let pump = {
        let round_done = round_done.clone();
        tokio::spawn(async move {
            let mut delivered = 0;
            loop {
                let finished = round_done.load(std::sync::atomic::Ordering::SeqCst);
                let tick = dispatcher.tick().await.unwrap();
                delivered += tick.delivered;
                if tick.claimed == 0 {
                    if finished {
                        return delivered;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
        })
    };
    let round = run_round(&store, end + Duration::minutes(6), &config).await.unwrap();
    let close = started.elapsed().as_secs_f64();
    round_done.store(true, std::sync::atomic::Ordering::SeqCst);
    let delivered = pump.await.unwrap();
    let total = started.elapsed().as_secs_f64();
    assert!(round.errors.is_empty(), "{:?}", round.errors);
    assert_eq!(round.saved.hours_saved as usize, stations * 24);
    assert_eq!(round.saved.days_saved as usize, stations);
    let settled: i64 = sqlx::query_scalar("SELECT count(*) FROM settlements").fetch_one(&pool).await.unwrap();
    assert_eq!(settled as usize, stations, "every day settled");
    println!(
        "  close     {} hours + {} days closed in {close:.2} s = {:.0} station-hours/s ({:.1}x baseline)",
        round.saved.hours_saved,
        round.saved.days_saved,
        round.saved.hours_saved as f64 / close,
        close / base
    );
    println!(
        "  settle    {delivered} events delivered meanwhile; {settled} days settled {:.2} s after the round",
        total - close
    );
    println!("  total     close and settle all days: {total:.2} s (goal <= 10 s)");

    let tenant = TenantId::parse(TENANT).unwrap();
    let range = seed_year(&pool, ids[0]).await;
    let q = StatsQuery {
        station: StationId::from_uuid(ids[0]),
        granularity: Granularity::Hour,
        range,
        device: None,
        point: None,
        all_versions: false,
    };
    let mut times = Vec::with_capacity(queries);
    let mut db_times = Vec::with_capacity(queries);
    let mut bytes = 0;
    for _ in 0..queries {
        let started = Instant::now();
        let rows = store.station_stats(&tenant, &q).await.unwrap();
        db_times.push(started.elapsed().as_secs_f64() * 1000.0);
        bytes = serde_json::to_vec(&rows).unwrap().len();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(rows.len(), 8760);
    }
    times.sort_by(f64::total_cmp);
    db_times.sort_by(f64::total_cmp);
    println!(
        "  query     store part only: p50 {:.1} ms, p95 {:.1} ms",
        percentile(&db_times, 0.5),
        percentile(&db_times, 0.95)
    );
    println!(
        "  query     a year of hourly station stats (8,760 rows, {} KiB JSON), {queries} runs: p50 {:.1} ms, p95 {:.1} ms (goal p95 <= 20 ms)",
        bytes / 1024,
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
}
