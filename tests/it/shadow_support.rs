//! Helpers of the shadow-run tests: a station with a meter, a known synthetic day of minute
//! telemetry, a three-band tariff, the run request, and running queued runs at the app clock.

use crate::analytics_support::{site, Site};
use crate::ingest_support::post_signed;
use crate::settlement_support::{assign, create_tariff};
use crate::support::TestApp;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_strategy::app::shadow_run::{run_queued, ShadowSettings};
use serde_json::{json, Value};

/// The synthetic local day (a Tuesday in Asia/Shanghai, UTC+8).
pub const DAY: &str = "2026-02-24";

/// 00:00 local of [`DAY`] in UTC.
pub fn day_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 23, 16, 0, 0).unwrap()
}

/// Site load (kW) at local minute `m` of the day: 20 kW at night, 60 kW 08-12, 30 kW after.
pub fn load_kw(m: i64) -> f64 {
    match m / 60 {
        0..=7 => 20.0,
        8..=11 => 60.0,
        _ => 30.0,
    }
}

/// Station `code` (meter `meter-<code>`) with the tariff of [`three_band_tariff`] from 2026-01-01
/// and one meter sample a minute over [`DAY`].
pub async fn shadow_site(app: TestApp, code: &str) -> Site {
    let s = site(app, code, "Asia/Shanghai").await;
    let tariff = create_tariff(&s.app, &s.admin, three_band_tariff()).await;
    assign(&s.app, &s.admin, &s.station, &tariff, "2026-01-01").await;
    for half in 0..2 {
        let rows: Vec<Value> = (half * 720..(half + 1) * 720)
            .map(|m| {
                let ts = (day_start() + Duration::minutes(m)).timestamp_millis();
                json!({"device": format!("meter-{code}"), "ts": ts, "values": {"P": load_kw(m)}})
            })
            .collect();
        let (status, body) = post_signed(&s.app, &s.ing, &Value::Array(rows).to_string(), &[]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    s
}

/// Valley 0.30 CNY/kWh 00-08, peak 1.00 08-12, flat 0.60 12-24 every day; feed-in 0.30.
pub fn three_band_tariff() -> Value {
    json!({
        "name": "three bands", "currency": "CNY", "valid_from": "2026-01-01",
        "import": {"kind": "time_of_use", "bands": {"peak": "1.00", "flat": "0.60", "valley": "0.30"},
            "seasons": [{"name": "all year", "from_month": 1, "to_month": 12, "days": [
                {"days": "all", "periods": [
                    {"from": "00:00", "to": "08:00", "band": "valley"}, {"from": "08:00", "to": "12:00", "band": "peak"},
                    {"from": "12:00", "to": "24:00", "band": "flat"}]}
            ]}]},
        "export": {"kind": "fixed", "price": "0.30"}
    })
}

/// A peak-shaving run over [`DAY`]: limit 50 kW, recharge under 25 kW, 100 kWh battery at 50 %,
/// 10 kW charge, 20 kW discharge, η 0.8.
pub fn peak_shaving_run(station: &str) -> Value {
    json!({
        "station_id": station,
        "strategy": {"type": "peak_shaving", "params": {"import_limit_w": 50000, "recharge_below_w": 25000,
            "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 10000, "max_discharge_w": 20000}}},
        "from": DAY, "to": DAY,
        "battery": {"capacity_wh": 100000, "max_charge_w": 10000, "max_discharge_w": 20000, "efficiency": 0.8,
            "initial_soc": 50.0}
    })
}

/// Runs every queued shadow run at the app clock (what the server task does); returns how many.
pub async fn run_shadow(app: &TestApp) -> usize {
    run_queued(&app.store, &app.clock.shared(), &ShadowSettings::default()).await.unwrap()
}
