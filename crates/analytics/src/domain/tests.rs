//! Given/when/then tests of the pure energy and window calculations.

#![allow(clippy::unwrap_used)]

use super::carry::Highs;
use super::flows::Flow;
use super::hour::{compute_hour, DeviceRef, EnergyRules, SeriesMap};
use super::integrate::{integrate_power, PowerPart};
use super::meter::{increments, integrate_meter, Step};
use super::point_stats::{point_figures, PointKind};
use super::samples::Sample;
use super::slots::{quarter_slots, round_cumulative};
use super::tracking::{due_hours, on_data, SeriesArrival};
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_contracts::FlowEnergy;
use mgc_kernel::{DeviceId, Granularity, StationId, StationTz, TenantId, Window};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, h, m, 0).unwrap()
}

fn hour(h: u32) -> Window {
    Window { start: at(h, 0), end: at(h, 0) + Duration::hours(1) }
}

/// One sample per minute from `from` for `minutes` minutes (inclusive of the end), value f(minute).
fn per_minute(from: DateTime<Utc>, minutes: i64, f: impl Fn(i64) -> f64) -> Vec<Sample> {
    (0..=minutes).map(|m| Sample::new(from + Duration::minutes(m), f(m))).collect()
}

fn gap5() -> Duration {
    Duration::minutes(5)
}

#[test]
fn given_constant_power_when_integrated_then_exact_energy_per_slot() {
    let samples = per_minute(at(10, 0), 60, |_| 4000.0);
    let slots = quarter_slots(&hour(10));
    let r = integrate_power(&samples, &slots, gap5(), PowerPart::Signed);
    assert_eq!(round_cumulative(&r.slot_wh), vec![1000, 1000, 1000, 1000]);
    assert_eq!(r.covered, Duration::hours(1));
    assert!(r.uncovered.is_empty());
}

#[test]
fn given_linear_ramp_when_integrated_then_trapezoid_is_exact() {
    // 0 W at 10:00 rising 100 W per minute to 6000 W at 11:00: mean 3000 W -> 3000 Wh.
    let samples = per_minute(at(10, 0), 60, |m| 100.0 * m as f64);
    let (f, slots) = point_figures(&samples, &quarter_slots(&hour(10)), PointKind::Power, gap5(), None, None);
    assert_eq!(f.energy_wh, Some(3000));
    // First quarter: mean 750 W for 15 min = 187.5 Wh; cumulative rounding keeps the total exact.
    assert_eq!(slots.iter().sum::<i64>(), 3000);
    assert_eq!(slots, vec![188, 562, 938, 1312]);
    assert_eq!(f.mean, Some(3000.0));
    assert_eq!((f.min, f.max, f.first, f.last), (Some(0.0), Some(5900.0), Some(0.0), Some(5900.0)));
    assert_eq!(f.count, 60, "samples at 10:00..10:59 are inside, 11:00 belongs to the next hour");
}

#[test]
fn given_sine_sampled_every_minute_then_integral_within_one_wh_of_the_exact_value() {
    // P(t) = 5000 + 3000 sin(2πt/60min): exact hourly energy 5000 Wh.
    let samples = per_minute(at(10, 0), 60, |m| 5000.0 + 3000.0 * (std::f64::consts::TAU * m as f64 / 60.0).sin());
    let (f, _) = point_figures(&samples, &quarter_slots(&hour(10)), PointKind::Power, gap5(), None, None);
    assert!((f.energy_wh.unwrap() - 5000).abs() <= 1, "{f:?}");
}

#[test]
fn given_20_minute_gap_when_integrated_then_gap_not_filled_and_coverage_lowered() {
    let mut samples = per_minute(at(10, 0), 20, |_| 6000.0);
    samples.extend(per_minute(at(10, 40), 20, |_| 6000.0));
    let (f, slots) = point_figures(&samples, &quarter_slots(&hour(10)), PointKind::Power, gap5(), None, None);
    assert_eq!(f.energy_wh, Some(4000), "40 covered minutes at 6 kW");
    assert_eq!(slots, vec![1500, 500, 500, 1500]);
    assert!((f.coverage - 40.0 / 60.0).abs() < 1e-9);
    assert_eq!(f.quality.as_deref(), Some("gap 10:20:00Z–10:40:00Z (20 min)"));
}

#[test]
fn given_samples_straddling_the_hour_when_integrated_then_split_at_the_boundary() {
    // Samples at 09:59:30 (0 W) and 10:00:30 (1200 W): the line crosses 600 W at 10:00.
    let samples = vec![
        Sample::new(at(9, 59) + Duration::seconds(30), 0.0),
        Sample::new(at(10, 0) + Duration::seconds(30), 1200.0),
    ];
    let before = integrate_power(&samples, &quarter_slots(&hour(9)), gap5(), PowerPart::Signed);
    let after = integrate_power(&samples, &quarter_slots(&hour(10)), gap5(), PowerPart::Signed);
    // 30 s at a mean of 300 W = 2.5 Wh before; 30 s at a mean of 900 W = 7.5 Wh after.
    assert!((before.slot_wh.iter().sum::<f64>() - 2.5).abs() < 1e-9);
    assert!((after.slot_wh.iter().sum::<f64>() - 7.5).abs() < 1e-9);
}

#[test]
fn given_power_changing_sign_when_split_then_parts_cut_at_zero_crossing() {
    // -1000 W to +1000 W over 2 minutes: 1/60 h * 500 W / 2 = 8.33 Wh on each side.
    let samples = vec![Sample::new(at(10, 0), -1000.0), Sample::new(at(10, 2), 1000.0)];
    let slots = vec![Window { start: at(10, 0), end: at(10, 2) }];
    let pos = integrate_power(&samples, &slots, gap5(), PowerPart::Positive).slot_wh[0];
    let neg = integrate_power(&samples, &slots, gap5(), PowerPart::Negative).slot_wh[0];
    let signed = integrate_power(&samples, &slots, gap5(), PowerPart::Signed).slot_wh[0];
    assert!((pos - 1000.0 / 120.0).abs() < 1e-9 && (neg - 1000.0 / 120.0).abs() < 1e-9, "{pos} {neg}");
    assert!(signed.abs() < 1e-9);
}

#[test]
fn given_meter_reset_mid_hour_when_read_then_true_consumption() {
    // 1 kWh per 10 min; at 10:30 the meter restarts from 0 and reads 400 at 10:40.
    let readings = vec![
        Sample::new(at(10, 0), 50_000.0),
        Sample::new(at(10, 10), 51_000.0),
        Sample::new(at(10, 20), 52_000.0),
        Sample::new(at(10, 30), 200.0),
        Sample::new(at(10, 40), 1_200.0),
        Sample::new(at(10, 50), 2_200.0),
        Sample::new(at(11, 0), 3_200.0),
    ];
    let steps: Vec<Step> = increments(&readings, None, None).into_iter().map(|(_, s)| s).collect();
    assert_eq!(steps[2], Step::Reset);
    let (f, _) =
        point_figures(&readings, &quarter_slots(&hour(10)), PointKind::Meter, Duration::minutes(15), None, None);
    // 2 kWh before the reset, 200 Wh counted after restart by 10:30, then 3 kWh.
    assert_eq!(f.energy_wh, Some(5200));
    assert_eq!(f.coverage, 1.0);
}

#[test]
fn given_meter_jitter_and_rollover_then_no_negative_energy() {
    let readings = vec![
        Sample::new(at(10, 0), 1000.0),
        Sample::new(at(10, 1), 999.5), // jitter: held at 1000
        Sample::new(at(10, 2), 1001.0),
    ];
    let total: f64 = increments(&readings, None, None).iter().map(|(wh, _)| wh).sum();
    assert!((total - 1.0).abs() < 1e-9);
    let wrap = vec![Sample::new(at(10, 0), 99_990.0), Sample::new(at(10, 1), 15.0)];
    assert_eq!(increments(&wrap, Some(100_000.0), None), vec![(25.0, Step::Rollover)]);
}

#[test]
fn given_meter_readings_outside_window_when_interpolated_then_edges_split_linearly() {
    // Readings at 09:50 (0) and 10:10 (2000): 1000 Wh fall before 10:00 and 1000 after.
    let readings = vec![Sample::new(at(9, 50), 0.0), Sample::new(at(10, 10), 2000.0), Sample::new(at(11, 10), 2000.0)];
    let r = integrate_meter(&readings, &quarter_slots(&hour(10)), Duration::minutes(30), None, None);
    assert_eq!(round_cumulative(&r.slot_wh), vec![1000, 0, 0, 0]);
    assert!(r.covered < Duration::hours(1), "the 60-minute pair is longer than the maximum gap");
}

fn series(device: DeviceId, point: &str, samples: Vec<Sample>) -> SeriesMap {
    [((device, point.to_owned()), samples)].into_iter().collect()
}

#[test]
fn given_meter_with_active_power_then_grid_import_and_export_from_sign() {
    let meter = DeviceId::new();
    let devices = vec![DeviceRef { id: meter, kind: "meter".to_owned() }];
    // Import 4 kW for the first half hour, export 2 kW for the second (instant switch at 10:30).
    let mut samples = per_minute(at(10, 0), 30, |_| 4000.0);
    samples.extend(per_minute(at(10, 30) + Duration::seconds(1), 30, |_| -2000.0));
    let s = series(meter, "active_power_w", super::samples::clean(samples));
    let h = compute_hour(&hour(10), &devices, &s, &EnergyRules { max_gap: gap5(), rollover_wh: None }, &Highs::new());
    assert_eq!(h.energy.grid_import_wh, 2000);
    assert_eq!(h.energy.grid_export_wh, 1000);
    assert_eq!(h.slots.len(), 4);
    assert_eq!(h.slots[0].energy.grid_import_wh, 1000);
    assert_eq!(h.points.len(), 1);
}

#[test]
fn given_device_with_meter_and_power_then_meter_wins_and_no_double_count() {
    let meter = DeviceId::new();
    let devices = vec![DeviceRef { id: meter, kind: "meter".to_owned() }];
    let mut s = series(meter, "active_power_w", per_minute(at(10, 0), 60, |_| 6000.0));
    s.insert((meter, "energy_import_wh".to_owned()), per_minute(at(10, 0), 60, |m| 100.0 * m as f64));
    let h = compute_hour(&hour(10), &devices, &s, &EnergyRules { max_gap: gap5(), rollover_wh: None }, &Highs::new());
    assert_eq!(h.energy, FlowEnergy { grid_import_wh: 6000, ..FlowEnergy::default() });
    assert_eq!(h.coverage, 1.0);
    assert_eq!(h.quality, None);
}

#[test]
fn given_no_data_then_zero_energy_with_no_data_quality() {
    let pv = DeviceId::new();
    let devices = vec![DeviceRef { id: pv, kind: "pv_inverter".to_owned() }];
    let h = compute_hour(
        &hour(10),
        &devices,
        &SeriesMap::new(),
        &EnergyRules { max_gap: gap5(), rollover_wh: None },
        &Highs::new(),
    );
    assert_eq!(h.energy, FlowEnergy::default());
    assert_eq!((h.coverage, h.quality.as_deref()), (0.0, Some("no data")));
    let mut e = FlowEnergy::default();
    Flow::Charging.add_to(&mut e, 5);
    assert_eq!(e.charging_wh, 5);
}

fn tenant() -> TenantId {
    TenantId::parse("acme").unwrap()
}

#[test]
fn given_berlin_dst_days_then_23_and_25_hours_and_shanghai_always_24() {
    let berlin = StationTz::parse("Europe/Berlin").unwrap();
    let shanghai = StationTz::parse("Asia/Shanghai").unwrap();
    let count = |tz: StationTz, y, m, d| {
        let day = tz.window_containing(Granularity::Day, Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap());
        tz.windows_between(Granularity::Hour, day.start, day.end).len()
    };
    assert_eq!(count(berlin, 2026, 3, 29), 23);
    assert_eq!(count(berlin, 2026, 10, 25), 25);
    assert_eq!(count(berlin, 2026, 6, 1), 24);
    assert_eq!(count(shanghai, 2026, 3, 29), 24);
    assert_eq!(count(shanghai, 2026, 10, 25), 24);
}

#[test]
fn given_first_data_then_tracking_starts_at_local_midnight_and_hours_come_due_after_grace() {
    let tz = StationTz::parse("Asia/Shanghai").unwrap();
    let station = StationId::new();
    let first = on_data(
        &tenant(),
        station,
        tz,
        None,
        &[SeriesArrival::alone(at(10, 20), at(10, 30))],
        at(0, 0) - Duration::days(400),
    )
    .unwrap();
    // Local midnight in Shanghai (UTC+8) is 16:00 UTC the day before.
    assert_eq!(first.cursor.tracked_from, Utc.with_ymd_and_hms(2026, 5, 31, 16, 0, 0).unwrap());
    assert!(first.dirty_hours.is_empty());
    let due = due_hours(&first.cursor, at(10, 4), Duration::minutes(5), 100);
    assert_eq!(due.len(), 17, "16:00 the day before .. 09:00 have ended 5 min ago; 09:00-10:00 ended only 4 min ago");
    let due = due_hours(&first.cursor, at(10, 5), Duration::minutes(5), 100);
    assert_eq!(due.len(), 18);
}

#[test]
fn given_late_data_then_closed_hours_dirty_and_earlier_days_tracked() {
    let tz = StationTz::UTC;
    let station = StationId::new();
    let mut cursor = on_data(
        &tenant(),
        station,
        tz,
        None,
        &[SeriesArrival::alone(at(10, 0), at(10, 0))],
        at(0, 0) - Duration::days(9),
    )
    .unwrap()
    .cursor;
    cursor.closed_until = at(12, 0);
    let late = on_data(
        &tenant(),
        station,
        tz,
        Some(cursor.clone()),
        &[SeriesArrival::alone(at(9, 30), at(10, 10))],
        at(0, 0) - Duration::days(9),
    )
    .unwrap();
    assert_eq!(late.dirty_hours, vec![hour(9), hour(10)]);
    assert!(!late.changed);
    let open =
        on_data(&tenant(), station, tz, Some(cursor.clone()), &[SeriesArrival::alone(at(12, 30), at(13, 0))], at(0, 0))
            .unwrap();
    assert!(open.dirty_hours.is_empty(), "data for hours not closed yet needs no recompute");
    let earlier = on_data(
        &tenant(),
        station,
        tz,
        Some(cursor),
        &[SeriesArrival::alone(at(10, 0) - Duration::days(1), at(10, 0) - Duration::days(1))],
        at(0, 0) - Duration::days(9),
    )
    .unwrap();
    assert!(earlier.changed);
    assert_eq!(earlier.cursor.tracked_from, at(0, 0) - Duration::days(1));
    assert_eq!(earlier.dirty_hours.len(), 24, "the whole earlier day is computed");
}
