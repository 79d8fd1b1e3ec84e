//! Charging ports (`ChargePointRepository`, `IdTagRepository`, `SessionRepository`,
//! `ChargingUnits`): round trip, tenant isolation and not-found on SQLite and PostgreSQL.

use crate::support::{store, t0, tenant};
use mgc_charging::{
    AuthorizationStatus, BootInfo, ChargePoint, ChargePointRepository, ChargingUnits, IdTag, IdTagRepository, IdToken,
    LocalAuthorizationList, OcppIdentity, RegistrationStatus, SessionRepository,
};
use mgc_eventing::UnitOfWork;
use mgc_tests::all_databases;

fn identity(s: &str) -> OcppIdentity {
    OcppIdentity::parse(s).unwrap()
}

fn charge_point(tenant_id: &str, id: &str) -> ChargePoint {
    let mut cp = ChargePoint::register(tenant(tenant_id), identity(id), RegistrationStatus::Accepted, t0());
    cp.boot_info = Some(BootInfo {
        vendor: "VendorX".into(),
        model: "Wallbox".into(),
        serial_number: Some("SN-1".into()),
        firmware_version: Some("1.2.3".into()),
        meter_type: None,
        meter_serial_number: None,
    });
    cp.last_boot_at = Some(t0());
    cp
}

#[tokio::test]
async fn charge_point_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let mine = charge_point("acme", "CP-1");
        let mut tx = store.begin().await.unwrap();
        tx.insert_charge_point(&mine).await.unwrap();
        // The same identity in another tenant is another charge point.
        tx.insert_charge_point(&charge_point("other", "CP-1")).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let loaded = tx.charge_point_by_identity(&tenant("acme"), &identity("CP-1")).await.unwrap();
        assert_eq!(loaded.as_ref(), Some(&mine), "{b}: round trip");
        let theirs = tx.charge_point_by_identity(&tenant("other"), &identity("CP-1")).await.unwrap().unwrap();
        assert_ne!(theirs.id, mine.id, "{b}: tenant B sees its own charge point only");
        assert_eq!(tx.charge_point_by_identity(&tenant("acme"), &identity("CP-9")).await.unwrap(), None, "{b}");
        assert_eq!(tx.charge_point_by_identity(&tenant("third"), &identity("CP-1")).await.unwrap(), None, "{b}");
        let changed = ChargePoint { registration: RegistrationStatus::Rejected, connected: true, ..mine.clone() };
        tx.save_charge_point(&changed).await.unwrap();
        assert!(tx.next_transaction_id(&tenant("acme")).await.unwrap().is_some(), "{b}");
        tx.commit().await.unwrap();

        let found = store.find_charge_point(&tenant("acme"), &identity("CP-1")).await.unwrap();
        assert_eq!(found, Some(changed), "{b}: update");
        let theirs = store.find_charge_point(&tenant("other"), &identity("CP-1")).await.unwrap().unwrap();
        assert_eq!(theirs.registration, RegistrationStatus::Accepted, "{b}: untouched by tenant A's save");
    }
}

#[tokio::test]
async fn id_tag_lists_round_trip_per_tenant() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let tag = IdTag {
            token: IdToken::parse("TAG-1").unwrap(),
            status: AuthorizationStatus::Accepted,
            expires_at: Some(t0()),
            parent: None,
        };
        let list = LocalAuthorizationList::from_parts(tenant("acme"), 3, [tag.clone()]);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.local_list(&tenant("acme")).await.unwrap().version, 0, "{b}: empty at version 0");
        tx.save_local_list(&list).await.unwrap();
        assert_eq!(tx.id_tag(&tenant("acme"), &tag.token).await.unwrap(), Some(tag.clone()), "{b}: round trip");
        let loaded = tx.local_list(&tenant("acme")).await.unwrap();
        assert_eq!((loaded.version, loaded.len()), (3, 1), "{b}");
        assert_eq!(tx.id_tag(&tenant("other"), &tag.token).await.unwrap(), None, "{b}: foreign tenant");
        assert!(tx.local_list(&tenant("other")).await.unwrap().is_empty(), "{b}");
        let unknown = IdToken::parse("NOPE").unwrap();
        assert_eq!(tx.id_tag(&tenant("acme"), &unknown).await.unwrap(), None, "{b}: not found");
        assert!(!tx.tag_has_open_session(&tenant("acme"), &tag.token).await.unwrap(), "{b}");
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn sessions_round_trip_and_are_tenant_scoped() {
    use mgc_charging::{ChargingSession, NewSession, TransactionId};
    use mgc_kernel::Wh;
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let cp = charge_point("acme", "CP-S");
        let mut tx = store.begin().await.unwrap();
        tx.insert_charge_point(&cp).await.unwrap();
        let transaction = tx.next_transaction_id(&tenant("acme")).await.unwrap().unwrap();
        let tag = IdToken::parse("TAG-S").unwrap();
        let new = NewSession {
            tenant: tenant("acme"),
            charge_point_id: cp.id,
            station_id: None,
            transaction_id: transaction,
            connector: 2,
            id_tag: tag.clone(),
            authorization: AuthorizationStatus::Accepted,
            reservation_id: None,
            meter_start: Wh(1_000),
            started_at: t0(),
        };
        let (session, _) = ChargingSession::start(new, t0());
        tx.insert_session(&session).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        // A used transaction id is a conflict, not a second session (in a unit of work of its own).
        assert!(
            tx.insert_session(&ChargingSession { id: mgc_charging::SessionId::new(), ..session.clone() })
                .await
                .is_err(),
            "{b}"
        );
        drop(tx);

        let mut tx = store.begin().await.unwrap();
        let loaded = tx.session_by_transaction(&tenant("acme"), transaction).await.unwrap().unwrap();
        assert_eq!(
            (loaded.id, loaded.connector, loaded.meter_start, loaded.state, loaded.started_at),
            (session.id, 2, Wh(1_000), session.state, t0()),
            "{b}: round trip"
        );
        let by_start = tx.session_by_start(&tenant("acme"), cp.id, 2, t0()).await.unwrap();
        assert_eq!(by_start.map(|s| s.id), Some(session.id), "{b}: found by its start");
        assert_eq!(tx.session_by_start(&tenant("acme"), cp.id, 1, t0()).await.unwrap(), None, "{b}");
        let open = tx.open_sessions(&tenant("acme"), cp.id).await.unwrap();
        assert_eq!(open.iter().map(|s| s.id).collect::<Vec<_>>(), vec![session.id], "{b}: open");
        assert!(tx.tag_has_open_session(&tenant("acme"), &tag).await.unwrap(), "{b}");
        // Tenant B finds nothing of tenant A's session by any key.
        assert_eq!(tx.session_by_transaction(&tenant("other"), transaction).await.unwrap(), None, "{b}");
        assert_eq!(tx.session_by_start(&tenant("other"), cp.id, 2, t0()).await.unwrap(), None, "{b}");
        assert!(tx.open_sessions(&tenant("other"), cp.id).await.unwrap().is_empty(), "{b}");
        assert!(!tx.tag_has_open_session(&tenant("other"), &tag).await.unwrap(), "{b}");
        assert_eq!(tx.session_by_transaction(&tenant("acme"), TransactionId(i32::MAX)).await.unwrap(), None, "{b}");
        tx.commit().await.unwrap();
    }
}
