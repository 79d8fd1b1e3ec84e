//! The audit trail the services append, in the unit of work of each step.

use super::*;
use crate::{
    authorize, connected, disconnected, meter_values, settlement_uploaded, start_answered, status_notification,
    stop_requested, AuthorizationStatus, ConnectorErrorCode, ConnectorStatus, FrameRef, MeterSample, MeterValuesInput,
    SettlementUpload, StatusReport, TimelineKind as K,
};
use serde_json::json;

fn sample(register: i64, secs: i64) -> MeterSample {
    MeterSample { at: at(secs), energy_register: Some(Wh(register)), power_w: Some(7000), soc_percent: None }
}

async fn meter(w: &World, id: TransactionId, register: i64, secs: i64) {
    let input = MeterValuesInput { connector: 1, transaction_id: Some(id), samples: vec![sample(register, secs)] };
    meter_values(w.store.tx(), &tenant(), &cp1(), input, &w.settings, at(secs)).await.unwrap();
}

#[tokio::test]
async fn given_a_full_session_then_every_step_is_on_the_timeline_in_order_with_its_frame() {
    let w = World::new();
    w.booted().await;
    w.tag_with("TAG1", AuthorizationStatus::Accepted, None).await;
    assert!(connected(w.store.tx(), &tenant(), &cp1(), json!({"protocol": "ocpp1.6j"}), at(1)).await.unwrap());
    let report = StatusReport {
        connector: 1,
        status: ConnectorStatus::Preparing,
        error_code: ConnectorErrorCode::NoError,
        info: None,
        vendor_id: None,
        vendor_error_code: None,
        timestamp: None,
    };
    status_notification(w.store.tx(), &tenant(), &cp1(), report, at(2)).await.unwrap();
    authorize(w.store.framed(FrameRef::ocpp("a-1", "Authorize")), &tenant(), &cp1(), &tag("TAG1"), at(3))
        .await
        .unwrap();
    let id = w.start(1, 1000, 4).await.transaction_id;
    meter(&w, id, 1500, 5).await;
    meter(&w, id, 1400, 6).await;
    stop_requested(w.store.tx(), &tenant(), &cp1(), id, json!({"by": "operator"}), at(7)).await.unwrap();
    w.stop(id, 2000, 8).await;
    disconnected(w.store.tx(), &tenant(), &cp1(), at(9)).await.unwrap();
    let kinds = w.store.timeline_kinds();
    assert_eq!(
        kinds,
        [
            K::Registered,
            K::Connected,
            K::StatusChanged,
            K::Authorized,
            K::StartRequested,
            K::StartAccepted,
            K::MeterProgress,
            K::MeterProgress,
            K::NegativeMeterDelta,
            K::StopRequested,
            K::Stopped,
            K::Disconnected
        ]
    );
    let events = w.store.snapshot().timeline;
    assert_eq!(events[3].frame, Some(FrameRef::ocpp("a-1", "Authorize")));
    assert_eq!(events[3].details["status"], "accepted");
    assert_eq!(events[2].connector, Some(1));
    let session = w.store.session(id);
    assert!(events[4..11].iter().all(|e| e.session_id == Some(session.id)));
    assert_eq!(events[10].details["energy_wh"], 1000);
}

#[tokio::test]
async fn given_a_refused_tag_when_started_then_start_refused_follows_the_request() {
    let w = World::new();
    w.booted().await;
    w.tag_with("TAG1", AuthorizationStatus::Blocked, None).await;
    w.start(1, 0, 1).await;
    assert_eq!(w.store.timeline_kinds()[1..], [K::StartRequested, K::StartRefused]);
}

#[tokio::test]
async fn given_an_open_session_when_the_charge_point_reboots_then_stopped_and_session_without_stop() {
    let w = World::new();
    w.booted().await;
    w.start(1, 0, 1).await;
    w.boot_at(at(50)).await;
    let kinds = w.store.timeline_kinds();
    assert_eq!(kinds[kinds.len() - 3..], [K::Stopped, K::SessionWithoutStop, K::Registered]);
}

#[tokio::test]
async fn given_a_failed_step_then_nothing_of_it_is_on_the_timeline() {
    let w = World::new();
    w.booted().await;
    let before = w.store.timeline_kinds().len();
    let err = start_answered(w.store.tx(), &tenant(), &cp1(), TransactionId(99), true, json!({}), at(1)).await;
    assert!(err.is_err());
    assert!(!connected(w.store.tx(), &tenant(), &OcppIdentity::parse("nobody").unwrap(), json!({}), at(1))
        .await
        .unwrap());
    assert_eq!(w.store.timeline_kinds().len(), before);
}

#[tokio::test]
async fn given_a_settlement_with_a_mismatch_then_report_kept_and_both_events_on_the_session() {
    let w = World::new();
    w.booted().await;
    let id = w.start(1, 0, 1).await.transaction_id;
    let upload = SettlementUpload {
        transaction_id: Some(id),
        connector: 1,
        figures: json!({"pile": {"energy_wh": 10}}),
        mismatch: Some(json!({"pile_energy_wh": 10, "computed_energy_wh": 50})),
    };
    let tx = w.store.framed(FrameRef::ap3000(7, 0x03));
    settlement_uploaded(tx, &tenant(), &cp1(), upload, &w.settings, at(9)).await.unwrap();
    let events = w.store.snapshot().timeline;
    let last: Vec<_> = events[events.len() - 2..].iter().map(|e| (e.kind, e.frame.clone())).collect();
    let frame = Some(FrameRef::ap3000(7, 0x03));
    assert_eq!(last, [(K::SettlementUploaded, frame.clone()), (K::EnergyMismatch, frame)]);
    assert_eq!(w.store.snapshot().reports.len(), 1);
}
