//! Energy exactness through the router on both backends: a window's figure depends on samples
//! outside it (the last reading before, the first after, the cycle's highest reading), so the
//! figures, the settlement and a frozen day's adjustment must not depend on when data arrives.

use crate::energy_support::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_tests::all_databases;

/// Local midnight of Monday 2026-03-02 in Shanghai (UTC+8).
fn day_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap()
}

/// Local time `h:m:s` of 2026-03-02 in Shanghai.
fn local(h: i64, m: i64, s: i64) -> DateTime<Utc> {
    day_start() + Duration::seconds(h * 3600 + m * 60 + s)
}

fn import_wh(items: &[serde_json::Value]) -> Vec<i64> {
    items.iter().map(|i| i["energy"]["grid_import_wh"].as_i64().unwrap()).collect()
}

/// A meter counting 200 Wh a minute (12 kW), read every minute, that re-sends a stale, lower
/// value at 06:59, misses 07:00 and reads again at 07:01:01.
fn stale_meter_readings() -> Vec<(DateTime<Utc>, f64)> {
    let value = |m: i64| 12_300_000.0 + 200.0 * m as f64;
    (-1..=1441)
        .filter_map(|m| match m {
            419 => Some((local(0, m, 0), value(418) - 740.0)),
            420 => None,
            421 => Some((local(0, m, 1), value(418) + 610.0)),
            _ => Some((local(0, m, 0), value(m))),
        })
        .collect()
}

#[tokio::test]
async fn given_a_stale_lower_reading_before_the_hour_when_hours_close_then_the_next_hour_counts_only_real_growth() {
    for db in all_databases().await {
        let app = crate::support::TestApp::new(&db).await;
        app.clock.set(local(7, 4, 30));
        let s = one_device_site(app, "stale", "meter").await;
        let readings = stale_meter_readings();
        let (early, rest): (Vec<_>, Vec<_>) = readings.iter().partition(|(ts, _)| *ts <= local(7, 4, 0));

        // Hour 06 closes on time, the rest of the day later: hour 07 starts from the stored hour 06.
        post_readings(&s, "stale", "energy_import_wh", &early).await;
        s.app.pump().await;
        s.app.clock.set(local(7, 5, 0));
        s.app.analytics_round().await;
        s.app.clock.set(local(24, 2, 0));
        post_readings(&s, "stale", "energy_import_wh", &rest).await;
        s.app.pump().await;
        s.app.clock.set(local(24, 5, 0));
        s.app.analytics_round().await;
        s.app.pump().await;

        // 06:59 -> 07:01:01 grows by 610 Wh over the 06:58 high, 60 s before 07:00 and 61 s after.
        let hours = windows(&s, "hour", local(6, 0, 0), local(8, 0, 0)).await;
        assert_eq!(import_wh(&hours), vec![11_902, 12_098], "{}: {hours:?}", db.backend);
        let day = windows(&s, "day", local(0, 0, 0), local(24, 0, 0)).await;
        assert_eq!(import_wh(&day), vec![288_000], "{}: 1440 minutes of 200 Wh", db.backend);
        // valley 120 kWh x 0.30 + flat 84 x 0.65 + peak 42 x 1.05 + sharp 42 x 1.30 = 189.30 CNY.
        let settled = day_settlement(&s, "2026-03-02").await;
        assert_eq!(settled["versions"][0]["figures"]["import_cost_minor"], 18_930, "{}: {settled}", db.backend);
    }
}
