//! Analytics bookkeeping in the store on both backends: the stored samples next to new ones, and
//! the counters' carried cycle highs (exact, replaced per hour).

use crate::analytics_support::site;
use crate::ingest_support::{device_id, post_signed};
use crate::support::{tenant, TestApp};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_analytics::domain::carry::{Carries, MeterCarry};
use mgc_analytics::AnalyticsRepository;
use mgc_eventing::UnitOfWork;
use mgc_kernel::{DeviceId, StationId, Window};
use mgc_tests::all_databases;
use serde_json::{json, Value};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, h, m, 0).unwrap()
}

#[tokio::test]
async fn given_stored_samples_when_asked_for_the_neighbours_of_new_ones_then_the_last_before_and_first_after() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        app.clock.set(at(12, 0));
        let s = site(app, "nb", "UTC").await;
        let rows: Vec<Value> = [at(10, 0), at(10, 30)]
            .iter()
            .map(|t| json!({"device": "meter-nb", "ts": t.timestamp_millis(), "values": {"P": 1.0}}))
            .collect();
        let (status, body) = post_signed(&s.app, &s.ing, &Value::Array(rows).to_string(), &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let meter: DeviceId = device_id(&s.app, &s.admin, "meter-nb").await.parse().unwrap();
        let points = vec!["active_power_w".to_owned(), "energy_import_wh".to_owned()];
        let mut tx = s.app.store.begin().await.unwrap();
        let beside = |from, to| (from, to);
        for ((from, to), want) in [
            (beside(at(10, 10), at(10, 20)), (Some(at(10, 0)), Some(at(10, 30)))),
            (beside(at(9, 0), at(9, 30)), (None, Some(at(10, 0)))),
            (beside(at(10, 30), at(11, 0)), (Some(at(10, 0)), None)),
        ] {
            let got = tx.samples_beside(&tenant("acme"), meter, &points, from, to).await.unwrap();
            assert_eq!(got[0], ("active_power_w".to_owned(), want.0, want.1), "{}: {from}..{to}", db.backend);
            assert_eq!(got[1], ("energy_import_wh".to_owned(), None, None), "{}: no samples", db.backend);
        }
    }
}

#[tokio::test]
async fn given_carries_when_saved_again_then_each_hour_is_replaced_and_highs_read_back_exactly() {
    for db in all_databases().await {
        let store = crate::support::store(&db).await;
        let (station, device) = (StationId::new(), DeviceId::new());
        let key = |p: &str| (device, p.to_owned());
        let first: Carries = [
            (key("energy_import_wh"), MeterCarry { high_in: Some(12_383_948.125), high_out: Some(12_384_558.5) }),
            (key("energy_export_wh"), MeterCarry { high_in: None, high_out: Some(0.1 + 0.2) }),
        ]
        .into();
        let second: Carries = [(key("energy_import_wh"), MeterCarry { high_in: Some(1.0), high_out: None })].into();
        let mut tx = store.begin().await.unwrap();
        tx.save_meter_carries(&tenant("acme"), station, &[(at(6, 0), first.clone()), (at(7, 0), first.clone())])
            .await
            .unwrap();
        tx.save_meter_carries(&tenant("acme"), station, &[(at(7, 0), second.clone())]).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let range = Window { start: at(6, 0), end: at(7, 0) + Duration::hours(1) };
        let stored = tx.meter_carries(&tenant("acme"), station, &range).await.unwrap();
        assert_eq!(stored.get(&at(6, 0)), Some(&first), "{}", db.backend);
        assert_eq!(stored.get(&at(7, 0)), Some(&second), "{}: replaced, not merged", db.backend);
        let other = tx.meter_carries(&tenant("globex"), station, &range).await.unwrap();
        assert!(other.is_empty(), "{}: another tenant sees nothing", db.backend);
    }
}
