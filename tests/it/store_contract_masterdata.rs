//! Masterdata ports (`MasterdataRepository`, `MasterdataQueries`): round trip, tenant isolation and
//! not-found, the same assertions on SQLite and PostgreSQL.

use crate::support::{store, t0, tenant};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::PageRequest;
use mgc_kernel::{DeviceId, RepoError, Scope, StationId, StationTz};
use mgc_masterdata::{Device, DeviceKind, GeoPoint, MasterdataQueries, MasterdataRepository, Station};
use mgc_store::Store;
use mgc_tests::all_databases;

/// A station of `tenant_id` with every optional field set, so a lost column shows.
pub fn station(tenant_id: &str, code: &str) -> Station {
    Station {
        id: StationId::new(),
        tenant: tenant(tenant_id),
        code: code.into(),
        name: format!("Station {code}"),
        time_zone: StationTz::parse("Europe/Berlin").unwrap(),
        location: Some(GeoPoint { latitude: 52.5, longitude: 13.4 }),
        capacity_kw: Some(250.5),
        tb_asset_id: Some(format!("asset-{code}")),
        created_at: t0(),
        updated_at: t0(),
    }
}

/// A meter of `s` named `name`.
pub fn device(s: &Station, name: &str) -> Device {
    Device {
        id: DeviceId::new(),
        tenant: s.tenant.clone(),
        station_id: s.id,
        kind: DeviceKind::Meter,
        name: name.into(),
        tb_device_id: Some(format!("tb-{name}")),
        protocol: "thingsboard".into(),
        created_at: t0(),
        updated_at: t0(),
    }
}

/// Saves a station with one device in its own committed unit of work.
pub async fn seed_site(store: &Store, tenant_id: &str, code: &str) -> (Station, Device) {
    let s = station(tenant_id, code);
    let d = device(&s, &format!("{tenant_id}-{code}-meter"));
    let mut tx = store.begin().await.unwrap();
    tx.save_station(&s, true).await.unwrap();
    tx.save_device(&d, true).await.unwrap();
    tx.commit().await.unwrap();
    (s, d)
}

#[tokio::test]
async fn masterdata_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let (s, d) = seed_site(&store, "acme", "s1").await;
        let (other, _) = seed_site(&store, "other", "s1").await;
        let b = db.backend;

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.station_by_id(&tenant("acme"), s.id).await.unwrap().as_ref(), Some(&s), "{b}");
        assert_eq!(tx.station_by_code(&tenant("acme"), "s1").await.unwrap().map(|x| x.id), Some(s.id), "{b}");
        assert_eq!(tx.device_by_id(&tenant("acme"), d.id).await.unwrap().as_ref(), Some(&d), "{b}");
        assert_eq!(tx.device_by_name(&tenant("acme"), &d.name).await.unwrap().map(|x| x.id), Some(d.id));
        assert_eq!(tx.count_station_devices(&tenant("acme"), s.id).await.unwrap(), 1, "{b}");
        // Tenant B never sees tenant A's rows, even by id.
        assert_eq!(tx.station_by_id(&tenant("other"), s.id).await.unwrap(), None, "{b}");
        assert_eq!(tx.device_by_id(&tenant("other"), d.id).await.unwrap(), None, "{b}");
        assert_eq!(tx.device_by_name(&tenant("other"), &d.name).await.unwrap(), None, "{b}");
        assert_eq!(tx.station_by_code(&tenant("other"), "s1").await.unwrap().map(|x| x.id), Some(other.id));
        assert_eq!(tx.count_station_devices(&tenant("other"), s.id).await.unwrap(), 0, "{b}");
        // Not found.
        assert_eq!(tx.station_by_id(&tenant("acme"), StationId::new()).await.unwrap(), None, "{b}");
        assert_eq!(tx.device_by_name(&tenant("acme"), "nobody").await.unwrap(), None, "{b}");

        // An update through the port is read back.
        let renamed = Station { name: "Renamed".into(), capacity_kw: None, location: None, ..s.clone() };
        tx.save_station(&renamed, false).await.unwrap();
        assert_eq!(tx.station_by_id(&tenant("acme"), s.id).await.unwrap(), Some(renamed), "{b}");
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn masterdata_queries_are_scoped_and_report_not_found() {
    for db in all_databases().await {
        let store = store(&db).await;
        let (s, d) = seed_site(&store, "acme", "s1").await;
        let (s2, _) = seed_site(&store, "acme", "s2").await;
        seed_site(&store, "other", "s9").await;
        let b = db.backend;
        let acme = Scope::tenant_wide(tenant("acme"));
        let foreign = Scope::tenant_wide(tenant("other"));

        assert_eq!(store.get_station(&acme, s.id).await.unwrap(), s, "{b}");
        assert_eq!(store.get_device(&acme, d.id).await.unwrap(), d, "{b}");
        let page = store.list_stations(&acme, &PageRequest::first()).await.unwrap();
        let mut codes: Vec<_> = page.items.iter().map(|x| x.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(codes, ["s1", "s2"], "{b}");
        let devices = store.list_devices(&acme, Some(s.id), None, &PageRequest::first()).await.unwrap();
        assert_eq!(devices.items.iter().map(|x| x.id).collect::<Vec<_>>(), [d.id], "{b}");

        // Another tenant, or a station scope that excludes the row, sees nothing.
        assert!(matches!(store.get_station(&foreign, s.id).await, Err(RepoError::NotFound { .. })), "{b}");
        assert!(matches!(store.get_device(&foreign, d.id).await, Err(RepoError::NotFound { .. })), "{b}");
        let page = store.list_stations(&foreign, &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(), ["s9"], "{b}");
        let narrow = Scope::stations(tenant("acme"), vec![s2.id]);
        assert!(matches!(store.get_station(&narrow, s.id).await, Err(RepoError::NotFound { .. })), "{b}");
        assert!(store.find_device(&tenant("other"), &d.name).await.unwrap().is_none(), "{b}");
        // Not found.
        assert!(matches!(store.get_station(&acme, StationId::new()).await, Err(RepoError::NotFound { .. })));
        assert!(matches!(store.get_device(&acme, DeviceId::new()).await, Err(RepoError::NotFound { .. })));
    }
}
