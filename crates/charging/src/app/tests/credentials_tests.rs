//! Provisioning a charge point's password.

use super::*;
use crate::{generate_password, set_password, ChargingUnits, RegistrationStatus};

#[tokio::test]
async fn given_unknown_identity_when_password_set_then_recorded_accepted_and_password_matches() {
    let w = World::rejecting_unknown();
    let pw = generate_password();
    assert!(set_password(w.store.tx(), &tenant(), &cp1(), &pw, t0()).await.unwrap());
    let cp = w.store.find_charge_point(&tenant(), &cp1()).await.unwrap().unwrap();
    assert_eq!(cp.registration, RegistrationStatus::Accepted);
    assert!(cp.password_matches(&pw));
    assert!(!cp.password_matches("wrong-password-123"));
}

#[tokio::test]
async fn given_booted_pending_charge_point_when_password_set_then_status_kept_and_old_password_stops_working() {
    let w = World::rejecting_unknown();
    w.booted().await;
    let (first, second) = (generate_password(), generate_password());
    assert!(!set_password(w.store.tx(), &tenant(), &cp1(), &first, t0()).await.unwrap());
    set_password(w.store.tx(), &tenant(), &cp1(), &second, at(1)).await.unwrap();
    let cp = w.store.charge_point(cp1().as_str());
    assert_eq!(cp.registration, RegistrationStatus::Pending);
    assert!(cp.password_matches(&second) && !cp.password_matches(&first));
    let err = set_password(w.store.tx(), &tenant(), &cp1(), "short", at(2)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_charging_input");
}
