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

fn export_wh(items: &[serde_json::Value]) -> Vec<i64> {
    items.iter().map(|i| i["energy"]["grid_export_wh"].as_i64().unwrap()).collect()
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
async fn given_a_stale_lower_reading_before_the_hour_when_hours_close_then_the_next_hour_counts_only_real_growth_and_a_frozen_day_needs_no_adjustment(
) {
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

        // Frozen; the missing 07:00 reading arrives late. The day's total and bands stay the same.
        freeze(&s, settled["id"].as_str().unwrap()).await;
        s.app.clock.set(local(25, 0, 0));
        post_readings(&s, "stale", "energy_import_wh", &[(local(7, 0, 0), 12_300_000.0 + 200.0 * 420.0)]).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        s.app.pump().await;
        let hours = windows(&s, "hour", local(6, 0, 0), local(8, 0, 0)).await;
        assert_eq!(import_wh(&hours), vec![12_000, 12_000], "{}: {hours:?}", db.backend);
        let settled = day_settlement(&s, "2026-03-02").await;
        assert_eq!(settled["state"], "frozen");
        assert_eq!(settled["adjustments"], serde_json::json!([]), "{}: {settled}", db.backend);
    }
}

/// Export at a constant 4 kW (`active_power_w` = -4000) every minute at :08, from 23:59:08 the
/// day before to 00:00:08 the day after, minute `k` of the day.
fn export_minutes(ks: std::ops::RangeInclusive<i64>) -> Vec<(DateTime<Utc>, f64)> {
    ks.map(|k| (local(0, k, 8), -4000.0)).collect()
}

#[tokio::test]
async fn given_a_gap_after_the_hour_filled_late_when_recomputed_then_the_hour_before_is_complete_and_the_frozen_day_adjusts_by_it(
) {
    for db in all_databases().await {
        let app = crate::support::TestApp::new(&db).await;
        app.clock.set(local(24, 1, 0));
        let s = one_device_site(app, "gap", "meter").await;

        // On time until 12:59:08, then silence: hour 12 lacks its last 52 s, hours 13..23 have nothing.
        post_readings(&s, "gap", "active_power_w", &export_minutes(-1..=779)).await;
        s.app.pump().await;
        s.app.clock.set(local(24, 5, 0));
        s.app.analytics_round().await;
        s.app.pump().await;
        let hour12 = windows(&s, "hour", local(12, 0, 0), local(13, 0, 0)).await;
        assert_eq!(export_wh(&hour12), vec![3942], "{}: {hour12:?}", db.backend);
        assert!(hour12[0]["quality"].as_str().unwrap().contains("no data after"), "{hour12:?}");
        let settled = day_settlement(&s, "2026-03-02").await;
        // 51 942 Wh x 0.392 = 20.36 CNY.
        assert_eq!(settled["versions"][0]["figures"]["export_revenue_minor"], 2036, "{}: {settled}", db.backend);
        freeze(&s, settled["id"].as_str().unwrap()).await;

        // The buffered data from 13:01:08 arrives: 12:59:08 -> 13:01:08 is 2 min, within the maximum gap.
        s.app.clock.set(local(25, 5, 0));
        post_readings(&s, "gap", "active_power_w", &export_minutes(781..=1440)).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        s.app.pump().await;

        let hour12 = windows(&s, "hour", local(12, 0, 0), local(13, 0, 0)).await;
        assert_eq!(export_wh(&hour12), vec![4000], "{}: {hour12:?}", db.backend);
        assert_eq!((hour12[0]["coverage"].as_f64(), hour12[0]["quality"].as_str()), (Some(1.0), None));
        let day = windows(&s, "day", local(0, 0, 0), local(24, 0, 0)).await;
        assert_eq!(export_wh(&day), vec![96_000], "{}", db.backend);
        // 96 kWh x 0.392 = 37.63 CNY against 20.36 frozen.
        let settled = day_settlement(&s, "2026-03-02").await;
        assert_eq!(settled["state"], "frozen");
        let adjustments = settled["adjustments"].as_array().unwrap();
        assert_eq!(adjustments.len(), 1, "{}: {settled}", db.backend);
        assert_eq!(adjustments[0]["delta"]["export_revenue_minor"], 3763 - 2036, "{}: {settled}", db.backend);
    }
}
