//! BootNotification and Heartbeat.

use super::*;
use crate::{heartbeat, ChargingError, RegistrationStatus, SessionState, StopReason};
use mgc_contracts::{ChargePointConnectionChanged, ChargePointRegistered, ChargingSessionEnded};

#[tokio::test]
async fn given_unknown_charge_point_and_accept_unknown_when_booting_then_accepted_with_heartbeat_interval() {
    let w = World::new();
    let d = w.booted().await;
    assert_eq!(d.status, RegistrationStatus::Accepted);
    assert_eq!(d.interval_s, w.settings.heartbeat_interval_s);
    assert_eq!(d.current_time, t0());
    assert!(d.first_boot);
    let cp = w.store.charge_point("CP-001");
    assert_eq!(cp.boot_info.unwrap().vendor, "VendorX");
    assert_eq!(cp.last_seen, Some(t0()));
    let registered = w.store.events::<ChargePointRegistered>();
    assert_eq!(registered.len(), 1);
    assert!(registered[0].first_boot);
    assert_eq!(registered[0].registration, "accepted");
    assert!(w.store.events::<ChargePointConnectionChanged>()[0].online);
}

#[tokio::test]
async fn given_unknown_charge_point_without_accept_unknown_when_booting_then_recorded_pending_with_retry_interval() {
    let w = World::rejecting_unknown();
    let d = w.booted().await;
    assert_eq!(d.status, RegistrationStatus::Pending);
    assert_eq!(d.interval_s, w.settings.boot_retry_interval_s);
    assert_eq!(w.store.charge_point("CP-001").registration, RegistrationStatus::Pending);
}

#[tokio::test]
async fn given_rejected_charge_point_when_booting_then_rejected_and_its_heartbeat_refused() {
    let w = World::new();
    w.booted().await;
    {
        let mut state = w.store.state.lock().unwrap();
        state.charge_points[0].set_registration(RegistrationStatus::Rejected, t0());
    }
    assert_eq!(w.boot_at(at(10)).await.status, RegistrationStatus::Rejected);
    let err = heartbeat(w.store.tx(), &tenant(), &cp1(), at(20)).await.unwrap_err();
    assert_eq!(err.code(), "charge_point_not_accepted");
}

#[tokio::test]
async fn given_known_charge_point_when_booting_again_then_refreshed_not_first_and_no_second_online_event() {
    let w = World::new();
    w.booted().await;
    let d = w.boot_at(at(60)).await;
    assert!(!d.first_boot);
    assert_eq!(w.store.snapshot().charge_points.len(), 1);
    assert_eq!(w.store.events::<ChargePointRegistered>().len(), 2);
    assert_eq!(w.store.events::<ChargePointConnectionChanged>().len(), 1);
}

#[tokio::test]
async fn given_open_session_when_charge_point_reboots_then_session_failed_with_closed_at_boot_reason() {
    let w = World::new();
    w.booted().await;
    let started = w.start(1, 1000, 10).await;
    let d = w.boot_at(at(600)).await;
    assert_eq!(d.closed_sessions, vec![started.transaction_id]);
    let s = w.store.session(started.transaction_id);
    assert_eq!(s.state, SessionState::Failed);
    assert_eq!(s.stop_reason, Some(StopReason::ClosedAtBoot));
    let ended = w.store.events::<ChargingSessionEnded>();
    assert_eq!((ended.len(), ended[0].reason.as_str()), (1, "closed_at_boot"));
}

#[tokio::test]
async fn given_an_ap3000_pile_charging_when_it_registers_again_then_its_session_stays_open() {
    let w = World::new();
    crate::boot_as(w.store.tx(), &tenant(), &cp1(), crate::Protocol::Ap3000, boot_info(), &w.settings, t0())
        .await
        .unwrap();
    let started = w.start(1, 1000, 10).await;
    let again =
        crate::boot_as(w.store.tx(), &tenant(), &cp1(), crate::Protocol::Ap3000, boot_info(), &w.settings, at(600))
            .await
            .unwrap();
    assert!(again.closed_sessions.is_empty(), "a reconnect is not a reboot");
    assert_ne!(w.store.session(started.transaction_id).state, SessionState::Failed);
    assert!(w.store.events::<ChargingSessionEnded>().is_empty());
}

#[tokio::test]
async fn given_unknown_charge_point_when_heartbeat_then_unknown_and_nothing_stored() {
    let w = World::new();
    let err = heartbeat(w.store.tx(), &tenant(), &cp1(), t0()).await.unwrap_err();
    assert!(matches!(err, ChargingError::UnknownChargePoint(_)));
    assert!(w.store.snapshot().outbox.is_empty());
}

#[tokio::test]
async fn given_booted_charge_point_when_heartbeat_then_current_time_and_last_seen_moves() {
    let w = World::new();
    w.booted().await;
    assert_eq!(heartbeat(w.store.tx(), &tenant(), &cp1(), at(300)).await.unwrap(), at(300));
    assert_eq!(w.store.charge_point("CP-001").last_seen, Some(at(300)));
}

#[tokio::test]
async fn given_masterdata_charger_named_like_the_identity_when_booted_then_linked_and_sessions_carry_its_station() {
    let w = World::new();
    let (device, station) = (mgc_kernel::DeviceId::new(), mgc_kernel::StationId::new());
    w.store.state.lock().unwrap().chargers.push((tenant(), cp1().as_str().to_owned(), device, station));
    w.booted().await;
    let cp = w.store.charge_point(cp1().as_str());
    assert_eq!((cp.device_id, cp.station_id), (Some(device), Some(station)));
    w.tag_with("TAG1", crate::AuthorizationStatus::Accepted, None).await;
    let started = w.start(1, 0, 5).await;
    assert_eq!(w.store.session(started.transaction_id).station_id, Some(station));
}
