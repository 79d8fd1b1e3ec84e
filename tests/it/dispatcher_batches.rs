//! Dispatcher rounds: a consumer takes its events of a batch in shared transactions, and a
//! consumer that reads another's effects runs after it. One bad event in a shared transaction
//! costs the others nothing (each effect exactly once), and the order of stages, not of
//! registration, decides what a reader sees.

use crate::support::{append_event, store, t0};
use async_trait::async_trait;
use mgc_contracts::EventEnvelope;
use mgc_eventing::{Backoff, Dispatcher, DispatcherConfig, EventHandler, HandlerError, OutboxStore};
use mgc_iam::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, GeneratedApiKey, Role};
use mgc_kernel::page::PageRequest;
use mgc_kernel::{ApiKeyId, Clock, EventId, ManualClock, TenantId};
use mgc_store::{Store, StoreTx};
use mgc_tests::all_databases;
use std::sync::{Arc, Mutex};

fn config() -> DispatcherConfig {
    DispatcherConfig {
        batch_size: 10,
        max_attempts: 5,
        lease: std::time::Duration::from_secs(60),
        backoff: Backoff { base: std::time::Duration::from_secs(10), max: std::time::Duration::from_secs(600) },
        poll_interval: std::time::Duration::from_millis(50),
        retention: std::time::Duration::from_secs(7 * 24 * 3600),
    }
}

/// The names of the effect rows (API keys named `effect-<consumer>-<event>`) of `tenant`.
async fn effect_names(store: &Store, tenant: &TenantId) -> Vec<String> {
    let page = store.list_api_keys(tenant, &PageRequest { limit: 500, cursor: None }).await.unwrap();
    page.items.into_iter().map(|k| k.name).filter(|n| n.starts_with("effect-")).collect()
}

/// Writes its effect row for each event, then fails on the events in `poison`.
struct Writer {
    name: &'static str,
    poison: Mutex<Vec<EventId>>,
}

#[async_trait]
impl EventHandler<StoreTx> for Writer {
    fn consumer(&self) -> &'static str {
        self.name
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    async fn handle(&self, tx: &mut StoreTx, event: &EventEnvelope) -> Result<(), HandlerError> {
        let g = GeneratedApiKey::generate();
        let effect = ApiKey {
            id: ApiKeyId::new(),
            tenant: event.tenant_id.clone(),
            name: format!("effect-{}-{}", self.name, event.id),
            role: Role::Viewer,
            station_ids: None,
            prefix: g.prefix,
            secret_hash: g.hash,
            created_by: "handler".into(),
            created_at: event.occurred_at,
            revoked_at: None,
        };
        tx.insert_api_key(&effect).await.map_err(HandlerError::new)?;
        if self.poison.lock().unwrap().contains(&event.id) {
            return Err(HandlerError::new("poison event"));
        }
        Ok(())
    }
}

/// Runs after `writer` and notes, per event, whether the writer's effect was already committed.
struct Reader {
    store: Store,
    seen: Mutex<Vec<(EventId, bool)>>,
}

#[async_trait]
impl EventHandler<StoreTx> for Reader {
    fn consumer(&self) -> &'static str {
        "reader"
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    fn runs_after(&self) -> &'static [&'static str] {
        &["writer"]
    }
    async fn handle(&self, _tx: &mut StoreTx, event: &EventEnvelope) -> Result<(), HandlerError> {
        let names = effect_names(&self.store, &event.tenant_id).await;
        let written = names.contains(&format!("effect-writer-{}", event.id));
        self.seen.lock().unwrap().push((event.id, written));
        Ok(())
    }
}

#[tokio::test]
async fn given_a_poison_event_in_a_shared_transaction_then_the_others_are_delivered_once_and_it_alone_is_retried() {
    for db in all_databases().await {
        let b = db.backend;
        let store = store(&db).await;
        let clock = ManualClock::new(t0());
        let events = [
            append_event(&store, "acme", t0()).await,
            append_event(&store, "acme", t0()).await,
            append_event(&store, "acme", t0()).await,
        ];
        let writer = Arc::new(Writer { name: "writer", poison: Mutex::new(vec![events[1].id]) });
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), clock.shared(), config());
        dispatcher.register(writer.clone());

        let report = dispatcher.tick().await.unwrap();
        assert_eq!((report.claimed, report.delivered, report.retried), (3, 2, 1), "{b}: {report:?}");
        let mut names = effect_names(&store, &events[0].tenant_id).await;
        names.sort();
        let mut want = vec![format!("effect-writer-{}", events[0].id), format!("effect-writer-{}", events[2].id)];
        want.sort();
        assert_eq!(names, want, "{b}: the rolled-back shared transaction left nothing twice, the poison nothing");

        writer.poison.lock().unwrap().clear();
        clock.advance(chrono::Duration::seconds(30));
        let report = dispatcher.tick().await.unwrap();
        assert_eq!((report.claimed, report.delivered), (1, 1), "{b}: only the poison event came back: {report:?}");
        assert_eq!(effect_names(&store, &events[0].tenant_id).await.len(), 3, "{b}: each effect once");
        assert_eq!(store.stats(clock.now()).await.unwrap().pending, 0, "{b}");
    }
}

#[tokio::test]
async fn given_a_reader_registered_before_the_writer_it_reads_then_it_runs_after_it_and_sees_every_effect() {
    for db in all_databases().await {
        let b = db.backend;
        let store = store(&db).await;
        let clock = ManualClock::new(t0());
        let reader = Arc::new(Reader { store: store.clone(), seen: Mutex::new(Vec::new()) });
        let writer = Arc::new(Writer { name: "writer", poison: Mutex::new(Vec::new()) });
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), clock.shared(), config());
        dispatcher.register(reader.clone());
        dispatcher.register(writer);
        let mut ids = Vec::new();
        for _ in 0..4 {
            ids.push(append_event(&store, "acme", t0()).await.id);
        }

        let report = dispatcher.tick().await.unwrap();
        assert_eq!((report.claimed, report.delivered), (4, 4), "{b}: {report:?}");
        let seen = reader.seen.lock().unwrap().clone();
        assert_eq!(seen, ids.iter().map(|id| (*id, true)).collect::<Vec<_>>(), "{b}: in order, each after its write");
    }
}
