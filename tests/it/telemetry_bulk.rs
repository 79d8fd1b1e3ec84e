//! Large batches take the bulk paths (PostgreSQL `COPY` in a savepoint, SQLite multi-row
//! statements): values round-trip exactly, and a batch touching stored keys falls back to the
//! upsert path with exact counts, on both backends.

use crate::support::{store, t0, tenant};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::PageRequest;
use mgc_kernel::DeviceId;
use mgc_telemetry::domain::repository::{PointQuery, TelemetryQueries};
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::{record_batches, BatchInput, BatchReport, RawValue};
use mgc_tests::all_databases;
use serde_json::json;

/// 400 points of one device (above the COPY threshold): numbers, then text and JSON with characters COPY must escape.
fn batch(device: DeviceId, value_shift: f64) -> Vec<StoredPoint> {
    let mut points: Vec<StoredPoint> = (0..397)
        .map(|i| {
            let v = f64::from(i) * 0.1 + value_shift;
            StoredPoint {
                device_id: device,
                point: "active_power_w".into(),
                ts: t0() + chrono::Duration::seconds(i64::from(i)),
                num_value: Some(v),
                value: RawValue::Number(v),
                raw_key: "P".into(),
            }
        })
        .collect();
    let odd = [
        ("status\ttext", RawValue::Text("line1\nline2\\end\r ✓".into())),
        ("config", RawValue::Json(json!({"a\tb": ["x\\y", 1.5e-7, null]}))),
        ("tiny", RawValue::Number(1e-300)),
    ];
    for (key, value) in odd {
        let num_value = match &value {
            RawValue::Number(n) => Some(*n),
            _ => None,
        };
        points.push(StoredPoint {
            device_id: device,
            point: key.into(),
            ts: t0(),
            num_value,
            value,
            raw_key: key.into(),
        });
    }
    points
}

async fn record(store: &mgc_store::Store, points: Vec<StoredPoint>) -> BatchReport {
    let input = BatchInput { tenant: tenant("acme"), points, unrouted: vec![], received_at: t0() };
    let mut uow = store.begin().await.unwrap();
    let mut reports = record_batches(&mut uow, &[&input]).await.unwrap();
    uow.commit().await.unwrap();
    reports.remove(0)
}

#[tokio::test]
async fn large_batches_round_trip_exactly_and_fall_back_when_keys_exist() {
    for db in all_databases().await {
        let store = store(&db).await;
        let d = DeviceId::new();
        let first = record(&store, batch(d, 0.0)).await;
        assert_eq!((first.stored.new, first.stored.duplicate), (400, 0), "{}", db.backend);

        let q = PointQuery {
            device_id: d,
            point: None,
            from: t0() - chrono::Duration::days(1),
            to: t0() + chrono::Duration::days(1),
        };
        let stored = store.list_points(&tenant("acme"), &q, &PageRequest { limit: 500, cursor: None }).await.unwrap();
        assert_eq!(stored.items.len(), 400, "{}", db.backend);
        for p in batch(d, 0.0) {
            let row = stored.items.iter().find(|r| r.point == p.point && r.ts == p.ts).unwrap();
            assert_eq!((&row.value, row.num_value), (&p.value, p.num_value), "{}: {}", db.backend, p.point);
        }

        // Same batch again: all duplicates, nothing news.
        let again = record(&store, batch(d, 0.0)).await;
        assert_eq!((again.stored.new, again.stored.duplicate, again.event), (0, 400, false), "{}", db.backend);
        // Stored keys with changed values plus one new key: the upsert path counts exactly.
        let mut changed = batch(d, 1.0);
        changed.truncate(397);
        changed[5] = batch(d, 0.0).swap_remove(5);
        changed.push(StoredPoint { ts: t0() + chrono::Duration::hours(1), ..changed[0].clone() });
        let mixed = record(&store, changed).await;
        assert_eq!((mixed.stored.new, mixed.stored.changed, mixed.stored.duplicate), (1, 396, 1), "{}", db.backend);
    }
}
