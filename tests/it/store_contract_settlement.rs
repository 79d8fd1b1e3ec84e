//! Settlement ports (`TariffRepository`, `StationDirectory`, `StatementRepository`,
//! `SettlementQueries`): round trip, tenant isolation and not-found on SQLite and PostgreSQL.

use crate::store_contract_masterdata::seed_site;
use crate::support::{store, t0, tenant};
use chrono::NaiveDate;
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, Scope};
use mgc_settlement::{
    ScheduleSpec, SettlementId, SettlementQueries, SettlementRepository, StatementId, StatementRepository,
    StationDirectory, Tariff, TariffAssignment, TariffId, TariffRepository, TariffSpec,
};
use mgc_tests::all_databases;

fn tariff(tenant_id: &str, name: &str) -> Tariff {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    Tariff {
        id: TariffId::new(),
        tenant: tenant(tenant_id),
        version: 1,
        spec: TariffSpec {
            name: name.into(),
            currency: "EUR".into(),
            valid_from: d(1, 1),
            valid_to: Some(d(12, 31)),
            holidays: vec![d(5, 1)],
            import: ScheduleSpec::Fixed { price: "0.3920".into() },
            export: ScheduleSpec::Fixed { price: "0.0810".into() },
        },
        created_at: t0(),
        updated_at: t0(),
    }
}

#[tokio::test]
async fn tariff_repository_round_trips_versions_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let (station, _) = seed_site(&store, "acme", "s1").await;
        let t = tariff("acme", "day");
        let a = TariffAssignment {
            station_id: station.id,
            tariff_id: t.id,
            effective_from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            assigned_at: t0(),
            assigned_by: "contract".into(),
        };
        let mut tx = store.begin().await.unwrap();
        tx.save_tariff(&t).await.unwrap();
        tx.save_tariff(&tariff("other", "foreign")).await.unwrap();
        tx.save_assignment(&tenant("acme"), &a).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.tariff(&tenant("acme"), t.id).await.unwrap().as_ref(), Some(&t), "{b}");
        assert_eq!(tx.assignments(&tenant("acme"), station.id).await.unwrap(), std::slice::from_ref(&a), "{b}");
        assert_eq!(tx.assignments_of_tariff(&tenant("acme"), t.id).await.unwrap().len(), 1, "{b}");
        let zone = tx.station_zone(&tenant("acme"), station.id).await.unwrap();
        assert_eq!(zone, Some(station.time_zone), "{b}");
        // Tenant B sees none of it.
        assert_eq!(tx.tariff(&tenant("other"), t.id).await.unwrap(), None, "{b}");
        assert!(tx.assignments(&tenant("other"), station.id).await.unwrap().is_empty(), "{b}");
        assert!(tx.assignments_of_tariff(&tenant("other"), t.id).await.unwrap().is_empty(), "{b}");
        assert_eq!(tx.station_zone(&tenant("other"), station.id).await.unwrap(), None, "{b}");
        // Not found.
        assert_eq!(tx.tariff(&tenant("acme"), TariffId::new()).await.unwrap(), None, "{b}");
        assert_eq!(tx.statement(&tenant("acme"), StatementId::new()).await.unwrap(), None, "{b}");

        // Version 2 replaces the current row and keeps version 1 readable.
        let mut v2 = t.clone();
        v2.version = 2;
        v2.spec.name = "day v2".into();
        tx.save_tariff(&v2).await.unwrap();
        assert_eq!(tx.tariff(&tenant("acme"), t.id).await.unwrap(), Some(v2.clone()), "{b}");
        assert_eq!(tx.tariff_version(&tenant("acme"), t.id, 1).await.unwrap(), Some(t.clone()), "{b}");
        assert_eq!(tx.tariff_version(&tenant("other"), t.id, 1).await.unwrap(), None, "{b}");
        // A delete by another tenant changes nothing.
        tx.delete_tariff(&tenant("other"), t.id, t0()).await.unwrap();
        assert!(tx.tariff(&tenant("acme"), t.id).await.unwrap().is_some(), "{b}");
        tx.commit().await.unwrap();

        assert_eq!(store.get_tariff(&tenant("acme"), t.id).await.unwrap(), v2, "{b}");
        let names: Vec<_> =
            store.list_tariffs(&tenant("acme")).await.unwrap().into_iter().map(|t| t.spec.name).collect();
        assert_eq!(names, ["day v2"], "{b}");
        assert!(matches!(store.get_tariff(&tenant("other"), t.id).await, Err(RepoError::NotFound { .. })), "{b}");
        assert!(store.station_assignments(&tenant("other"), station.id).await.unwrap().is_empty(), "{b}");

        let mut tx = store.begin().await.unwrap();
        tx.delete_tariff(&tenant("acme"), t.id, t0()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(matches!(store.get_tariff(&tenant("acme"), t.id).await, Err(RepoError::NotFound { .. })), "{b}");
    }
}

#[tokio::test]
async fn settlement_lookups_report_not_found() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let scope = Scope::tenant_wide(tenant("acme"));
        assert!(
            matches!(store.get_statement(&scope, StatementId::new()).await, Err(RepoError::NotFound { .. })),
            "{b}"
        );
        let mut tx = store.begin().await.unwrap();
        assert!(tx.adjustments_of(&tenant("acme"), SettlementId::new()).await.unwrap().is_empty(), "{b}");
        tx.commit().await.unwrap();
    }
}
