//! Alarms ports (`ChannelRepository`, `AlarmQueries`): round trip, tenant isolation and not-found,
//! the same assertions on SQLite and PostgreSQL.

use crate::support::{store, t0, tenant};
use mgc_alarms::{AlarmId, AlarmQueries, Channel, ChannelConfig, ChannelId, ChannelRepository};
use mgc_eventing::UnitOfWork;
use mgc_kernel::page::PageRequest;
use mgc_kernel::{RepoError, Scope};
use mgc_tests::all_databases;
use std::collections::BTreeMap;

fn channel(tenant_id: &str, name: &str) -> Channel {
    Channel {
        id: ChannelId::new(),
        tenant: tenant(tenant_id),
        name: name.into(),
        enabled: true,
        config: ChannelConfig::Webhook {
            url: "https://hooks.example.com/in".into(),
            secret: "s3cret".into(),
            headers: BTreeMap::from([("X-Team".to_owned(), "ops".to_owned())]),
        },
        created_at: t0(),
        updated_at: t0(),
    }
}

#[tokio::test]
async fn channel_repository_round_trips_and_is_tenant_scoped() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let mine = channel("acme", "ops");
        let theirs = channel("other", "theirs");
        let mut tx = store.begin().await.unwrap();
        tx.save_channel(&mine, true).await.unwrap();
        tx.save_channel(&theirs, true).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.channel(&tenant("acme"), mine.id).await.unwrap().as_ref(), Some(&mine), "{b}");
        assert_eq!(tx.channel(&tenant("other"), mine.id).await.unwrap(), None, "{b}: foreign tenant");
        assert_eq!(tx.channel(&tenant("acme"), ChannelId::new()).await.unwrap(), None, "{b}: not found");
        let off = Channel { enabled: false, name: "ops-off".into(), ..mine.clone() };
        tx.save_channel(&off, false).await.unwrap();
        // A delete through another tenant leaves the row alone.
        tx.delete_channel(&tenant("other"), mine.id).await.unwrap();
        assert_eq!(tx.channel(&tenant("acme"), mine.id).await.unwrap(), Some(off), "{b}");
        tx.commit().await.unwrap();

        let page = store.list_channels(&tenant("acme"), &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.iter().map(|c| c.id).collect::<Vec<_>>(), [mine.id], "{b}");
        let page = store.list_channels(&tenant("other"), &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.iter().map(|c| c.id).collect::<Vec<_>>(), [theirs.id], "{b}");

        let mut tx = store.begin().await.unwrap();
        tx.delete_channel(&tenant("acme"), mine.id).await.unwrap();
        assert_eq!(tx.channel(&tenant("acme"), mine.id).await.unwrap(), None, "{b}: deleted");
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn alarm_queries_report_not_found_and_empty_lists_for_a_fresh_tenant() {
    for db in all_databases().await {
        let store = store(&db).await;
        let b = db.backend;
        let scope = Scope::tenant_wide(tenant("acme"));
        assert!(matches!(store.get_alarm(&scope, AlarmId::new()).await, Err(RepoError::NotFound { .. })), "{b}");
        assert!(store.alarm_history(&tenant("acme"), AlarmId::new()).await.unwrap().is_empty(), "{b}");
        assert!(store.list_rules(&tenant("acme"), &PageRequest::first()).await.unwrap().items.is_empty());
    }
}

#[tokio::test]
async fn derived_facts_keep_the_newest_value_record_outcomes_once_and_are_tenant_scoped() {
    use mgc_alarms::{AlarmUnits, DerivedFacts, Originators};
    use mgc_kernel::DeviceId;
    for db in all_databases().await {
        let b = db.backend;
        let s = store(&db).await;
        let (acme, beta, device) = (tenant("acme"), tenant("beta"), DeviceId::new());
        let mut tx = s.begin_alarm_tx().await.unwrap();
        let later = t0() + chrono::Duration::minutes(1);
        tx.put_derived(&acme, device, "online", 0.0, Some("connection closed"), later).await.unwrap();
        tx.put_derived(&acme, device, "online", 1.0, None, t0()).await.unwrap();
        let session = mgc_kernel::uuid::Uuid::now_v7();
        assert!(tx.record_session_outcome(&acme, session, device, true, t0()).await.unwrap());
        assert!(!tx.record_session_outcome(&acme, session, device, true, t0()).await.unwrap(), "{b}: once");
        let second = mgc_kernel::uuid::Uuid::now_v7();
        assert!(tx.record_session_outcome(&acme, second, device, false, later).await.unwrap());
        tx.commit().await.unwrap();

        let mut tx = s.begin_alarm_tx().await.unwrap();
        let latest = tx.latest_values(&acme, device).await.unwrap();
        assert_eq!(latest.len(), 1, "{b}: {latest:?}");
        assert_eq!((latest[0].value, latest[0].ts), (Some(0.0), later), "{b}: an older value never overwrites");
        assert_eq!(latest[0].detail.as_deref(), Some("connection closed"), "{b}");
        assert!(latest[0].derived, "{b}: told apart from telemetry");
        assert_eq!(tx.recent_outcomes(&acme, device, 10).await.unwrap(), [false, true], "{b}: newest first");
        assert_eq!(tx.recent_outcomes(&acme, device, 1).await.unwrap(), [false], "{b}: the window");
        assert!(tx.latest_values(&beta, device).await.unwrap().is_empty(), "{b}: beta sees none of it");
        assert!(tx.recent_outcomes(&beta, device, 10).await.unwrap().is_empty(), "{b}");
        assert_eq!(tx.delivery_backlog(&beta).await.unwrap(), 0, "{b}");
        assert!(tx.charge_point_originator(&acme, session).await.unwrap().is_none(), "{b}: no such charge point");
    }
}
