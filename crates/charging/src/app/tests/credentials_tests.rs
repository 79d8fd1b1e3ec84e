//! Provisioning a charge point's password.

use super::*;
use crate::{generate_password, set_password, set_passwords, ChargingUnits, OcppIdentity, RegistrationStatus};

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

#[tokio::test]
async fn given_one_known_and_one_new_identity_when_passwords_set_together_then_both_match_and_one_is_created() {
    let w = World::rejecting_unknown();
    w.booted().await;
    let cp2 = OcppIdentity::parse("CP-2").unwrap();
    let pw = generate_password();
    assert_eq!(set_passwords(w.store.tx(), &tenant(), &[cp1(), cp2.clone()], &pw, t0()).await.unwrap(), 1);
    for identity in [cp1(), cp2] {
        let cp = w.store.find_charge_point(&tenant(), &identity).await.unwrap().unwrap();
        assert!(cp.password_matches(&pw), "{identity}");
    }
    let err = set_passwords(w.store.tx(), &tenant(), &[cp1()], "short", at(1)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_charging_input");
}
