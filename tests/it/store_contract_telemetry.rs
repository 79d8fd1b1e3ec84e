//! Telemetry and analytics ports (`TelemetryRepository`, `TelemetryQueries`,
//! `AnalyticsRepository`, `AnalyticsQueries`): round trip, tenant isolation and not-found on
//! SQLite and PostgreSQL.

use crate::store_contract_masterdata::seed_site;
use crate::support::{store, t0, tenant};
use chrono::Duration;
use mgc_analytics::domain::tracking::StationCursor;
use mgc_analytics::{AnalyticsQueries, AnalyticsRepository};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::PageRequest;
use mgc_kernel::{DeviceId, JobId, StationId};
use mgc_telemetry::domain::repository::{PointQuery, TelemetryQueries, TelemetryRepository};
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::RawValue;
use mgc_tests::all_databases;

fn point(device: DeviceId, minute: i64, value: f64) -> StoredPoint {
    StoredPoint {
        device_id: device,
        point: "active_power_w".into(),
        ts: t0() + Duration::minutes(minute),
        num_value: Some(value),
        value: RawValue::Number(value),
        raw_key: "P".into(),
    }
}

#[tokio::test]
async fn telemetry_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let (s, d) = seed_site(&store, "acme", "s1").await;
        let points = [point(d.id, 0, 1500.0), point(d.id, 1, 1750.5)];
        let refs: Vec<&StoredPoint> = points.iter().collect();
        let mut tx = store.begin().await.unwrap();
        tx.store_points(&tenant("acme"), &refs, t0()).await.unwrap();
        // The latest read model takes one point per key (the application passes the last per key).
        tx.advance_latest(&tenant("acme"), &[&points[1]]).await.unwrap();
        tx.commit().await.unwrap();

        let q = PointQuery { device_id: d.id, point: None, from: t0(), to: t0() + Duration::hours(1) };
        let mut tx = store.begin().await.unwrap();
        let loaded = tx.device_points(&tenant("acme"), &q, 10).await.unwrap().unwrap();
        assert_eq!(loaded, points, "{b}: round trip");
        assert_eq!(tx.device_points(&tenant("other"), &q, 10).await.unwrap(), Some(vec![]), "{b}: foreign tenant");
        let nobody = PointQuery { device_id: DeviceId::new(), ..q.clone() };
        assert_eq!(tx.device_points(&tenant("acme"), &nobody, 10).await.unwrap(), Some(vec![]), "{b}: not found");
        // Removing through another tenant removes nothing.
        tx.remove_points(&tenant("other"), d.id, &[("active_power_w".into(), t0())]).await.unwrap();
        assert_eq!(tx.device_points(&tenant("acme"), &q, 10).await.unwrap().map(|v| v.len()), Some(2), "{b}");
        tx.commit().await.unwrap();

        let page = store.list_points(&tenant("acme"), &q, &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.len(), 2, "{b}");
        assert!(store.list_points(&tenant("other"), &q, &PageRequest::first()).await.unwrap().items.is_empty());
        let latest = store.latest_for_station(&tenant("acme"), s.id).await.unwrap();
        assert_eq!(latest.iter().map(|p| p.num_value).collect::<Vec<_>>(), [Some(1750.5)], "{b}: latest value");
        assert!(store.latest_for_station(&tenant("other"), s.id).await.unwrap().is_empty(), "{b}");
        assert!(store.latest_for_station(&tenant("acme"), StationId::new()).await.unwrap().is_empty(), "{b}");
    }
}

#[tokio::test]
async fn analytics_cursor_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let (s, d) = seed_site(&store, "acme", "s1").await;
        let cursor = StationCursor {
            tenant: tenant("acme"),
            station_id: s.id,
            tz: s.time_zone,
            tracked_from: t0(),
            closed_until: t0() + Duration::hours(2),
        };
        let mut tx = store.begin().await.unwrap();
        tx.save_cursor(&cursor, t0()).await.unwrap();
        assert_eq!(tx.cursor(&tenant("acme"), s.id).await.unwrap(), Some(cursor.clone()), "{b}: round trip");
        assert_eq!(tx.cursor(&tenant("other"), s.id).await.unwrap(), None, "{b}: foreign tenant");
        assert_eq!(tx.cursor(&tenant("acme"), StationId::new()).await.unwrap(), None, "{b}: not found");
        let stations = tx.stations_of(&tenant("acme"), &[d.id]).await.unwrap();
        assert_eq!(stations.iter().map(|x| x.1).collect::<Vec<_>>(), [s.id], "{b}");
        assert!(tx.stations_of(&tenant("other"), &[d.id]).await.unwrap().is_empty(), "{b}");
        assert_eq!(tx.station_devices(&tenant("acme"), s.id).await.unwrap().len(), 1, "{b}");
        assert!(tx.station_devices(&tenant("other"), s.id).await.unwrap().is_empty(), "{b}");
        tx.commit().await.unwrap();
        assert_eq!(store.job(&tenant("acme"), JobId::new()).await.unwrap(), None, "{b}: no such job");
    }
}
