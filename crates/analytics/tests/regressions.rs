//! Given/when/then regressions of the convergence property: the cases it found (shrunk by hand
//! to their core) and the two reported defects, replayed through the consumer and the scheduler
//! round against the in-memory store and compared with all samples computed at once.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_kernel::Granularity;
use support::scenario::{Outcome, Reading, Scenario};

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, h, m, s).single().unwrap_or(DateTime::UNIX_EPOCH)
}

/// A reading of the grid meter's counter (`device` 0) or of a power point.
fn reading(device: usize, point: &'static str, ts: DateTime<Utc>, value: f64, delay: Duration) -> Reading {
    Reading { device, point, ts, value, arrives: ts + delay }
}

fn on_time() -> Duration {
    Duration::seconds(10)
}

fn utc(readings: Vec<Reading>) -> Scenario {
    Scenario { zone: "UTC", rollover_wh: None, readings, round_between: vec![false], batch_minutes: 5 }
}

/// The current hour starting at `h` o'clock.
fn hour(
    o: &Outcome,
    h: u32,
) -> &(mgc_analytics::domain::statistic::StationStat, Vec<mgc_analytics::domain::statistic::PointStat>) {
    o.windows
        .iter()
        .find(|(s, _)| s.granularity == Granularity::Hour && s.window.start == at(h, 0, 0))
        .unwrap_or_else(|| panic!("no hour {h}"))
}

#[test]
fn given_a_late_sample_that_changes_only_point_figures_when_recomputed_then_the_hour_gets_a_new_version() {
    // Found by the property: a zero-power sample arriving late changed the hour's count, not its
    // energy, and the point figures kept the old count.
    let s = utc(vec![
        reading(0, "active_power_w", at(22, 0, 7), 0.0, Duration::minutes(6)),
        reading(0, "active_power_w", at(22, 5, 8), 0.0, Duration::hours(8)),
        reading(1, "pv_power_w", at(22, 0, 13), 0.0, on_time()),
    ]);
    let replayed = s.incremental();
    assert_eq!(replayed, s.all_at_once());
    let points = &hour(&replayed, 22).1;
    assert_eq!(points.iter().find(|p| p.point == "active_power_w").map(|p| p.figures.count), Some(2));
}

#[test]
fn given_a_late_higher_reading_when_later_hours_hold_only_lower_ones_then_they_start_from_the_new_high() {
    // Found by the property with the stale-start check switched off: 10:55 raises the cycle high
    // to 10 400, so 11:10, 12:10 and 13:10 are all jitter; hours 12 and 13 were stored counting
    // 13:10 as growth over 10 100 and must follow, though no sample of theirs changed.
    let meter = |ts, v, delay| reading(0, "energy_import_wh", ts, v, delay);
    let s = utc(vec![
        meter(at(10, 0, 0), 10_000.0, on_time()),
        meter(at(10, 50, 0), 10_100.0, on_time()),
        meter(at(10, 55, 0), 10_400.0, Duration::hours(5)),
        meter(at(11, 10, 0), 10_050.0, on_time()),
        meter(at(12, 10, 0), 10_050.0, on_time()),
        meter(at(13, 10, 0), 10_300.0, on_time()),
    ]);
    let replayed = s.incremental();
    assert_eq!(replayed, s.all_at_once());
    let import: Vec<i64> = (10..14).map(|h| hour(&replayed, h).0.energy.grid_import_wh).collect();
    assert_eq!(import, vec![400, 0, 0, 0], "10 000 -> 10 400 once, the rest is jitter");
}

#[test]
fn given_a_stale_lower_reading_before_the_hour_when_hours_close_one_by_one_then_the_growth_counts_once() {
    // The reported defect 1: 06:59 re-sends an older, lower value; 07:01:01 grows 610 Wh over
    // the 06:58 high, 60 s of it before 07:00 and 61 s after. Hour 07 counted 1 350 Wh over 06:59.
    let meter = |ts, v| reading(0, "energy_import_wh", ts, v, on_time());
    let s = utc(vec![
        meter(at(6, 57, 0), 12_383_748.0),
        meter(at(6, 58, 0), 12_383_948.0),
        meter(at(6, 59, 0), 12_383_208.0),
        meter(at(7, 1, 1), 12_384_558.0),
        meter(at(7, 2, 0), 12_384_758.0),
    ]);
    let replayed = s.incremental();
    assert_eq!(replayed, s.all_at_once());
    let import: Vec<i64> = (6..8).map(|h| hour(&replayed, h).0.energy.grid_import_wh).collect();
    // 200 + 0 + 610 * 60/121 = 502.48; 610 * 61/121 + 200 = 507.52.
    assert_eq!(import, vec![502, 508]);
}

#[test]
fn given_a_gap_after_the_hour_filled_late_when_closed_then_the_hour_before_is_complete() {
    // The reported defect 2: power every minute at :08 until 12:59:08, the rest from 13:01:08
    // arrives after hour 12 closed; 12:59:08 -> 13:01:08 is within the maximum gap.
    let mut readings: Vec<Reading> =
        (0..60).map(|m| reading(1, "pv_power_w", at(12, m, 8), 3600.0, on_time())).collect();
    readings.extend((1..30).map(|m| reading(1, "pv_power_w", at(13, m, 8), 3600.0, Duration::hours(3))));
    let s = utc(readings);
    let replayed = s.incremental();
    assert_eq!(replayed, s.all_at_once());
    let h12 = &hour(&replayed, 12).0;
    // 3.6 kW from 12:00:08 (no sample before) to 13:00: 3 592 s = 3 592 Wh.
    assert_eq!(
        (h12.energy.pv_generation_wh, h12.quality.as_deref()),
        (3592, Some("00000000-0000-0000-0000-000000000002/pv_power_w: no data before 12:00:00Z–12:00:08Z (0 min)"))
    );
}

#[test]
fn given_a_device_whose_first_sample_arrives_late_when_hours_closed_then_only_hours_from_it_on_name_it() {
    // An hour before a device's first sample does not name it; every hour after its last one
    // does (as no data), also when that first sample arrives after those hours closed.
    let s = utc(vec![
        reading(0, "active_power_w", at(9, 0, 0), 1000.0, on_time()),
        reading(0, "active_power_w", at(9, 1, 0), 1000.0, on_time()),
        reading(1, "pv_power_w", at(10, 30, 0), 500.0, Duration::hours(4)),
    ]);
    let replayed = s.incremental();
    assert_eq!(replayed, s.all_at_once());
    let names_pv = |h| hour(&replayed, h).0.quality.as_deref().is_some_and(|q| q.contains("pv_power_w"));
    assert_eq!((names_pv(9), names_pv(10), names_pv(12)), (false, true, true));
}
