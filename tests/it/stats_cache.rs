//! The stats answer cache through the router on both backends: a repeated read is served from
//! memory (a row changed behind the store's back does not show), a statistic written through
//! the real path (late data, window close) makes the next read fresh, and a cached answer never
//! reaches a caller whose scope or tenant could not read it.

use crate::analytics_support::*;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use mgc_iam::Role;
use mgc_tests::{all_databases, Backend, TestDatabase};
use serde_json::Value;

fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap()
}

const DAY: &str = "granularity=hour&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z";

/// Sets every stored hour's grid import to `wh` behind the store's back (no revision bump).
async fn tamper(db: &TestDatabase, wh: i64) {
    let sql = "UPDATE stat_station SET grid_import_wh = $1 WHERE tenant_id = 'acme' AND granularity = 'hour'";
    if db.backend == Backend::Sqlite {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(wh).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query(sql).bind(wh).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// A site with one closed day of 4 kW import (hours 00-23 of 2026-03-01).
async fn closed_day(db: &TestDatabase, code: &str) -> Site {
    let app = TestApp::new(db).await;
    app.clock.set(utc(2, 0, 10));
    let s = site(app, code, "UTC").await;
    post_minutes(&s, code, utc(1, 0, 0), utc(2, 0, 0), 4.0, 1500.0).await;
    s.app.pump().await;
    s.app.analytics_round().await;
    s
}

fn column(page: &Value, name: &str) -> Vec<i64> {
    page["columns"][name].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect()
}

#[tokio::test]
async fn given_a_cached_day_when_late_data_closes_a_new_version_then_the_next_read_has_the_new_figures() {
    for db in all_databases().await {
        let b = db.backend.to_string();
        let s = closed_day(&db, "cache").await;
        let compact = format!("{DAY}&format=compact");
        let first = stats(&s, &s.admin, &compact).await;
        let objects = stats(&s, &s.admin, DAY).await;
        let imported = column(&first, "grid_import_wh");
        assert_eq!(imported.len(), 24, "{b}: {first}");
        assert!(imported.iter().all(|wh| *wh > 0 && *wh != 777), "{b}: {imported:?}");

        // Rows changed without a statistics write: both forms are answered from memory, unchanged.
        tamper(&db, 777).await;
        assert_eq!(stats(&s, &s.admin, &compact).await, first, "{b}: a repeat is served from the cache");
        assert_eq!(stats(&s, &s.admin, DAY).await, objects, "{b}: the object form too");

        // Late data for hour 10 makes new versions through the real path (ingest, close).
        post_minutes(&s, "cache", utc(1, 10, 0), utc(1, 10, 29), 8.0, 1500.0).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        let after = column(&stats(&s, &s.admin, &compact).await, "grid_import_wh");
        assert!(after[10] > imported[10] && after[10] != 777, "{b}: hour 10 has the late data: {after:?}");
        assert_eq!(after[0], 777, "{b}: the rows were read again (the tampered hour shows): {after:?}");
        let objects_after = stats(&s, &s.admin, DAY).await;
        assert_eq!(energy(&objects_after, "grid_import_wh"), after, "{b}: the object form is fresh too");
    }
}

#[tokio::test]
async fn given_a_cached_answer_when_another_station_scope_or_tenant_asks_then_it_is_refused_as_without_a_cache() {
    for db in all_databases().await {
        let b = db.backend.to_string();
        let s = closed_day(&db, "scope").await;
        let cached = stats(&s, &s.admin, DAY).await;
        tamper(&db, 777).await;
        let path = format!("/api/v1/stats?station_id={}&{DAY}", s.station);
        let other_station = uuid::Uuid::new_v4().to_string();
        let refused = [
            ("a viewer scoped to another station", s.app.bearer_for_stations("acme", Role::Viewer, &[&other_station])),
            ("an admin of another tenant", s.app.bearer("globex", Role::Admin)),
        ];
        for (who, token) in refused {
            let (status, body) = s.app.call(Method::GET, &path, Some(&token), None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{b}: {who}: {body}");
            assert!(body.get("items").is_none(), "{b}: {who} got the cached page: {body}");
        }
        // A viewer scoped to the station may read it, and gets the same (cached) answer.
        let viewer = s.app.bearer_for_stations("acme", Role::Viewer, &[&s.station]);
        assert_eq!(stats(&s, &viewer, DAY).await, cached, "{b}");
    }
}

#[tokio::test]
async fn given_the_cache_turned_off_when_rows_change_then_every_read_sees_them() {
    for db in all_databases().await {
        let b = db.backend.to_string();
        let config = mgc_api::ApiConfig { stats_cache_bytes: 0, ..mgc_api::ApiConfig::default() };
        let app = TestApp::with_config(&db, config).await;
        app.clock.set(utc(2, 0, 10));
        let s = site(app, "off", "UTC").await;
        post_minutes(&s, "off", utc(1, 0, 0), utc(1, 3, 0), 4.0, 1500.0).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        let before = energy(&stats(&s, &s.admin, DAY).await, "grid_import_wh");
        assert!(!before.is_empty() && !before.contains(&777), "{b}: {before:?}");
        tamper(&db, 777).await;
        let after = energy(&stats(&s, &s.admin, DAY).await, "grid_import_wh");
        assert!(after.iter().all(|wh| *wh == 777), "{b}: read from the rows: {after:?}");
    }
}

#[tokio::test]
async fn the_cache_metrics_are_described_and_count_hits() {
    let dbs = all_databases().await;
    let s = closed_day(&dbs[0], "metrics").await;
    let hits = |text: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with("mgc_stats_cache_requests_total{result=\"hit\"}"));
        line.and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    let scrape = || async {
        let req = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap();
        let (status, _, body) = s.app.send_raw(req).await;
        assert_eq!(status, StatusCode::OK);
        String::from_utf8(body).unwrap()
    };
    let before = hits(&scrape().await);
    stats(&s, &s.admin, DAY).await;
    stats(&s, &s.admin, DAY).await;
    let text = scrape().await;
    assert!(text.contains("# HELP mgc_stats_cache_requests_total "), "{text}");
    assert!(text.contains("# HELP mgc_stats_cache_bytes "), "{text}");
    assert!(hits(&text) >= before + 1.0, "the second read was a hit: {before} then {}", hits(&text));
}
