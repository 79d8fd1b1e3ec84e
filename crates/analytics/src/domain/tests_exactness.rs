//! Given/when/then tests of what makes a window's figure independent of arrival order: the
//! counter's carried cycle high, the reach of new samples, and when a series counts.

#![allow(clippy::unwrap_used)]

use super::carry::{highs_out, starts_stale, Carries, Highs, MeterCarry};
use super::hour::{compute_hour, DeviceRef, EnergyRules, SeriesMap};
use super::meter::{high_before, increments, Step};
use super::samples::Sample;
use super::tracking::{on_data, SeriesArrival, StationCursor};
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_kernel::{DeviceId, StationId, StationTz, TenantId, Window};

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, h, m, s).unwrap()
}

fn hour(h: u32) -> Window {
    Window { start: at(h, 0, 0), end: at(h, 0, 0) + Duration::hours(1) }
}

#[test]
fn given_a_stale_reading_before_the_window_when_the_high_is_carried_then_only_growth_over_the_high_counts() {
    // 06:58 read 948 (the high), 06:59 re-sent an older 208, 07:01:01 reads 558 (+1000 offset).
    let slice = vec![Sample::new(at(6, 59, 0), 100_208.0), Sample::new(at(7, 1, 1), 101_558.0)];
    assert_eq!(increments(&slice, None, Some(100_948.0)), vec![(610.0, Step::Growth)]);
    assert_eq!(increments(&slice, None, None), vec![(1350.0, Step::Growth)], "without the carry: counted twice");
}

#[test]
fn given_a_carried_high_below_the_first_reading_then_the_reading_is_the_high() {
    let slice = vec![Sample::new(at(6, 59, 0), 500.0), Sample::new(at(7, 1, 0), 600.0)];
    assert_eq!(increments(&slice, None, Some(400.0)), vec![(100.0, Step::Growth)]);
}

#[test]
fn given_readings_with_jitter_and_a_reset_when_asked_for_the_high_then_it_is_the_cycle_high_before_the_instant() {
    let r = vec![
        Sample::new(at(10, 0, 0), 1000.0),
        Sample::new(at(10, 20, 0), 990.0),
        Sample::new(at(10, 40, 0), 1200.0),
        Sample::new(at(11, 0, 0), 100.0),
    ];
    assert_eq!(high_before(&r, None, None, at(10, 0, 0)), None, "no reading before");
    assert_eq!(high_before(&r, None, None, at(10, 30, 0)), Some(1000.0), "990 is jitter");
    assert_eq!(high_before(&r, None, Some(1500.0), at(10, 59, 0)), Some(1500.0), "1200 is jitter to a carried 1500");
    assert_eq!(high_before(&r, None, None, at(11, 0, 1)), Some(100.0), "the reset starts a new cycle");
}

#[test]
fn given_stored_carries_when_the_hour_before_hands_on_other_highs_then_the_hour_starts_stale() {
    let key = (DeviceId::new(), "energy_import_wh".to_owned());
    let stored: Carries = [(key.clone(), MeterCarry { high_in: Some(100.0), high_out: Some(150.0) })].into();
    let handed = |h: Option<f64>| -> Highs { h.map(|h| (key.clone(), h)).into_iter().collect() };
    assert!(!starts_stale(&handed(Some(100.0)), &stored));
    assert!(starts_stale(&handed(Some(120.0)), &stored));
    assert!(starts_stale(&handed(None), &stored));
    assert_eq!(highs_out(&stored), handed(Some(150.0)));
}

#[test]
fn given_new_samples_between_stored_ones_then_they_reach_from_the_one_before_to_the_one_after() {
    let a =
        SeriesArrival { from: at(13, 1, 8), to: at(13, 30, 0), prev: Some(at(12, 59, 8)), next: Some(at(14, 0, 0)) };
    assert_eq!(a.reach(), (at(12, 59, 8), Some(at(14, 0, 0))));
    let last = SeriesArrival { next: None, ..a };
    assert_eq!(last.reach(), (at(12, 59, 8), Some(at(13, 30, 0))), "later hours keep naming it as no data");
    let first_ever = SeriesArrival { prev: None, next: None, ..a };
    assert_eq!(first_ever.reach(), (at(13, 1, 8), None), "every later hour names it from now on");
}

fn cursor(closed_until: DateTime<Utc>) -> StationCursor {
    StationCursor {
        tenant: TenantId::parse("acme").unwrap(),
        station_id: StationId::new(),
        tz: StationTz::UTC,
        tracked_from: at(0, 0, 0),
        closed_until,
    }
}

#[test]
fn given_a_gap_after_the_hour_filled_late_when_marked_then_the_hour_before_is_dirty_too() {
    let c = cursor(at(16, 0, 0));
    let a =
        SeriesArrival { from: at(13, 1, 8), to: at(13, 30, 8), prev: Some(at(12, 59, 8)), next: Some(at(14, 2, 0)) };
    let marked = on_data(&c.tenant, c.station_id, c.tz, Some(c.clone()), &[a], at(0, 0, 0)).unwrap();
    assert_eq!(marked.dirty_hours, vec![hour(12), hour(13), hour(14)]);
    let first_ever = SeriesArrival { prev: None, next: None, ..a };
    let marked = on_data(&c.tenant, c.station_id, c.tz, Some(c.clone()), &[first_ever], at(0, 0, 0)).unwrap();
    assert_eq!(marked.dirty_hours, vec![hour(13), hour(14), hour(15)], "closed hours from it on");
}

#[test]
fn given_a_series_whose_first_sample_is_after_the_hour_when_computed_then_the_hour_does_not_name_it() {
    let pv = DeviceId::new();
    let devices = vec![DeviceRef { id: pv, kind: "pv_inverter".to_owned() }];
    let rules = EnergyRules { max_gap: Duration::minutes(5), rollover_wh: None };
    let series: SeriesMap = [((pv, "pv_power_w".to_owned()), vec![Sample::new(at(11, 0, 0), 100.0)])].into();
    let before = compute_hour(&hour(10), &devices, &series, &rules, &Highs::new());
    assert_eq!((before.points.len(), before.quality.as_deref()), (0, Some("no data")));
    let series: SeriesMap = [((pv, "pv_power_w".to_owned()), vec![Sample::new(at(9, 59, 0), 100.0)])].into();
    let after = compute_hour(&hour(10), &devices, &series, &rules, &Highs::new());
    assert_eq!(after.points.len(), 1, "after its last sample the hour names it as no data");
}
