//! Given/when/then tests of what makes a window's figure independent of arrival order: the
//! counter's carried cycle high.

#![allow(clippy::unwrap_used)]

use super::carry::{highs_out, starts_stale, Carries, Highs, MeterCarry};
use super::meter::{high_before, increments, Step};
use super::samples::Sample;
use chrono::{DateTime, TimeZone, Utc};
use mgc_kernel::DeviceId;

fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, h, m, s).unwrap()
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
