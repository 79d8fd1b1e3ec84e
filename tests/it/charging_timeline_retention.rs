//! Retention of the charging timeline on both backends, with the sweep's clock injected: charge
//! point events go after `event_days`, an ended session's after `session_days`, and an open
//! session's never.

use crate::charging_store::{at, booted, cp, start_req, stop_req};
use crate::support::{store, t0, tenant};
use chrono::{DateTime, Duration, Utc};
use mgc_charging::{
    start_transaction, status_notification, stop_transaction, sweep_timeline, ConnectorErrorCode, ConnectorStatus,
    StartRequest, StatusReport, TimeRange, TimelineQueries, TimelineRetention,
};
use mgc_kernel::page::PageRequest;
use mgc_kernel::Scope;
use mgc_store::Store;
use mgc_tests::all_databases;

/// Kinds of the charge point's whole timeline, with the session they belong to (if any).
async fn kinds(s: &Store, charge_point: mgc_charging::ChargePointId) -> Vec<(String, Option<mgc_charging::SessionId>)> {
    let scope = Scope::tenant_wide(tenant("acme"));
    let page = PageRequest { limit: 500, cursor: None };
    let found = s.charge_point_timeline(&scope, charge_point, TimeRange::default(), &page).await.unwrap().unwrap();
    found.items.into_iter().map(|e| (e.kind.as_str().to_owned(), e.session_id)).collect()
}

fn days(n: i64) -> DateTime<Utc> {
    t0() + Duration::days(n)
}

#[tokio::test]
async fn given_old_events_when_swept_then_kept_by_kind_and_an_open_session_is_never_dropped() {
    for db in all_databases().await {
        let s = store(&db).await;
        let t = tenant("acme");
        booted(&s, &t, "CP1").await;
        let open = start_transaction(s.begin().await.unwrap(), &t, &cp("CP1"), start_req(0, 1), at(1)).await.unwrap();
        let second = StartRequest { connector: 2, ..start_req(0, 2) };
        let ended = start_transaction(s.begin().await.unwrap(), &t, &cp("CP1"), second, at(2)).await.unwrap();
        stop_transaction(s.begin().await.unwrap(), &t, &cp("CP1"), stop_req(ended.transaction_id, 500, 3), at(3))
            .await
            .unwrap();
        let report = StatusReport {
            connector: 3,
            status: ConnectorStatus::Faulted,
            error_code: ConnectorErrorCode::GroundFailure,
            info: None,
            vendor_id: None,
            vendor_error_code: None,
            timestamp: None,
        };
        status_notification(s.begin().await.unwrap(), &t, &cp("CP1"), report, days(20)).await.unwrap();
        let mut tx = s.begin().await.unwrap();
        let charge_point = mgc_charging::ChargePointRepository::charge_point_by_identity(&mut tx, &t, &cp("CP1"))
            .await
            .unwrap()
            .unwrap()
            .id;
        drop(tx);
        let before = kinds(&s, charge_point).await;
        assert_eq!(before.len(), 7, "{}: {before:?}", db.backend);
        let retention = TimelineRetention::default();

        // Day 10: the boot (day 0) is past 7 days; both sessions' events are within 30.
        assert_eq!(sweep_timeline(&s, retention, days(10), 10).await.unwrap(), 1, "{}", db.backend);
        let left = kinds(&s, charge_point).await;
        assert_eq!(left, before[1..].to_vec(), "{}", db.backend);

        // Day 40: the ended session and the fault (day 20) go; the open session stays.
        let gone = sweep_timeline(&s, retention, days(40), 10).await.unwrap();
        let left = kinds(&s, charge_point).await;
        let open_id = Some(open.session_id);
        assert_eq!(
            left,
            [("start_requested".to_owned(), open_id), ("start_accepted".to_owned(), open_id)],
            "{}",
            db.backend
        );
        assert_eq!(
            gone, 4,
            "{}: start_requested, start_accepted, stopped of the ended session and the fault",
            db.backend
        );

        // Much later: nothing more goes while the session stays open.
        assert_eq!(sweep_timeline(&s, retention, days(400), 10).await.unwrap(), 0);
    }
}
