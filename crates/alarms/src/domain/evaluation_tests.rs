//! Given/when/then tests of rule evaluation: duration, repeat, hysteresis, clear condition,
//! escalation and de-escalation, schedule, no-data, restart with persisted state.

use super::evaluation::*;
use crate::domain::condition::{Condition, Values};
use crate::domain::rule::Level;
use crate::Severity;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap() + Duration::seconds(secs)
}

fn cond(v: serde_json::Value) -> Condition {
    Condition::parse(&v, "c").unwrap()
}

fn over(x: f64) -> Vec<Level> {
    vec![Level { severity: Severity::Major, condition: cond(json!({"point": "temp", "op": ">", "value": x})) }]
}

fn escalating() -> Vec<Level> {
    vec![
        Level { severity: Severity::Critical, condition: cond(json!({"point": "temp", "op": ">", "value": 90})) },
        Level { severity: Severity::Major, condition: cond(json!({"point": "temp", "op": ">", "value": 75})) },
        Level { severity: Severity::Minor, condition: cond(json!({"point": "temp", "op": ">", "value": 60})) },
    ]
}

fn rule(levels: &[Level]) -> ThresholdRule<'_> {
    ThresholdRule { levels, clear_condition: None, hysteresis: 0.0, duration_secs: 0, repeat_count: 1 }
}

fn temp(v: f64) -> Values {
    [("temp".to_owned(), v)].into_iter().collect()
}

fn eval(r: &ThresholdRule<'_>, s: &mut RuleState, open: Option<Severity>, at: i64, v: f64) -> Decision {
    evaluate_threshold(r, s, open, Sample { at: t(at), values: &temp(v), fresh: true }, true)
}

fn raised(d: &Decision) -> Option<Severity> {
    match d {
        Decision::Raise { severity, .. } => Some(*severity),
        _ => None,
    }
}

#[test]
fn given_simple_threshold_when_crossed_then_raises_at_once_with_the_hit() {
    let levels = over(80.0);
    let mut s = RuleState::default();
    assert_eq!(eval(&rule(&levels), &mut s, None, 0, 70.0), Decision::Nothing);
    let d = eval(&rule(&levels), &mut s, None, 1, 85.0);
    let Decision::Raise { severity, hit: Some(hit), since } = d else { panic!("raise expected: {d:?}") };
    assert_eq!((severity, hit.value, hit.threshold.as_str(), since), (Severity::Major, 85.0, "> 80", t(1)));
}

#[test]
fn given_duration_when_condition_holds_shorter_then_no_alarm_and_longer_then_raised() {
    let levels = over(80.0);
    let r = ThresholdRule { duration_secs: 60, ..rule(&levels) };
    let mut s = RuleState::default();
    assert_eq!(eval(&r, &mut s, None, 0, 85.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, None, 30, 85.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, None, 40, 70.0), Decision::Nothing, "a break resets the duration");
    assert_eq!(eval(&r, &mut s, None, 50, 85.0), Decision::Nothing);
    assert_eq!(raised(&eval(&r, &mut s, None, 110, 86.0)), Some(Severity::Major));
}

#[test]
fn given_duration_pending_when_scheduler_ticks_without_new_sample_then_raises() {
    let levels = over(80.0);
    let r = ThresholdRule { duration_secs: 60, ..rule(&levels) };
    let mut s = RuleState::default();
    assert_eq!(eval(&r, &mut s, None, 0, 85.0), Decision::Nothing);
    let tick = |s: &mut RuleState, at| {
        evaluate_threshold(&r, s, None, Sample { at: t(at), values: &temp(85.0), fresh: false }, true)
    };
    assert_eq!(tick(&mut s, 59), Decision::Nothing);
    assert!(matches!(tick(&mut s, 60), Decision::Raise { since, .. } if since == t(0)));
}

#[test]
fn given_pending_state_when_restored_after_restart_then_duration_continues() {
    let levels = over(80.0);
    let r = ThresholdRule { duration_secs: 60, ..rule(&levels) };
    let mut s = RuleState::default();
    eval(&r, &mut s, None, 0, 85.0);
    let persisted = serde_json::to_string(&s).unwrap();
    let mut restored: RuleState = serde_json::from_str(&persisted).unwrap();
    assert_eq!(raised(&eval(&r, &mut restored, None, 60, 85.0)), Some(Severity::Major));
}

#[test]
fn given_repeat_count_when_samples_hold_then_raises_on_the_nth_and_duplicates_do_not_count() {
    let levels = over(80.0);
    let r = ThresholdRule { repeat_count: 3, ..rule(&levels) };
    let mut s = RuleState::default();
    assert_eq!(eval(&r, &mut s, None, 0, 85.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, None, 0, 85.0), Decision::Nothing, "same sample time again");
    assert_eq!(eval(&r, &mut s, None, 1, 85.0), Decision::Nothing);
    assert_eq!(raised(&eval(&r, &mut s, None, 2, 85.0)), Some(Severity::Major));
}

#[test]
fn given_hysteresis_when_value_drops_just_below_threshold_then_stays_open_until_past_margin() {
    let levels = over(80.0);
    let r = ThresholdRule { hysteresis: 5.0, ..rule(&levels) };
    let mut s = RuleState::default();
    let open = Some(Severity::Major);
    assert_eq!(eval(&r, &mut s, open, 0, 78.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, open, 1, 76.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, open, 2, 74.0), Decision::Clear);
}

#[test]
fn given_open_alarm_when_condition_holds_again_then_repeat() {
    let levels = over(80.0);
    let mut s = RuleState::default();
    assert!(
        matches!(eval(&rule(&levels), &mut s, Some(Severity::Major), 0, 90.0), Decision::Repeat { hit } if hit.value == 90.0)
    );
    assert_eq!(eval(&rule(&levels), &mut s, Some(Severity::Major), 1, 70.0), Decision::Clear);
}

#[test]
fn given_explicit_clear_condition_then_clears_only_when_it_holds() {
    let levels = over(80.0);
    let clear = cond(json!({"point": "temp", "op": "<", "value": 50}));
    let r = ThresholdRule { clear_condition: Some(&clear), ..rule(&levels) };
    let mut s = RuleState::default();
    assert_eq!(eval(&r, &mut s, Some(Severity::Major), 0, 60.0), Decision::Nothing);
    assert_eq!(eval(&r, &mut s, Some(Severity::Major), 1, 49.0), Decision::Clear);
}

#[test]
fn given_levels_when_value_rises_and_falls_then_escalates_and_de_escalates() {
    let levels = escalating();
    let r = rule(&levels);
    let mut s = RuleState::default();
    assert_eq!(raised(&eval(&r, &mut s, None, 0, 65.0)), Some(Severity::Minor));
    assert!(matches!(eval(&r, &mut s, Some(Severity::Minor), 1, 80.0), Decision::Change { to: Severity::Major, .. }));
    assert!(matches!(
        eval(&r, &mut s, Some(Severity::Major), 2, 95.0),
        Decision::Change { to: Severity::Critical, .. }
    ));
    assert!(matches!(
        eval(&r, &mut s, Some(Severity::Critical), 3, 70.0),
        Decision::Change { to: Severity::Minor, .. }
    ));
    assert_eq!(eval(&r, &mut s, Some(Severity::Minor), 4, 55.0), Decision::Clear);
}

#[test]
fn given_levels_with_hysteresis_when_slightly_below_current_level_then_kept() {
    let levels = escalating();
    let r = ThresholdRule { hysteresis: 3.0, ..rule(&levels) };
    let mut s = RuleState::default();
    assert!(matches!(eval(&r, &mut s, Some(Severity::Critical), 0, 88.0), Decision::Repeat { .. }));
    assert!(matches!(
        eval(&r, &mut s, Some(Severity::Critical), 1, 86.0),
        Decision::Change { to: Severity::Major, .. }
    ));
}

#[test]
fn given_schedule_inactive_when_condition_holds_then_no_raise_and_pending_reset() {
    let levels = over(80.0);
    let r = ThresholdRule { duration_secs: 60, ..rule(&levels) };
    let mut s = RuleState::default();
    let d = evaluate_threshold(&r, &mut s, None, Sample { at: t(0), values: &temp(85.0), fresh: true }, false);
    assert_eq!(d, Decision::Nothing);
    assert_eq!(s.pending_since, None);
}

#[test]
fn given_cooldown_when_checked_then_only_after_gap() {
    let s = RuleState { last_notified_at: Some(t(0)), ..RuleState::default() };
    assert!(!s.may_notify(t(299), 300));
    assert!(s.may_notify(t(300), 300));
    assert!(RuleState::default().may_notify(t(0), 300));
}

#[test]
fn given_no_data_when_device_silent_long_enough_then_raises_and_clears_on_data() {
    let watch = t(0);
    assert_eq!(evaluate_no_data(600, Severity::Major, Some(t(100)), watch, t(699), false, true), Decision::Nothing);
    assert!(matches!(
        evaluate_no_data(600, Severity::Major, Some(t(100)), watch, t(700), false, true),
        Decision::Raise { since, hit: None, .. } if since == t(100)
    ));
    assert_eq!(evaluate_no_data(600, Severity::Major, Some(t(800)), watch, t(900), true, true), Decision::Clear);
}

#[test]
fn given_no_data_when_device_never_reported_then_silence_counts_from_watch_start() {
    let watch = t(0);
    assert_eq!(evaluate_no_data(600, Severity::Minor, None, watch, t(599), false, true), Decision::Nothing);
    assert!(matches!(evaluate_no_data(600, Severity::Minor, None, watch, t(600), false, true), Decision::Raise { .. }));
    assert_eq!(evaluate_no_data(600, Severity::Minor, None, watch, t(600), false, false), Decision::Nothing);
}
