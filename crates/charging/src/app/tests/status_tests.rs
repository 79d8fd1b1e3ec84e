//! StatusNotification.

use super::*;
use crate::{status_notification, ConnectorErrorCode, ConnectorStatus, SessionState, StatusOutcome, StatusReport};
use mgc_contracts::{ChargingSessionUpdated, ConnectorStatusChanged};

fn report(connector: u32, status: ConnectorStatus, secs: i64) -> StatusReport {
    StatusReport {
        connector,
        status,
        error_code: ConnectorErrorCode::NoError,
        info: None,
        vendor_id: None,
        vendor_error_code: None,
        timestamp: Some(at(secs)),
    }
}

async fn send(w: &World, connector: u32, status: ConnectorStatus, secs: i64) -> StatusOutcome {
    status_notification(w.store.tx(), &tenant(), &cp1(), report(connector, status, secs), at(secs)).await.unwrap()
}

#[tokio::test]
async fn given_new_connector_when_status_reported_then_created_with_history_and_event() {
    let w = World::new();
    w.booted().await;
    assert!(send(&w, 1, ConnectorStatus::Available, 1).await.changed);
    assert!(!send(&w, 1, ConnectorStatus::Available, 2).await.changed);
    assert!(send(&w, 1, ConnectorStatus::Preparing, 3).await.changed);
    let events = w.store.events::<ConnectorStatusChanged>();
    let moves: Vec<_> = events.iter().map(|e| (e.from.clone(), e.to.clone())).collect();
    assert_eq!(moves, vec![(None, "available".into()), (Some("available".into()), "preparing".into())]);
    assert_eq!(w.store.snapshot().history.len(), 2);
}

#[tokio::test]
async fn given_running_session_when_connector_charges_suspends_and_finishes_then_session_follows() {
    let w = World::new();
    w.booted().await;
    let id = w.start(1, 0, 0).await.transaction_id;
    let path = [
        (ConnectorStatus::Charging, SessionState::Charging),
        (ConnectorStatus::SuspendedEv, SessionState::SuspendedEv),
        (ConnectorStatus::Charging, SessionState::Charging),
        (ConnectorStatus::Finishing, SessionState::Finishing),
    ];
    for (i, (status, want)) in path.into_iter().enumerate() {
        let out = send(&w, 1, status, i as i64 + 1).await;
        assert_eq!(out.session, Some((id, want)));
    }
    assert_eq!(w.store.events::<ChargingSessionUpdated>().len(), 4);
    let out = send(&w, 1, ConnectorStatus::Charging, 10).await;
    assert_eq!(out.session, Some((id, SessionState::Finishing)), "finishing never goes back to charging");
}

#[tokio::test]
async fn given_unknown_charge_point_when_status_reported_then_refused() {
    let w = World::new();
    let err = status_notification(w.store.tx(), &tenant(), &cp1(), report(1, ConnectorStatus::Available, 0), t0())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unknown_charge_point");
}
