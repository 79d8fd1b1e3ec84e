//! Strategy ports (`StrategyRepository`, `StrategyQueries`): round trip, tenant isolation and
//! not-found on SQLite and PostgreSQL.

use crate::store_contract_masterdata::seed_site;
use crate::support::{store, t0, tenant};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{Scope, StationId};
use mgc_strategy::{AntiBackflowParams, Strategy, StrategyId, StrategyParams, StrategyQueries, StrategyRepository};
use mgc_tests::all_databases;

fn strategy(tenant_id: &str, station: StationId) -> Strategy {
    Strategy {
        id: StrategyId::new(),
        tenant: tenant(tenant_id),
        station_id: station,
        name: "no backflow".into(),
        params: StrategyParams::AntiBackflow(AntiBackflowParams {
            export_limit_w: 5_000,
            pv_rated_w: 50_000,
            margin_w: 500,
        }),
        enabled: true,
        version: 1,
        targets: None,
        deadband_w: 200,
        command_timeout_s: 30,
        deleted_at: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

#[tokio::test]
async fn strategy_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let (s, _) = seed_site(&store, "acme", "s1").await;
        let st = strategy("acme", s.id);
        let mut tx = store.begin().await.unwrap();
        tx.save_strategy(&st, true, None).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.strategy(&tenant("acme"), st.id).await.unwrap().as_ref(), Some(&st), "{b}: round trip");
        assert_eq!(tx.strategy(&tenant("other"), st.id).await.unwrap(), None, "{b}: foreign tenant");
        assert_eq!(tx.strategy(&tenant("acme"), StrategyId::new()).await.unwrap(), None, "{b}: not found");
        assert!(tx.station_site(&tenant("acme"), s.id).await.unwrap().is_some(), "{b}");
        assert!(tx.station_site(&tenant("other"), s.id).await.unwrap().is_none(), "{b}: foreign station");
        assert!(tx.last_sent(&tenant("other"), st.id).await.unwrap().is_empty(), "{b}");
        let v2 = Strategy { version: 2, enabled: false, name: "paused".into(), ..st.clone() };
        tx.save_strategy(&v2, false, None).await.unwrap();
        assert_eq!(tx.strategy(&tenant("acme"), st.id).await.unwrap(), Some(v2.clone()), "{b}: update");
        tx.commit().await.unwrap();

        let acme = Scope::tenant_wide(tenant("acme"));
        assert_eq!(store.get_strategy(&acme, st.id).await.unwrap(), Some(v2), "{b}");
        assert_eq!(store.get_strategy(&Scope::tenant_wide(tenant("other")), st.id).await.unwrap(), None, "{b}");
        let narrow = Scope::stations(tenant("acme"), vec![StationId::new()]);
        assert_eq!(store.get_strategy(&narrow, st.id).await.unwrap(), None, "{b}: outside the station scope");
        assert_eq!(store.get_strategy(&acme, StrategyId::new()).await.unwrap(), None, "{b}: not found");
        let versions = store.strategy_versions(&tenant("acme"), st.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2], "{b}");
        assert!(store.strategy_versions(&tenant("other"), st.id).await.unwrap().is_empty(), "{b}");
        assert!(store.site_of(&tenant("other"), s.id).await.unwrap().is_none(), "{b}");
    }
}
