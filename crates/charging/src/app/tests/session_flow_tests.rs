//! StartTransaction, MeterValues and StopTransaction.

use super::*;
use crate::{
    meter_values, start_transaction, stop_transaction, AuthorizationStatus, MeterSample, MeterValuesInput,
    MeterValuesOutcome, SessionState, StopEffect, StopReason, UnmatchedStopKind,
};
use mgc_contracts::{ChargingSessionEnded, ChargingSessionStarted, ChargingSessionUpdated};

fn sample(register: i64, power: i64, secs: i64) -> MeterSample {
    MeterSample { at: at(secs), energy_register: Some(Wh(register)), power_w: Some(power), soc_percent: None }
}

async fn send_meter(w: &World, id: Option<TransactionId>, samples: Vec<MeterSample>, secs: i64) -> MeterValuesOutcome {
    let input = MeterValuesInput { connector: 1, transaction_id: id, samples };
    meter_values(w.store.tx(), &tenant(), &cp1(), input, &w.settings, at(secs)).await.unwrap()
}

#[tokio::test]
async fn given_accepted_tag_when_started_then_session_starting_with_transaction_id_and_event() {
    let w = World::new();
    w.booted().await;
    w.tag_with("TAG1", AuthorizationStatus::Accepted, None).await;
    let out = w.start(1, 1000, 10).await;
    assert!(out.created);
    assert_eq!(out.id_tag_info.status, AuthorizationStatus::Accepted);
    let s = w.store.session(out.transaction_id);
    assert_eq!((s.state, s.meter_start, s.connector), (SessionState::Starting, Wh(1000), 1));
    let started = w.store.events::<ChargingSessionStarted>();
    assert_eq!(started[0].transaction_id, out.transaction_id.0);
}

#[tokio::test]
async fn given_same_start_resent_after_reconnect_then_same_transaction_and_no_second_session() {
    let w = World::new();
    w.booted().await;
    let first = w.start(1, 1000, 10).await;
    let again = w.start(1, 1000, 10).await;
    assert_eq!(again.transaction_id, first.transaction_id);
    assert!(!again.created);
    assert_eq!(w.store.snapshot().sessions.len(), 1);
    assert_eq!(w.store.events::<ChargingSessionStarted>().len(), 1);
}

#[tokio::test]
async fn given_open_session_when_new_start_on_same_connector_then_old_superseded_and_new_created() {
    let w = World::new();
    w.booted().await;
    let first = w.start(1, 1000, 10).await;
    let second = w.start(1, 1500, 100).await;
    assert_eq!(second.superseded, vec![first.transaction_id]);
    assert_ne!(second.transaction_id, first.transaction_id);
    assert_eq!(w.store.session(first.transaction_id).stop_reason, Some(StopReason::Superseded));
}

#[tokio::test]
async fn given_connector_zero_when_started_then_invalid_and_nothing_committed() {
    let w = World::new();
    w.booted().await;
    let err = start_transaction(w.store.tx(), &tenant(), &cp1(), start_req(0, 0, 0), t0()).await.unwrap_err();
    assert_eq!(err.code(), "invalid_charging_input");
    assert!(w.store.snapshot().sessions.is_empty());
}

#[tokio::test]
async fn given_unknown_tag_when_started_then_session_opened_invalid_and_ends_failed() {
    let w = World::new();
    w.booted().await;
    let out = w.start(1, 0, 0).await;
    assert_eq!(out.id_tag_info.status, AuthorizationStatus::Invalid);
    w.stop(out.transaction_id, 10, 30).await;
    assert_eq!(w.store.session(out.transaction_id).state, SessionState::Failed);
}

#[tokio::test]
async fn given_running_session_when_meter_values_arrive_then_samples_kept_and_updates_throttled() {
    let w = World::new();
    w.booted().await;
    let id = w.start(1, 1000, 0).await.transaction_id;
    let first = send_meter(&w, Some(id), vec![sample(1200, 7400, 30)], 30).await;
    assert!(matches!(first, MeterValuesOutcome::Recorded { update_emitted: true, .. }));
    let within = send_meter(&w, Some(id), vec![sample(1300, 11_000, 60)], 60).await;
    assert!(matches!(within, MeterValuesOutcome::Recorded { update_emitted: false, .. }));
    let after = send_meter(&w, None, vec![sample(1500, 7000, 90)], 90).await;
    assert!(matches!(after, MeterValuesOutcome::Recorded { update_emitted: true, .. }));
    let updates = w.store.events::<ChargingSessionUpdated>();
    assert_eq!(updates.iter().map(|u| u.energy_wh).collect::<Vec<_>>(), vec![Wh(200), Wh(500)]);
    assert_eq!(updates[1].max_power_w, Some(11_000));
    assert_eq!(w.store.snapshot().samples.len(), 3);
}

#[tokio::test]
async fn given_no_session_or_foreign_transaction_when_meter_values_then_not_kept() {
    let w = World::new();
    w.booted().await;
    assert_eq!(send_meter(&w, None, vec![sample(1, 1, 0)], 0).await, MeterValuesOutcome::NoSession);
    let unknown = send_meter(&w, Some(TransactionId(99)), vec![sample(1, 1, 0)], 0).await;
    assert_eq!(unknown, MeterValuesOutcome::UnknownTransaction(TransactionId(99)));
    let id = w.start(1, 0, 0).await.transaction_id;
    w.stop(id, 10, 10).await;
    assert_eq!(send_meter(&w, Some(id), vec![sample(20, 1, 20)], 20).await, MeterValuesOutcome::SessionEnded(id));
    assert!(w.store.snapshot().samples.is_empty());
}

#[tokio::test]
async fn given_running_session_when_stopped_then_completed_with_energy_and_ended_event() {
    let w = World::new();
    w.booted().await;
    w.tag_with("TAG1", AuthorizationStatus::Accepted, None).await;
    let id = w.start(1, 1000, 0).await.transaction_id;
    let mut req = stop_req(id, 13_345, 3600);
    req.reason = Some(StopReason::EvDisconnected);
    req.id_tag = Some(tag("TAG1"));
    req.transaction_data = vec![sample(5000, 11_000, 1800)];
    let out = stop_transaction(w.store.tx(), &tenant(), &cp1(), req, at(3601)).await.unwrap();
    assert_eq!(out.effect, StopEffect::Ended { state: SessionState::Completed, energy: Wh(12_345) });
    assert_eq!(out.id_tag_info.unwrap().status, AuthorizationStatus::Accepted);
    let ended = w.store.events::<ChargingSessionEnded>();
    assert_eq!(ended.len(), 1);
    let e = &ended[0];
    assert_eq!((e.energy_wh, e.duration_s, e.reason.as_str()), (Wh(12_345), 3600, "ev_disconnected"));
    assert_eq!(e.max_power_w, Some(11_000));
    assert_eq!(w.store.snapshot().samples.len(), 1);
}

#[tokio::test]
async fn given_stopped_session_when_same_stop_resent_then_repeated_without_new_event() {
    let w = World::new();
    w.booted().await;
    let id = w.start(1, 1000, 0).await.transaction_id;
    w.stop(id, 2000, 60).await;
    let again = w.stop(id, 2000, 60).await;
    assert_eq!(again.effect, StopEffect::Repeated);
    assert_eq!(w.store.events::<ChargingSessionEnded>().len(), 1);
    assert!(w.store.snapshot().unmatched.is_empty());
}

#[tokio::test]
async fn given_unknown_transaction_when_stopped_then_recorded_as_unmatched_not_lost() {
    let w = World::new();
    w.booted().await;
    let out = w.stop(TransactionId(4242), 5000, 60).await;
    assert_eq!(out.effect, StopEffect::Unmatched(UnmatchedStopKind::UnknownTransaction));
    let unmatched = w.store.snapshot().unmatched;
    assert_eq!((unmatched[0].transaction_id, unmatched[0].meter_stop), (TransactionId(4242), Wh(5000)));
}

#[tokio::test]
async fn given_session_closed_at_boot_when_its_late_stop_arrives_then_recorded_after_end() {
    let w = World::new();
    w.booted().await;
    let id = w.start(1, 1000, 0).await.transaction_id;
    w.boot_at(at(100)).await;
    let out = w.stop(id, 1800, 90).await;
    assert_eq!(out.effect, StopEffect::Unmatched(UnmatchedStopKind::AfterEnd));
    assert_eq!(w.store.session(id).state, SessionState::Failed);
    assert_eq!(w.store.snapshot().unmatched[0].meter_stop, Wh(1800));
}
