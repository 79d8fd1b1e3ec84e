//! Telemetry storage housekeeping: PostgreSQL daily partitions, retention on both backends.

use crate::support::{store, tenant};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use mgc_kernel::page::PageRequest;
use mgc_kernel::DeviceId;
use mgc_telemetry::domain::repository::{PointQuery, TelemetryQueries};
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::{record_batch, RawValue};
use mgc_tests::{all_databases, postgres_database};

fn point(device: DeviceId, ts: chrono::DateTime<Utc>, v: f64) -> StoredPoint {
    StoredPoint {
        device_id: device,
        point: "active_power_w".into(),
        ts,
        num_value: Some(v),
        value: RawValue::Number(v),
        raw_key: "P".into(),
    }
}

fn all_time(device: DeviceId) -> PointQuery {
    PointQuery {
        device_id: device,
        point: None,
        from: Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap(),
    }
}

#[tokio::test]
async fn retention_removes_only_telemetry_older_than_the_cutoff() {
    for db in all_databases().await {
        let store = store(&db).await;
        let d = DeviceId::new();
        let day = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        store.ensure_telemetry_partitions(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), 0).await.unwrap();
        let points = vec![point(d, day - Duration::days(10), 1.0), point(d, day, 2.0)];
        record_batch(store.begin().await.unwrap(), &tenant("acme"), points, vec![], day).await.unwrap();
        assert_eq!(
            store.list_points(&tenant("acme"), &all_time(d), &PageRequest::first()).await.unwrap().items.len(),
            2
        );
        store.purge_telemetry_before(day - Duration::days(1)).await.unwrap();
        let left = store.list_points(&tenant("acme"), &all_time(d), &PageRequest::first()).await.unwrap().items;
        assert_eq!(left.len(), 1, "{}", db.backend);
        assert_eq!(left[0].ts, day, "{}: the recent point must stay", db.backend);
    }
}

#[tokio::test]
async fn postgres_points_land_in_daily_partitions_that_retention_drops_whole() {
    let Some(db) = postgres_database().await else { return };
    let store = store(&db).await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(store.ensure_telemetry_partitions(first, 2).await.unwrap(), 3);
    assert_eq!(store.ensure_telemetry_partitions(first, 2).await.unwrap(), 0, "partitions created twice");

    let d = DeviceId::new();
    let in_partition = Utc.with_ymd_and_hms(2026, 3, 2, 23, 59, 59).unwrap();
    let outside = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    record_batch(
        store.begin().await.unwrap(),
        &tenant("acme"),
        vec![point(d, in_partition, 1.0), point(d, outside, 2.0)],
        vec![],
        in_partition,
    )
    .await
    .unwrap();
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}")).fetch_one(&pool).await.unwrap() }
    };
    assert_eq!(count("telemetry_points_20260302").await, 1);
    assert_eq!(
        count("telemetry_points_default").await,
        1,
        "a point outside the created days goes to the default partition"
    );

    // Retention up to 2026-03-02 00:00 drops the partition of 03-01 and the old default rows.
    let dropped = store.purge_telemetry_before(Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()).await.unwrap();
    assert_eq!(dropped, 1);
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'telemetry_points_20260301')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(!exists);
    assert_eq!(count("telemetry_points_default").await, 0);
    assert_eq!(count("telemetry_points_20260302").await, 1, "the partition after the cutoff stays");
    pool.close().await;
}
