//! The outbox is written in the same transaction as the state change: both or neither.

use crate::support::{store, t0, tenant};
use chrono::Duration;
use mgc_contracts::{ApiKeyCreated, EventEnvelope};
use mgc_eventing::{OutboxStore, OutboxWriter, UnitOfWork};
use mgc_iam::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, GeneratedApiKey, Role};
use mgc_kernel::{ApiKeyId, RepoError};
use mgc_store::Store;
use mgc_tests::all_databases;

fn new_key(tenant_id: &str) -> ApiKey {
    let g = GeneratedApiKey::generate();
    ApiKey {
        id: ApiKeyId::new(),
        tenant: tenant(tenant_id),
        name: "atomic".into(),
        role: Role::Viewer,
        station_ids: None,
        prefix: g.prefix,
        secret_hash: g.hash,
        created_by: "test".into(),
        created_at: t0(),
        revoked_at: None,
    }
}

async fn write_key_and_event(store: &Store, key: &ApiKey) -> (mgc_store::StoreTx, EventEnvelope) {
    let mut tx = store.begin().await.unwrap();
    tx.insert_api_key(key).await.unwrap();
    let ev =
        ApiKeyCreated { api_key_id: key.id, name: key.name.clone(), role: "viewer".into(), created_by: "test".into() };
    let env = EventEnvelope::wrap(&key.tenant, &ev, t0()).unwrap();
    tx.append(env.clone()).await.unwrap();
    (tx, env)
}

async fn claim_all(store: &Store) -> Vec<mgc_eventing::ClaimedEvent> {
    store.claim("probe", t0() + Duration::seconds(1), t0() + Duration::seconds(60), 100).await.unwrap()
}

#[tokio::test]
async fn given_rolled_back_unit_of_work_then_neither_state_nor_event_remain() {
    for db in all_databases().await {
        let store = store(&db).await;
        let key = new_key("acme");
        let (tx, _) = write_key_and_event(&store, &key).await;
        tx.rollback().await.unwrap();
        assert!(
            matches!(store.find_api_key(&key.tenant, key.id).await, Err(RepoError::NotFound { .. })),
            "{}: state survived rollback",
            db.backend
        );
        assert!(claim_all(&store).await.is_empty(), "{}: event survived rollback", db.backend);

        // Dropping an uncommitted unit of work is a rollback too.
        let (tx, _) = write_key_and_event(&store, &key).await;
        drop(tx);
        assert!(store.find_api_key(&key.tenant, key.id).await.is_err(), "{}", db.backend);
        assert_eq!(store.stats(t0()).await.unwrap().pending, 0, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_committed_unit_of_work_then_state_and_event_both_exist() {
    for db in all_databases().await {
        let store = store(&db).await;
        let key = new_key("acme");
        let (tx, env) = write_key_and_event(&store, &key).await;
        tx.commit().await.unwrap();
        assert_eq!(store.find_api_key(&key.tenant, key.id).await.unwrap().id, key.id, "{}", db.backend);
        let claimed = claim_all(&store).await;
        assert_eq!(claimed.len(), 1, "{}", db.backend);
        assert_eq!(claimed[0].envelope, env, "{}: event changed on the way through the outbox", db.backend);
        assert_eq!(claimed[0].attempts, 0);
    }
}

#[tokio::test]
async fn given_failed_write_in_unit_of_work_then_earlier_event_is_not_published() {
    for db in all_databases().await {
        let store = store(&db).await;
        let key = new_key("acme");
        let mut first = store.begin().await.unwrap();
        first.insert_api_key(&key).await.unwrap();
        first.commit().await.unwrap();
        // Same prefix again violates the unique constraint after the event was appended.
        let (mut tx, _) = {
            let mut tx = store.begin().await.unwrap();
            let ev =
                EventEnvelope::wrap(&key.tenant, &mgc_contracts::ApiKeyRevoked { api_key_id: key.id }, t0()).unwrap();
            tx.append(ev.clone()).await.unwrap();
            (tx, ev)
        };
        let dup = ApiKey { id: ApiKeyId::new(), ..key.clone() };
        let err = tx.insert_api_key(&dup).await.unwrap_err();
        assert!(matches!(err, RepoError::Conflict(_)), "{}: {err:?}", db.backend);
        drop(tx);
        assert!(claim_all(&store).await.is_empty(), "{}: event of a failed command was published", db.backend);
    }
}
