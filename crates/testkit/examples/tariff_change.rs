//! Check a tariff change on last month's data: February's meter telemetry goes in through the
//! signed ThingsBoard endpoint, the app turns it into statistics and prices every day under the
//! station's flat tariff; then a time-of-use tariff is assigned from February 1st and every day
//! is re-priced. The example compares what February cost under each.
//!
//! Run it: `cargo run -p mgc-testkit --example tariff_change` (it is also a test:
//! `cargo test -p mgc-testkit --example tariff_change`). SQLite always; PostgreSQL too when
//! available (`MGC_REQUIRE_POSTGRES=1` makes its absence a failure).

// A failed unwrap is a failed check, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use mgc_api::ApiConfig;
use mgc_iam::Role;
use mgc_testkit::{all_databases, StationBuilder, TestApp, TestDatabase};
use serde_json::{json, Value};

/// 0.80 CNY/kWh at any hour; feed-in 0.30.
fn flat_tariff() -> Value {
    json!({"name": "flat", "currency": "CNY", "valid_from": "2026-01-01",
        "import": {"kind": "fixed", "price": "0.80"}, "export": {"kind": "fixed", "price": "0.30"}})
}

/// Valley 0.30 00-08, peak 1.00 08-12, flat 0.60 12-24, every day; feed-in 0.30.
fn time_of_use_tariff() -> Value {
    json!({"name": "three bands", "currency": "CNY", "valid_from": "2026-01-01",
        "import": {"kind": "time_of_use", "bands": {"peak": "1.00", "flat": "0.60", "valley": "0.30"},
            "seasons": [{"name": "all year", "from_month": 1, "to_month": 12, "days": [{"days": "all", "periods": [
                {"from": "00:00", "to": "08:00", "band": "valley"}, {"from": "08:00", "to": "12:00", "band": "peak"},
                {"from": "12:00", "to": "24:00", "band": "flat"}]}]}]},
        "export": {"kind": "fixed", "price": "0.30"}})
}

/// February 2026 under both tariffs on `db`: (days, cost under flat, cost under time of use),
/// in fen.
async fn february_under_both(db: &TestDatabase) -> (usize, i64, i64) {
    // Samples every 15 minutes: energy may be integrated across gaps of that length. Old days
    // are not frozen, so a tariff change re-prices them (in production they freeze after 3 days).
    let mut config = ApiConfig::default();
    config.analytics.max_gap = Duration::minutes(15);
    let app = TestApp::with_config(db, config).await.with_auto_freeze(None);
    let admin = app.bearer("acme", Role::Admin);
    let station = app
        .provision(
            &admin,
            &StationBuilder::new("hz-01", "Asia/Shanghai").device("meter-1", "meter").mapping(
                "P",
                "active_power_w",
                1000.0,
            ),
        )
        .await;
    let flat = app.create_tariff(&admin, flat_tariff()).await;
    app.assign_tariff(&admin, &station.id, &flat, "2026-01-01").await;

    // Last month as the meter saw it: a steady 10 kW draw from Feb 1 00:00 to Mar 1 00:00 local.
    let start = Utc.with_ymd_and_hms(2026, 1, 31, 16, 0, 0).unwrap();
    let readings: Vec<_> = (0..=28 * 96).map(|i| (start + Duration::minutes(15 * i), 10.0)).collect();
    let tb = app.integration(&admin, false).await;
    app.post_series(&tb, "meter-1", "P", &readings).await;
    let quiet = app.run_until_quiet().await;
    assert!(quiet.statistics_saved >= 28 * 24, "every hour of February closed: {quiet:?}");

    let days = app.stats(&admin, &station.id, "day", start, start + Duration::days(28)).await;
    assert_eq!(days.len(), 28);
    assert!(days.iter().all(|d| d.energy.grid_import_wh == 240_000 && d.coverage == 1.0), "{days:?}");

    let before = app.settlements(&admin, &station.id, "2026-02-01", "2026-02-28").await;
    assert_eq!(before.len(), 28);
    let flat_cost: i64 = before.iter().map(|s| s.net_minor().unwrap()).sum();

    // The change under study: the time-of-use tariff from February 1st.
    let tou = app.create_tariff(&admin, time_of_use_tariff()).await;
    app.assign_tariff(&admin, &station.id, &tou, "2026-02-01").await;
    app.run_until_quiet().await;
    let after = app.settlements(&admin, &station.id, "2026-02-01", "2026-02-28").await;
    assert!(after.iter().all(|s| s.settlement.version == 2 && s.current.cause.contains("assigned")), "{after:?}");
    let tou_cost: i64 = after.iter().map(|s| s.net_minor().unwrap()).sum();

    // One day's versions side by side: the history keeps what the flat tariff said.
    let history = app.settlement(&admin, &after[0].settlement.id.to_string()).await;
    let nets: Vec<i64> = history.versions.iter().map(|v| v.figures.as_ref().unwrap().net_minor).collect();
    assert_eq!(nets, [19_200, 13_600]);
    (after.len(), flat_cost, tou_cost)
}

/// What the example checks, on every available database.
async fn check() {
    for db in all_databases().await {
        let (days, flat, tou) = february_under_both(&db).await;
        // 240 kWh a day: flat 240 × 0.80 = 192.00 CNY; time of use 80 × 0.30 + 40 × 1.00 + 120 × 0.60 = 136.00 CNY.
        assert_eq!((days, flat, tou), (28, 28 * 19_200, 28 * 13_600), "{}", db.backend);
        println!(
            "{}: February cost {:.2} CNY flat, {:.2} CNY time of use",
            db.backend,
            flat as f64 / 100.0,
            tou as f64 / 100.0
        );
    }
}

#[tokio::main]
async fn main() {
    check().await;
}

#[tokio::test]
async fn a_time_of_use_tariff_reprices_last_month() {
    check().await;
}
