//! Store-level checks on both backends: the strategy context's tariff view (settlement's
//! pricing rules over stored tariffs), and a run whose runner stopped being claimed again.

use crate::shadow_support::{day_start, peak_shaving_run, run_shadow, shadow_site};
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use mgc_contracts::{EnergySlot, FlowEnergy};
use mgc_kernel::{Clock, StationId, TenantId};
use mgc_strategy::app::shadow_run::ShadowSettings;
use mgc_strategy::{ShadowRunStore, TariffView};
use mgc_tests::all_databases;

fn slot(minute: i64, import_wh: i64, export_wh: i64) -> EnergySlot {
    let start = day_start() + Duration::minutes(minute);
    EnergySlot {
        start,
        end: start + Duration::minutes(15),
        energy: FlowEnergy { grid_import_wh: import_wh, grid_export_wh: export_wh, ..FlowEnergy::default() },
    }
}

#[tokio::test]
async fn tariff_view_prices_slots_and_names_bands_with_settlements_rules() {
    for db in all_databases().await {
        let s = shadow_site(TestApp::new(&db).await, "tv1").await;
        let tenant = TenantId::parse("acme").unwrap();
        let station: StationId = s.station.parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 2, 24).unwrap();
        // 1 kWh at night (valley 0.30), 2 kWh at 08:00 (peak 1.00), 0.5 kWh exported at 13:00 (0.30).
        let slots = [slot(0, 1_000, 0), slot(8 * 60, 2_000, 0), slot(13 * 60, 0, 500)];
        let cost = s.app.store.price_day(&tenant, station, day, &slots).await.unwrap().unwrap();
        assert_eq!(cost.currency, "CNY");
        assert_eq!((cost.import_wh, cost.export_wh), (3_000, 500));
        assert_eq!(
            (cost.import_cost_minor, cost.export_revenue_minor, cost.net_minor),
            (230, 15, 215),
            "{}",
            db.backend
        );
        let before_tariff = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(s.app.store.price_day(&tenant, station, before_tariff, &slots).await.unwrap(), None);
        let other = TenantId::parse("beta").unwrap();
        assert_eq!(s.app.store.price_day(&other, station, day, &slots).await.unwrap(), None);

        let bands = s
            .app
            .store
            .import_bands(&tenant, station, day_start(), day_start() + Duration::days(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bands.len(), 96);
        assert_eq!(bands[0].1, "valley");
        assert_eq!(bands[32], (day_start() + Duration::hours(8), "peak".to_owned()));
        assert_eq!(bands[95].1, "flat");
    }
}

#[tokio::test]
async fn a_run_whose_runner_stopped_is_claimed_again_once_its_lease_ran_out_and_finishes() {
    for db in all_databases().await {
        let s = shadow_site(TestApp::new(&db).await, "rq1").await;
        let app = &s.app;
        let (st, run) =
            app.call(Method::POST, "/api/v1/shadow-runs", Some(&s.admin), Some(peak_shaving_run(&s.station))).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{run}");
        let lease = ShadowSettings::default().lease;
        let t0 = app.clock.now();
        let claimed = app.store.claim_run(t0, t0 + lease).await.unwrap().unwrap();
        assert_eq!(claimed.id.to_string(), run["id"].as_str().unwrap());
        assert!(app.store.claim_run(t0, t0 + lease).await.unwrap().is_none(), "claimed once only");
        let job = format!("/api/v1/jobs/{}", run["job_id"].as_str().unwrap());
        assert_eq!(app.call(Method::GET, &job, Some(&s.admin), None).await.1["state"], "running");

        // The first runner stops here. While its lease holds, nobody takes the run over ...
        let almost = t0 + lease - chrono::Duration::seconds(1);
        assert!(app.store.claim_run(almost, almost + lease).await.unwrap().is_none(), "{}", db.backend);
        // ... once it ran out, the next round claims it again and runs it to the end.
        app.clock.set(t0 + lease + chrono::Duration::seconds(1));
        assert_eq!(run_shadow(app).await, 1, "{}", db.backend);
        let (_, done) = app.call(Method::GET, &job, Some(&s.admin), None).await;
        assert_eq!((done["state"].as_str(), done["done"].as_i64()), (Some("succeeded"), Some(1)), "{done}");

        // The stopped runner coming back cannot overwrite the finished run.
        let mut stale = claimed.clone();
        stale.days_done = 1;
        let err = app.store.save_progress(&stale, t0 + lease).await.unwrap_err();
        assert!(matches!(err, mgc_kernel::RepoError::Conflict(_)), "{err}");
        let (_, still) = app.call(Method::GET, &job, Some(&s.admin), None).await;
        assert_eq!(still["state"], "succeeded");
    }
}
