//! Given/when/then tests of the charging session aggregate.

use crate::domain::session::Stopped;
use crate::{
    AuthorizationStatus, ChargePointId, ChargingSession, IdToken, MeterSample, NewSession, SessionState, StopInput,
    StopReason, TransactionId,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_kernel::{TenantId, Wh};
use SessionState::*;

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

pub(crate) fn session_with(authorization: AuthorizationStatus, meter_start: i64) -> ChargingSession {
    let new = NewSession {
        tenant: TenantId::parse("acme").unwrap(),
        charge_point_id: ChargePointId::new(),
        station_id: None,
        transaction_id: TransactionId(1),
        connector: 1,
        id_tag: IdToken::parse("TAG1").unwrap(),
        authorization,
        reservation_id: None,
        meter_start: Wh(meter_start),
        started_at: t0(),
    };
    ChargingSession::start(new, t0()).0
}

fn session() -> ChargingSession {
    session_with(AuthorizationStatus::Accepted, 1000)
}

pub(crate) fn stop_at(meter: i64, secs: i64) -> StopInput {
    StopInput { meter_stop: Wh(meter), stopped_at: t0() + Duration::seconds(secs), reason: None, id_tag: None }
}

fn sample(register: i64, power: i64) -> MeterSample {
    MeterSample { at: t0(), energy_register: Some(Wh(register)), power_w: Some(power), soc_percent: None }
}

#[test]
fn given_start_then_starting_with_creation_transition_and_zero_energy() {
    let s = session();
    assert_eq!(s.state, Starting);
    assert_eq!(s.transitions.len(), 1);
    assert_eq!(s.energy(), Wh(0));
    assert_eq!(s.duration_s(), None);
}

#[test]
fn given_running_session_when_stopped_then_completed_with_energy_duration_and_local_reason() {
    let mut s = session();
    s.transition(Charging, "status", t0()).unwrap();
    let stopped = s.stop(&stop_at(13_345, 3600), t0()).unwrap();
    assert!(matches!(stopped, Stopped::Ended(ref t) if t.from == Some(Charging) && t.to == Completed));
    assert_eq!(s.energy(), Wh(12_345));
    assert_eq!(s.duration_s(), Some(3600));
    assert_eq!(s.stop_reason, Some(StopReason::Local));
}

#[test]
fn given_stopped_session_when_same_stop_again_then_repeated_and_other_stop_refused() {
    let mut s = session();
    s.stop(&stop_at(2000, 60), t0()).unwrap();
    assert_eq!(s.stop(&stop_at(2000, 60), t0()).unwrap(), Stopped::Repeated);
    assert_eq!(s.stop(&stop_at(2500, 90), t0()).unwrap_err().code(), "session_ended");
    assert_eq!(s.meter_stop, Some(Wh(2000)));
}

#[test]
fn given_refused_tag_when_stopped_then_failed() {
    let mut s = session_with(AuthorizationStatus::Invalid, 0);
    s.stop(&stop_at(10, 60), t0()).unwrap();
    assert_eq!(s.state, Failed);
}

#[test]
fn given_stop_below_start_when_stopped_then_zero_energy_and_flagged() {
    let mut s = session();
    s.stop(&stop_at(900, 60), t0()).unwrap();
    assert_eq!(s.energy(), Wh(0));
    assert!(s.meter_went_backwards);
}

#[test]
fn given_samples_when_recorded_then_register_and_max_power_follow_and_backwards_register_is_flagged() {
    let mut s = session();
    let summary = s.record_samples(&[sample(1500, 7000), sample(1400, 11_000), sample(1600, 3000)], t0()).unwrap();
    assert_eq!(summary.recorded, 3);
    assert!(summary.went_backwards);
    assert_eq!(s.last_register, Wh(1600));
    assert_eq!(s.max_power_w, Some(11_000));
    assert_eq!(s.energy(), Wh(600));
}

#[test]
fn given_ended_session_when_samples_recorded_then_session_ended() {
    let mut s = session();
    s.stop(&stop_at(2000, 60), t0()).unwrap();
    assert_eq!(s.record_samples(&[sample(2500, 1)], t0()).unwrap_err().code(), "session_ended");
}

#[test]
fn given_running_session_when_closed_then_failed_at_highest_register_with_reason() {
    let mut s = session();
    s.record_samples(&[sample(1800, 0)], t0()).unwrap();
    let t = s.close(StopReason::ClosedAtBoot, "boot", t0() + Duration::seconds(30)).unwrap();
    assert_eq!(t.to, Failed);
    assert_eq!(s.meter_stop, Some(Wh(1800)));
    assert_eq!(s.energy(), Wh(800));
    assert_eq!(s.stop_reason, Some(StopReason::ClosedAtBoot));
    assert!(s.close(StopReason::Superseded, "again", t0()).is_err());
}

#[test]
fn given_illegal_move_when_transitioned_then_refused_and_state_kept() {
    let mut s = session();
    s.transition(Finishing, "status", t0()).unwrap();
    let err = s.transition(Charging, "status", t0()).unwrap_err();
    assert_eq!(err.code(), "illegal_session_transition");
    assert_eq!(s.state, Finishing);
    assert_eq!(s.transition(Finishing, "repeat", t0()).unwrap(), None);
}

#[test]
fn given_update_throttle_then_due_first_and_after_interval_only() {
    let mut s = session();
    let min = Duration::seconds(60);
    assert!(s.update_due(t0(), min));
    s.last_update_event_at = Some(t0());
    assert!(!s.update_due(t0() + Duration::seconds(59), min));
    assert!(s.update_due(t0() + Duration::seconds(60), min));
}
