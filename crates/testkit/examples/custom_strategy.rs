//! Test a custom strategy against a day of telemetry: a day of meter and PV readings goes in
//! through the signed ThingsBoard endpoint and becomes statistics; the station's history is
//! read back through the strategy context's own port (`HistoryReader`, what shadow runs use)
//! and replayed every 15 minutes through a strategy written here — "charge from PV around noon,
//! hold grid import to 40 kW in the 17:00-21:00 evening peak" — with the simulated battery of
//! shadow runs. The checks say what the strategy did to the evening peak.
//!
//! Run it: `cargo run -p mgc-testkit --example custom_strategy` (it is also a test:
//! `cargo test -p mgc-testkit --example custom_strategy`). SQLite always; PostgreSQL too when
//! available (`MGC_REQUIRE_POSTGRES=1` makes its absence a failure).

// A failed unwrap is a failed check, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use mgc_api::ApiConfig;
use mgc_iam::Role;
use mgc_kernel::{StationId, StationTz};
use mgc_strategy::domain::shadow::battery::SimBattery;
use mgc_strategy::{assemble, BatteryModel, Decision, DeviceReading, HistoryReader, Setpoint, StationInputs};
use mgc_testkit::{all_databases, StationBuilder, TestApp, TestDatabase};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Evening peak cap under test: the strategy a developer would bring.
const EVENING_LIMIT_W: f64 = 40_000.0;

/// The custom strategy: a pure function of the station's inputs, like the built-in ones.
fn evening_cap(i: &StationInputs) -> Decision {
    let (Some(grid), Some(soc)) = (i.grid_power_w, i.soc_pct) else { return Decision::none("inputs unknown") };
    let hour = i.local.hour();
    let power_w = if (17..21).contains(&hour) && grid > EVENING_LIMIT_W {
        (grid - EVENING_LIMIT_W) as i64 // discharge the excess
    } else if i.pv_power_w.unwrap_or(0.0) > 0.0 && soc < 95.0 {
        -(i.pv_power_w.unwrap_or(0.0).min(20_000.0) as i64) // store what PV makes
    } else {
        0
    };
    Decision { setpoints: vec![Setpoint::BatteryPower { power_w }], reason: format!("hour {hour}") }
}

/// Site load and PV (kW) at local quarter `q` (0..=96) of the day.
fn profile(q: i64) -> (f64, f64) {
    let load = match q / 4 {
        0..=7 => 20.0,
        8..=16 => 30.0,
        17..=20 => 60.0,
        _ => 20.0,
    };
    let pv = if (40..56).contains(&q) { 20.0 } else { 0.0 };
    (load, pv)
}

/// The latest reading of every device point at or before `t` (history is sorted by time).
fn latest_at(history: &[DeviceReading], t: DateTime<Utc>) -> Vec<DeviceReading> {
    let mut latest: BTreeMap<(&str, &str), &DeviceReading> = BTreeMap::new();
    for r in history.iter().take_while(|r| r.ts <= t) {
        latest.insert((r.device_id.as_str(), r.point.as_str()), r);
    }
    latest.into_values().cloned().collect()
}

/// What the replay found.
#[derive(Debug, PartialEq)]
struct Outcome {
    /// Grid import of the day from the statistics, Wh.
    day_import_wh: i64,
    /// PV generation of the day from the statistics, Wh.
    day_pv_wh: i64,
    /// Energy the battery took in and gave back, Wh.
    charged_wh: f64,
    discharged_wh: f64,
    /// Evening quarters (17:00-21:00) held at or under the limit.
    evening_quarters_capped: usize,
    /// Highest grid import under the strategy, W.
    peak_w: f64,
}

async fn replay_a_day(db: &TestDatabase) -> Outcome {
    // Readings every 15 minutes: energy may be integrated across gaps of that length.
    let mut config = ApiConfig::default();
    config.analytics.max_gap = Duration::minutes(15);
    let app = TestApp::with_config(db, config).await;
    let admin = app.bearer("acme", Role::Admin);
    let builder = StationBuilder::new("lab-01", "Asia/Shanghai")
        .device("meter-1", "meter")
        .mapping("P", "active_power_w", 1000.0)
        .device("pv-1", "pv_inverter");
    let station = app.provision(&admin, &builder).await;
    let tb = app.integration(&admin, false).await;

    // Local day 2026-02-24 (UTC+8): the meter sees load minus PV (in kW), the inverter its PV (W).
    let start = Utc.with_ymd_and_hms(2026, 2, 23, 16, 0, 0).unwrap();
    let rows: Vec<Value> = (0..=96)
        .flat_map(|q| {
            let (load, pv) = profile(q);
            let ts = (start + Duration::minutes(15 * q)).timestamp_millis();
            [
                json!({"device": "meter-1", "ts": ts, "values": {"P": load - pv}}),
                json!({"device": "pv-1", "ts": ts, "values": {"pv_power_w": pv * 1000.0}}),
            ]
        })
        .collect();
    app.post_telemetry(&tb, &Value::Array(rows)).await;
    app.run_until_quiet().await;
    let day = app.stats(&admin, &station.id, "day", start, start + Duration::days(1)).await;
    assert_eq!(day.len(), 1, "{day:?}");

    // The day as the strategy context reads history, replayed with a 60 kWh battery.
    let station_id: StationId = station.id.parse().unwrap();
    let end = start + Duration::days(1);
    let history = app.store.history(&mgc_testkit::tenant("acme"), station_id, start, end).await.unwrap();
    let tz = StationTz::parse(&station.time_zone).unwrap();
    let model = BatteryModel {
        capacity_wh: 60_000,
        max_charge_w: 20_000,
        max_discharge_w: 20_000,
        efficiency: 1.0,
        initial_soc: 0.0,
    };
    let mut battery = SimBattery::new(model);
    let mut outcome = Outcome {
        day_import_wh: day[0].energy.grid_import_wh,
        day_pv_wh: day[0].energy.pv_generation_wh,
        charged_wh: 0.0,
        discharged_wh: 0.0,
        evening_quarters_capped: 0,
        peak_w: 0.0,
    };
    for q in 0..96 {
        let at = start + Duration::minutes(15 * q);
        let local = tz.0.from_utc_datetime(&at.naive_utc()).naive_local();
        let mut inputs = assemble(&latest_at(&history, at), at, local, None, Duration::minutes(15));
        inputs.soc_pct = Some(battery.soc_pct());
        let wanted = evening_cap(&inputs).battery_power_w().unwrap_or(0);
        let step = battery.apply(wanted, 900);
        let grid = inputs.grid_power_w.unwrap() - step.power_w;
        outcome.charged_wh += (-step.power_w).max(0.0) / 4.0;
        outcome.discharged_wh += step.power_w.max(0.0) / 4.0;
        outcome.peak_w = outcome.peak_w.max(grid);
        if (17..21).contains(&local.hour()) && grid <= EVENING_LIMIT_W {
            outcome.evening_quarters_capped += 1;
        }
    }
    outcome
}

/// What the example checks, on every available database.
async fn check() {
    for db in all_databases().await {
        let outcome = replay_a_day(&db).await;
        assert_eq!(
            outcome,
            Outcome {
                // Trapezoids between the quarter-hour readings: 650 kWh drawn, 80 kWh of PV.
                day_import_wh: 650_000,
                day_pv_wh: 80_000,
                // Noon PV fills the 60 kWh battery in 3 hours (12 quarters at 20 kW) ...
                charged_wh: 60_000.0,
                // ... which holds the 60 kW evening to 40 kW for 3 of its 4 hours; the last hour
                // is back at the full 60 kW: the battery is too small for this evening.
                discharged_wh: 60_000.0,
                evening_quarters_capped: 12,
                peak_w: 60_000.0,
            },
            "{}",
            db.backend
        );
        println!("{}: {outcome:?}", db.backend);
    }
}

#[tokio::main]
async fn main() {
    check().await;
}

#[tokio::test]
async fn the_evening_cap_holds_three_of_four_peak_hours() {
    check().await;
}
