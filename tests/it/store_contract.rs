//! Repository contract: the same assertions against SQLite and PostgreSQL.

use crate::support::{store, t0, tenant};
use mgc_eventing::UnitOfWork;
use mgc_iam::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, AuditEntry, AuditLog, GeneratedApiKey, Role};
use mgc_kernel::page::PageRequest;
use mgc_kernel::{ApiKeyId, AuditId, RepoError};
use mgc_tests::all_databases;

fn key(tenant_id: &str, name: &str) -> ApiKey {
    let g = GeneratedApiKey::generate();
    ApiKey {
        id: ApiKeyId::new(),
        tenant: tenant(tenant_id),
        name: name.into(),
        role: Role::Operator,
        station_ids: None,
        prefix: g.prefix,
        secret_hash: g.hash,
        created_by: "contract".into(),
        created_at: t0(),
        revoked_at: None,
    }
}

#[tokio::test]
async fn api_key_repository_round_trips_pages_and_revokes() {
    for db in all_databases().await {
        let store = store(&db).await;
        let keys: Vec<ApiKey> = (0..5).map(|i| key("acme", &format!("k{i}"))).collect();
        let mut tx = store.begin().await.unwrap();
        for k in &keys {
            tx.insert_api_key(k).await.unwrap();
        }
        tx.insert_api_key(&key("other", "foreign")).await.unwrap();
        tx.commit().await.unwrap();

        let loaded = store.find_api_key(&tenant("acme"), keys[2].id).await.unwrap();
        assert_eq!(loaded, keys[2], "{}: round trip changed the key", db.backend);
        assert_eq!(store.find_api_key_by_prefix(&keys[2].prefix).await.unwrap().unwrap().id, keys[2].id);
        assert!(store.find_api_key_by_prefix("0000000000000000").await.unwrap().is_none());

        let first = store.list_api_keys(&tenant("acme"), &PageRequest { limit: 2, cursor: None }).await.unwrap();
        let names: Vec<_> = first.items.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["k4", "k3"], "{}: newest first", db.backend);
        let second = store
            .list_api_keys(&tenant("acme"), &PageRequest { limit: 2, cursor: first.next_cursor.clone() })
            .await
            .unwrap();
        let third = store
            .list_api_keys(&tenant("acme"), &PageRequest { limit: 2, cursor: second.next_cursor.clone() })
            .await
            .unwrap();
        assert_eq!(second.items.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["k2", "k1"]);
        assert_eq!(third.items.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["k0"]);
        assert_eq!(third.next_cursor, None, "{}", db.backend);

        let mut tx = store.begin().await.unwrap();
        tx.set_api_key_revoked(&tenant("acme"), keys[0].id, t0()).await.unwrap();
        let wrong_tenant = tx.set_api_key_revoked(&tenant("other"), keys[1].id, t0()).await;
        assert!(matches!(wrong_tenant, Err(RepoError::NotFound { .. })), "{}", db.backend);
        tx.commit().await.unwrap();
        assert_eq!(store.find_api_key(&tenant("acme"), keys[0].id).await.unwrap().revoked_at, Some(t0()));
        assert_eq!(store.find_api_key(&tenant("acme"), keys[1].id).await.unwrap().revoked_at, None);
    }
}

#[tokio::test]
async fn audit_log_is_tenant_scoped_and_paged() {
    for db in all_databases().await {
        let store = store(&db).await;
        for i in 0..3 {
            let e = AuditEntry {
                id: AuditId::new(),
                tenant: tenant(if i == 1 { "other" } else { "acme" }),
                actor: format!("u{i}"),
                action: "POST /api/v1/x".into(),
                target: "/api/v1/x".into(),
                outcome: "success".into(),
                status: 201,
                request_id: format!("r{i}"),
                at: t0(),
            };
            store.record(&e).await.unwrap();
        }
        let page = store.list_audit(&tenant("acme"), &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>(), ["u2", "u0"], "{}", db.backend);
        assert_eq!(page.items[0].status, 201);
        assert_eq!(page.items[0].at, t0());
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_bootstrap_tenant_is_created_once() {
    for db in all_databases().await {
        let store = store(&db).await;
        let again = store.migrate().await.unwrap();
        assert!(again.up_to_date(), "{}", db.backend);
        assert_eq!(again.applied, again.known);
        assert!(store.ensure_tenant(&tenant("default"), "Default", t0()).await.unwrap());
        assert!(!store.ensure_tenant(&tenant("default"), "Default", t0()).await.unwrap(), "{}", db.backend);
        assert!(store.tenant_exists(&tenant("default")).await.unwrap());
        assert!(!store.tenant_exists(&tenant("nobody")).await.unwrap());
    }
}
