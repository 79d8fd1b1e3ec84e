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
