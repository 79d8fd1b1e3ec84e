//! Charging on the real store, both backends: the application services' round trip from boot
//! to stop, idempotent re-sent start and stop, transaction ids per tenant, tenant isolation.

use crate::alarm_support::outbox_count;
use crate::support::{store, t0, tenant};
use chrono::{DateTime, Duration, Utc};
use mgc_charging::{
    boot, meter_values, put_id_tag, start_transaction, status_notification, stop_transaction, AuthorizationStatus,
    BootInfo, ChargePointRepository, ChargingSettings, ChargingUnits, ConnectorErrorCode, ConnectorRepository,
    ConnectorStatus, IdTag, IdToken, MeterSample, MeterValuesInput, OcppIdentity, SessionRepository, SessionState,
    StartRequest, StatusReport, StopEffect, StopRequest, TransactionId,
};
use mgc_kernel::{TenantId, Wh};
use mgc_store::Store;
use mgc_tests::all_databases;

pub(crate) fn at(secs: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(secs)
}

pub(crate) fn cp(identity: &str) -> OcppIdentity {
    OcppIdentity::parse(identity).unwrap()
}

fn settings() -> ChargingSettings {
    ChargingSettings { accept_unknown: true, ..Default::default() }
}

fn info() -> BootInfo {
    BootInfo {
        vendor: "VendorX".into(),
        model: "Wallbox".into(),
        serial_number: Some("SN-1".into()),
        firmware_version: None,
        meter_type: None,
        meter_serial_number: None,
    }
}

pub(crate) fn start_req(meter_start: i64, started: i64) -> StartRequest {
    StartRequest {
        connector: 1,
        id_tag: IdToken::parse("tag1").unwrap(),
        meter_start: Wh(meter_start),
        started_at: at(started),
        reservation_id: None,
    }
}

pub(crate) fn stop_req(id: TransactionId, meter_stop: i64, stopped: i64) -> StopRequest {
    StopRequest {
        transaction_id: id,
        meter_stop: Wh(meter_stop),
        stopped_at: at(stopped),
        reason: None,
        id_tag: None,
        transaction_data: Vec::new(),
    }
}

/// Boots `identity` in `t` and gives `t` an accepted tag `TAG1`.
pub(crate) async fn booted(s: &Store, t: &TenantId, identity: &str) {
    boot(s.begin().await.unwrap(), t, &cp(identity), info(), &settings(), t0()).await.unwrap();
    let tag = IdTag {
        token: IdToken::parse("TAG1").unwrap(),
        status: AuthorizationStatus::Accepted,
        expires_at: None,
        parent: None,
    };
    put_id_tag(s.begin().await.unwrap(), t, tag).await.unwrap();
}

#[tokio::test]
async fn given_booted_charge_point_when_start_meter_values_stop_then_session_completed_with_energy_on_both_backends() {
    for db in all_databases().await {
        let s = store(&db).await;
        let t = tenant("acme");
        booted(&s, &t, "CP1").await;
        let report = StatusReport {
            connector: 1,
            status: ConnectorStatus::Charging,
            error_code: ConnectorErrorCode::NoError,
            info: Some("plugged".into()),
            vendor_id: None,
            vendor_error_code: None,
            timestamp: Some(at(5)),
        };
        let started =
            start_transaction(s.begin().await.unwrap(), &t, &cp("CP1"), start_req(1_000, 2), at(2)).await.unwrap();
        assert_eq!(started.id_tag_info.status, AuthorizationStatus::Accepted, "{}", db.backend);
        status_notification(s.begin().await.unwrap(), &t, &cp("CP1"), report, at(5)).await.unwrap();
        let sample =
            MeterSample { at: at(60), energy_register: Some(Wh(1_600)), power_w: Some(7_000), soc_percent: None };
        let input =
            MeterValuesInput { connector: 1, transaction_id: Some(started.transaction_id), samples: vec![sample] };
        meter_values(s.begin().await.unwrap(), &t, &cp("CP1"), input, &settings(), at(60)).await.unwrap();
        let stopped = stop_transaction(
            s.begin().await.unwrap(),
            &t,
            &cp("CP1"),
            stop_req(started.transaction_id, 3_250, 120),
            at(120),
        )
        .await
        .unwrap();
        assert_eq!(stopped.effect, StopEffect::Ended { state: SessionState::Completed, energy: Wh(2_250) });

        let mut tx = s.begin().await.unwrap();
        let session = tx.session_by_transaction(&t, started.transaction_id).await.unwrap().unwrap();
        assert_eq!((session.energy(), session.max_power_w, session.samples_recorded), (Wh(2_250), Some(7_000), 1));
        let states: Vec<_> = session.transitions.iter().map(|x| x.to).collect();
        assert_eq!(states, [SessionState::Starting, SessionState::Charging, SessionState::Completed], "{}", db.backend);
        let charge_point = tx.charge_point_by_identity(&t, &cp("CP1")).await.unwrap().unwrap();
        assert_eq!(charge_point.boot_info, Some(info()));
        let connector = tx.connector(&t, charge_point.id, 1).await.unwrap().unwrap();
        assert_eq!((connector.status, connector.history.len()), (ConnectorStatus::Charging, 1));
        assert!(tx.open_sessions(&t, charge_point.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn given_recorded_start_and_stop_when_re_sent_then_same_transaction_and_no_second_effect() {
    for db in all_databases().await {
        let s = store(&db).await;
        let t = tenant("acme");
        booted(&s, &t, "CP1").await;
        let start = || async {
            start_transaction(s.begin().await.unwrap(), &t, &cp("CP1"), start_req(0, 2), at(2)).await.unwrap()
        };
        let (first, again) = (start().await, start().await);
        assert_eq!(first.transaction_id, again.transaction_id, "{}", db.backend);
        assert!(first.created && !again.created);
        let stop = |secs| {
            let s = &s;
            let t = &t;
            async move {
                stop_transaction(
                    s.begin().await.unwrap(),
                    t,
                    &cp("CP1"),
                    stop_req(first.transaction_id, 500, 90),
                    at(secs),
                )
                .await
                .unwrap()
            }
        };
        assert!(matches!(stop(90).await.effect, StopEffect::Ended { .. }));
        assert_eq!(stop(95).await.effect, StopEffect::Repeated, "{}", db.backend);
        let ended = count(&db, "SELECT COUNT(*) FROM charging_session_transitions WHERE to_state = 'completed'").await;
        assert_eq!(ended, 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM charging_sessions").await, 1);
        assert_eq!(outbox_count(&db, "charging.session_ended").await, 1, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_two_tenants_when_sessions_start_then_ids_count_per_tenant_and_tenant_b_reads_nothing_of_a() {
    for db in all_databases().await {
        let s = store(&db).await;
        let (a, b) = (tenant("acme"), tenant("beta"));
        booted(&s, &a, "CP1").await;
        booted(&s, &b, "CP1").await;
        let mut ids = Vec::new();
        for (i, secs) in [1, 2, 3].into_iter().enumerate() {
            let req = StartRequest { connector: i as u32 + 1, ..start_req(0, secs) };
            ids.push(
                start_transaction(s.begin().await.unwrap(), &a, &cp("CP1"), req, at(secs))
                    .await
                    .unwrap()
                    .transaction_id,
            );
        }
        let b_first =
            start_transaction(s.begin().await.unwrap(), &b, &cp("CP1"), start_req(0, 1), at(1)).await.unwrap();
        assert_eq!(ids, [TransactionId(1), TransactionId(2), TransactionId(3)], "{}", db.backend);
        assert_eq!(b_first.transaction_id, TransactionId(1), "transaction ids are per tenant");

        let other = tenant("gamma");
        assert!(s.find_charge_point(&other, &cp("CP1")).await.unwrap().is_none());
        let a_cp = s.find_charge_point(&a, &cp("CP1")).await.unwrap().unwrap();
        let b_cp = s.find_charge_point(&b, &cp("CP1")).await.unwrap().unwrap();
        assert_ne!(a_cp.id, b_cp.id);
        let mut tx = s.begin().await.unwrap();
        assert!(tx.charge_point_by_identity(&other, &cp("CP1")).await.unwrap().is_none());
        assert!(tx.session_by_transaction(&other, ids[1]).await.unwrap().is_none());
        let b_session = tx.session_by_transaction(&b, TransactionId(1)).await.unwrap().unwrap();
        assert_eq!(b_session.charge_point_id, b_cp.id, "tenant B's transaction 1 is its own, not A's");
        assert!(tx.open_sessions(&b, a_cp.id).await.unwrap().is_empty(), "{}", db.backend);
        assert!(tx.connector(&b, a_cp.id, 1).await.unwrap().is_none());
    }
}

/// One number read straight from the database.
pub(crate) async fn count(db: &mgc_tests::TestDatabase, sql: &str) -> i64 {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    }
}
