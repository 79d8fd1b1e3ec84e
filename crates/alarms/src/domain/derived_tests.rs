//! Given/when/then tests of the charging and notification rule kinds: each is an ordinary rule
//! (as POST /api/v1/alarm-rules accepts it) over a derived point, run through the same evaluation.

use super::derived::*;
use super::evaluation::*;
use crate::domain::condition::Values;
use crate::domain::rule::{RuleInput, Trigger};
use crate::Severity;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap() + Duration::seconds(secs)
}

/// The validated trigger of an API rule body.
fn trigger(body: Value) -> Trigger {
    let input: RuleInput = serde_json::from_value(body).unwrap();
    input.into_spec().unwrap().0.trigger
}

/// Runs `samples` ((seconds, point, value, fresh)) through the rule; returns the decisions.
fn run(body: Value, samples: &[(i64, &str, f64, bool)]) -> Vec<Decision> {
    let Trigger::Threshold { levels, clear_condition, hysteresis, duration_secs, repeat_count } = trigger(body) else {
        panic!("threshold rule expected")
    };
    let rule = ThresholdRule {
        levels: &levels,
        clear_condition: clear_condition.as_ref(),
        hysteresis,
        duration_secs,
        repeat_count,
    };
    let (mut state, mut open, mut values, mut out) = (RuleState::default(), None, Values::new(), Vec::new());
    for (at, point, value, fresh) in samples {
        values.insert((*point).to_owned(), *value);
        let d =
            evaluate_threshold(&rule, &mut state, open, Sample { at: t(*at), values: &values, fresh: *fresh }, true);
        match &d {
            Decision::Raise { severity, .. } => open = Some(*severity),
            Decision::Clear => open = None,
            _ => {}
        }
        out.push(d);
    }
    out
}

fn raised(d: &Decision) -> bool {
    matches!(d, Decision::Raise { .. })
}

#[test]
fn given_an_offline_rule_of_10_minutes_when_a_pile_stays_disconnected_11_minutes_then_raised_since_the_disconnect_and_cleared_on_reconnect(
) {
    let body = json!({"name": "Pile offline", "severity": "major", "duration_secs": 600,
        "condition": {"point": ONLINE, "op": "<", "value": 1}});
    // Disconnect at 0 (event), ticks at 5 and 11 minutes (not fresh), reconnect at 12.
    let d = run(
        body,
        &[(0, ONLINE, 0.0, true), (300, ONLINE, 0.0, false), (660, ONLINE, 0.0, false), (720, ONLINE, 1.0, true)],
    );
    assert_eq!(d[0], Decision::Nothing);
    assert_eq!(d[1], Decision::Nothing, "5 minutes is not 10");
    assert!(matches!(&d[2], Decision::Raise { severity: Severity::Major, since, .. } if *since == t(0)), "{d:?}");
    assert_eq!(d[3], Decision::Clear);
}

#[test]
fn given_an_offline_rule_when_the_pile_reconnects_within_n_minutes_then_nothing_is_raised() {
    let body = json!({"name": "Pile offline", "severity": "major", "duration_secs": 600,
        "condition": {"point": ONLINE, "op": "<", "value": 1}});
    let d = run(body, &[(0, ONLINE, 0.0, true), (240, ONLINE, 1.0, true), (700, ONLINE, 1.0, false)]);
    assert!(!d.iter().any(raised), "{d:?}");
}

#[test]
fn given_a_port_fault_rule_when_the_port_faults_then_raised_at_once_and_cleared_when_it_leaves_faulted() {
    let point = fault_point(2);
    let body = json!({"name": "Port 2 fault", "severity": "critical", "condition": {"point": point, "op": "==", "value": 1},
        "message": "{device} port fault: {point} ({detail})"});
    let d = run(body, &[(0, &point, 0.0, true), (10, &point, 1.0, true), (20, &point, 0.0, true)]);
    assert_eq!(d[0], Decision::Nothing);
    let Decision::Raise { hit: Some(hit), severity: Severity::Critical, .. } = &d[1] else { panic!("{d:?}") };
    assert_eq!((hit.point.as_str(), hit.value), ("connector_2_fault", 1.0));
    assert_eq!(d[2], Decision::Clear);
}

#[test]
fn given_an_error_rate_rule_with_hysteresis_when_3_of_4_sessions_fail_then_raised_and_cleared_only_well_below() {
    let point = "session_error_rate_pct_last_4";
    let body = json!({"name": "Sessions failing", "severity": "major", "hysteresis": 10,
        "condition": {"point": point, "op": ">=", "value": 70}});
    let rate = |outcomes: &[bool]| error_rate_pct(outcomes).unwrap();
    let d = run(
        body,
        &[
            (0, point, rate(&[false]), true),
            (60, point, rate(&[true, false]), true),
            (120, point, rate(&[true, true, false]), true),
            (180, point, rate(&[true, true, true, false]), true),
            (240, point, rate(&[false, true, true, true]), true),
            (300, point, rate(&[false, false, true, true]), true),
        ],
    );
    assert!(!d[..3].iter().any(raised), "50 % and 66.7 % stay below 70 %: {d:?}");
    assert!(raised(&d[3]), "75 %: {d:?}");
    assert!(!matches!(d[4], Decision::Clear), "75 % again keeps it open");
    assert_eq!(d[5], Decision::Clear, "50 % is below 70 − 10");
}

#[test]
fn given_a_backlog_rule_when_deliveries_pile_up_then_raised_and_cleared_when_drained() {
    let body = json!({"name": "Backlog", "severity": "warning", "condition": {"point": NOTIFY_BACKLOG, "op": ">", "value": 5}});
    let d =
        run(body, &[(0, NOTIFY_BACKLOG, 3.0, true), (60, NOTIFY_BACKLOG, 8.0, true), (120, NOTIFY_BACKLOG, 0.0, true)]);
    assert_eq!(d[0], Decision::Nothing);
    assert!(raised(&d[1]), "{d:?}");
    assert_eq!(d[2], Decision::Clear);
}

#[test]
fn given_the_tenant_originator_then_only_unscoped_or_tenant_kind_rules_cover_it() {
    let tenant = mgc_kernel::TenantId::parse("acme").unwrap();
    let origin = tenant_originator(&tenant);
    let all = crate::Scope::default();
    let tenant_kind = crate::Scope { device_kind: Some(TENANT_KIND.into()), ..Default::default() };
    let chargers = crate::Scope { device_kind: Some("charger".into()), ..Default::default() };
    assert!(all.matches(origin.device_id, origin.station_id, &origin.kind));
    assert!(tenant_kind.matches(origin.device_id, origin.station_id, &origin.kind));
    assert!(!chargers.matches(origin.device_id, origin.station_id, &origin.kind));
}
