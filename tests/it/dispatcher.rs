//! Dispatcher: retries with backoff, effect once per consumer, dead letters and replay.

use crate::support::{append_event, store, t0, TestApp};
use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use mgc_contracts::EventEnvelope;
use mgc_eventing::{
    Backoff, DeadLetterQueue, Dispatcher, DispatcherConfig, EventHandler, HandlerError, OutboxStore, ProcessedEvents,
};
use mgc_iam::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, GeneratedApiKey, Role};
use mgc_kernel::page::PageRequest;
use mgc_kernel::{ApiKeyId, Clock, EventId, ManualClock, TenantId};
use mgc_store::{Store, StoreTx};
use mgc_tests::all_databases;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

/// A consumer whose effect is a row written in the delivery's transaction: an API key named
/// `effect-<consumer>-<event id>`. It fails while `failures_left` > 0 or while `broken` is set.
struct RecordingHandler {
    name: &'static str,
    calls: AtomicU32,
    failures_left: AtomicU32,
    broken: AtomicBool,
}

impl RecordingHandler {
    fn new(name: &'static str, failures: u32) -> Arc<Self> {
        Arc::new(Self {
            name,
            calls: AtomicU32::new(0),
            failures_left: AtomicU32::new(failures),
            broken: AtomicBool::new(false),
        })
    }
}

#[async_trait]
impl EventHandler<StoreTx> for RecordingHandler {
    fn consumer(&self) -> &'static str {
        self.name
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    async fn handle(&self, tx: &mut StoreTx, event: &EventEnvelope) -> Result<(), HandlerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        // The effect is written first, so a failure below proves the rollback undoes it.
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
        if self.broken.load(Ordering::SeqCst) {
            return Err(HandlerError::new("downstream is broken"));
        }
        if self.failures_left.load(Ordering::SeqCst) > 0 {
            self.failures_left.fetch_sub(1, Ordering::SeqCst);
            return Err(HandlerError::new("transient failure"));
        }
        Ok(())
    }
}

async fn effects(store: &Store, tenant: &TenantId, consumer: &str, event: EventId) -> usize {
    let name = format!("effect-{consumer}-{event}");
    let page = store.list_api_keys(tenant, &PageRequest { limit: 500, cursor: None }).await.unwrap();
    page.items.iter().filter(|k| k.name == name).count()
}

fn config(max_attempts: u32) -> DispatcherConfig {
    DispatcherConfig {
        batch_size: 10,
        max_attempts,
        lease: std::time::Duration::from_secs(60),
        backoff: Backoff { base: std::time::Duration::from_secs(10), max: std::time::Duration::from_secs(600) },
        poll_interval: std::time::Duration::from_millis(50),
        retention: std::time::Duration::from_secs(7 * 24 * 3600),
    }
}

#[tokio::test]
async fn given_handler_failing_twice_then_retried_with_backoff_and_effect_happens_once() {
    for db in all_databases().await {
        let store = store(&db).await;
        let clock = ManualClock::new(t0());
        let flaky = RecordingHandler::new("flaky", 2);
        let steady = RecordingHandler::new("steady", 0);
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), clock.shared(), config(5));
        dispatcher.register(flaky.clone());
        dispatcher.register(steady.clone());
        let ev = append_event(&store, "acme", t0()).await;

        let r1 = dispatcher.tick().await.unwrap();
        assert_eq!((r1.claimed, r1.retried), (1, 1), "{}", db.backend);
        // Not due again before the first backoff (10 s base, at least half of it).
        clock.advance(Duration::seconds(4));
        assert_eq!(dispatcher.tick().await.unwrap().claimed, 0, "{}: retried before its backoff", db.backend);
        clock.advance(Duration::seconds(6));
        let r2 = dispatcher.tick().await.unwrap();
        assert_eq!((r2.claimed, r2.retried), (1, 1), "{}", db.backend);
        // Second backoff is at least 10 s (20 s with equal jitter): exponential growth.
        clock.advance(Duration::seconds(9));
        assert_eq!(dispatcher.tick().await.unwrap().claimed, 0, "{}: backoff did not grow", db.backend);
        clock.advance(Duration::seconds(11));
        let r3 = dispatcher.tick().await.unwrap();
        assert_eq!((r3.claimed, r3.delivered), (1, 1), "{}", db.backend);

        assert_eq!(flaky.calls.load(Ordering::SeqCst), 3, "{}", db.backend);
        assert_eq!(steady.calls.load(Ordering::SeqCst), 1, "{}: processed consumer ran again", db.backend);
        assert_eq!(
            effects(&store, &ev.tenant_id, "flaky", ev.id).await,
            1,
            "{}: failed attempts left effects",
            db.backend
        );
        assert_eq!(effects(&store, &ev.tenant_id, "steady", ev.id).await, 1, "{}", db.backend);
        let stats = store.stats(clock.now()).await.unwrap();
        assert_eq!((stats.pending, stats.dead_letters), (0, 0), "{}", db.backend);
    }
}

#[tokio::test]
async fn given_handler_always_failing_then_dead_lettered_and_replay_redelivers_once() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let store = app.store.clone();
        let broken = RecordingHandler::new("broken", 0);
        broken.broken.store(true, Ordering::SeqCst);
        let steady = RecordingHandler::new("steady", 0);
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), app.clock.shared(), config(3));
        dispatcher.register(broken.clone());
        dispatcher.register(steady.clone());
        let ev = append_event(&store, "acme", t0()).await;

        let mut dead = 0;
        for _ in 0..3 {
            dead += dispatcher.tick().await.unwrap().dead_lettered;
            app.clock.advance(Duration::minutes(10));
        }
        assert_eq!(dead, 1, "{}", db.backend);
        assert_eq!(broken.calls.load(Ordering::SeqCst), 3, "{}", db.backend);
        assert_eq!(dispatcher.tick().await.unwrap().claimed, 0, "{}: dead letter still dispatched", db.backend);
        assert_eq!(store.stats(app.clock.now()).await.unwrap().dead_letters, 1, "{}", db.backend);

        // Visible through the API with the last error.
        let admin = app.bearer("acme", Role::Admin);
        let (status, body) = app.call(Method::GET, "/api/v1/events/dead-letters", Some(&admin), None).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", db.backend);
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{}", db.backend);
        assert_eq!(items[0]["event_id"], ev.id.to_string());
        assert_eq!(items[0]["attempts"], 3);
        assert_eq!(items[0]["failed_consumers"], serde_json::json!(["broken"]));
        assert!(items[0]["last_error"].as_str().unwrap().contains("downstream is broken"));
        let dl_id = items[0]["id"].as_str().unwrap().to_owned();

        // Fix the consumer, replay through the API, and the event is delivered once more.
        broken.broken.store(false, Ordering::SeqCst);
        let path = format!("/api/v1/events/dead-letters/{dl_id}/replay");
        let (status, body) = app.call(Method::POST, &path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", db.backend);
        assert!(body["replayed_at"].is_string());
        let r = dispatcher.tick().await.unwrap();
        assert_eq!((r.claimed, r.delivered), (1, 1), "{}", db.backend);
        assert_eq!(effects(&store, &ev.tenant_id, "broken", ev.id).await, 1, "{}", db.backend);
        // The consumer that had succeeded was not run again by the replay.
        assert_eq!(steady.calls.load(Ordering::SeqCst), 1, "{}", db.backend);
        assert_eq!(effects(&store, &ev.tenant_id, "steady", ev.id).await, 1, "{}", db.backend);

        let (status, body) = app.call(Method::POST, &path, Some(&admin), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{}: second replay: {body}", db.backend);
        let page = store.list_dead_letters(&ev.tenant_id, &PageRequest::first()).await.unwrap();
        assert!(page.items[0].replayed_at.is_some(), "{}", db.backend);
    }
}

#[tokio::test]
async fn given_already_processed_event_when_redelivered_then_no_second_effect() {
    for db in all_databases().await {
        let store = store(&db).await;
        let ev = append_event(&store, "acme", t0()).await;
        let mut tx = store.begin().await.unwrap();
        assert!(tx.mark_processed("steady", ev.id, t0()).await.unwrap(), "{}", db.backend);
        mgc_eventing::UnitOfWork::commit(tx).await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(!tx.mark_processed("steady", ev.id, t0()).await.unwrap(), "{}: marked twice", db.backend);
        drop(tx);

        let steady = RecordingHandler::new("steady", 0);
        let other = RecordingHandler::new("other", 0);
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), ManualClock::new(t0()).shared(), config(3));
        dispatcher.register(steady.clone());
        dispatcher.register(other.clone());
        assert_eq!(dispatcher.tick().await.unwrap().delivered, 1, "{}", db.backend);
        assert_eq!(steady.calls.load(Ordering::SeqCst), 0, "{}: processed event handled again", db.backend);
        assert_eq!(other.calls.load(Ordering::SeqCst), 1, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_claim_lease_when_holder_disappears_then_another_dispatcher_takes_over_after_expiry() {
    for db in all_databases().await {
        let store = store(&db).await;
        append_event(&store, "acme", t0()).await;
        let lease_end = t0() + Duration::seconds(60);
        assert_eq!(store.claim("a", t0(), lease_end, 10).await.unwrap().len(), 1, "{}", db.backend);
        let mid = t0() + Duration::seconds(30);
        assert!(store.claim("b", mid, mid + Duration::seconds(60), 10).await.unwrap().is_empty(), "{}", db.backend);
        let after = lease_end + Duration::seconds(1);
        let taken = store.claim("b", after, after + Duration::seconds(60), 10).await.unwrap();
        assert_eq!(taken.len(), 1, "{}: expired lease not taken over", db.backend);
        // The old holder can no longer complete it.
        store.mark_delivered("a", taken[0].envelope.id, after).await.unwrap();
        assert_eq!(store.stats(after).await.unwrap().pending, 1, "{}: stale holder completed the event", db.backend);
    }
}

#[tokio::test]
async fn given_event_without_consumers_then_marked_delivered() {
    for db in all_databases().await {
        let store = store(&db).await;
        append_event(&store, "acme", t0()).await;
        let dispatcher = Dispatcher::new(Arc::new(store.clone()), ManualClock::new(t0()).shared(), config(3));
        assert_eq!(dispatcher.tick().await.unwrap().delivered, 1, "{}", db.backend);
        assert_eq!(store.stats(t0()).await.unwrap().pending, 0, "{}", db.backend);
    }
}

#[tokio::test]
async fn given_panicking_handler_then_delivery_fails_and_dispatcher_survives() {
    struct Panicking;
    #[async_trait]
    impl EventHandler<StoreTx> for Panicking {
        fn consumer(&self) -> &'static str {
            "panicking"
        }
        fn event_types(&self) -> Vec<&'static str> {
            vec!["iam.api_key_revoked"]
        }
        async fn handle(&self, _tx: &mut StoreTx, _event: &EventEnvelope) -> Result<(), HandlerError> {
            panic!("bug in a consumer")
        }
    }
    for db in all_databases().await {
        let store = store(&db).await;
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), ManualClock::new(t0()).shared(), config(1));
        dispatcher.register(Arc::new(Panicking));
        append_event(&store, "acme", t0()).await;
        let r = dispatcher.tick().await.unwrap();
        assert_eq!(r.dead_lettered, 1, "{}", db.backend);
        let page = store.list_dead_letters(&TenantId::parse("acme").unwrap(), &PageRequest::first()).await.unwrap();
        assert!(
            page.items[0].last_error.contains("panicked: bug in a consumer"),
            "{}: {}",
            db.backend,
            page.items[0].last_error
        );
    }
}

#[tokio::test]
async fn given_retention_when_purged_then_old_delivered_events_and_marks_go_but_dead_letter_history_stays() {
    for db in all_databases().await {
        let store = store(&db).await;
        let clock = ManualClock::new(t0());
        let broken = RecordingHandler::new("sometimes", 0);
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), clock.shared(), config(1));
        dispatcher.register(broken.clone());
        let delivered = append_event(&store, "acme", t0()).await;
        assert_eq!(dispatcher.tick().await.unwrap().delivered, 1);
        // A second event dies, is replayed and then delivered: it keeps its dead-letter history.
        broken.broken.store(true, Ordering::SeqCst);
        append_event(&store, "acme", t0()).await;
        assert_eq!(dispatcher.tick().await.unwrap().dead_lettered, 1);
        let tenant = TenantId::parse("acme").unwrap();
        let dl = store.list_dead_letters(&tenant, &PageRequest::first()).await.unwrap().items.remove(0);
        store.replay_dead_letter(&tenant, dl.id, "ops", clock.now()).await.unwrap();
        broken.broken.store(false, Ordering::SeqCst);
        assert_eq!(dispatcher.tick().await.unwrap().delivered, 1);

        clock.advance(Duration::days(6));
        assert_eq!(dispatcher.purge().await.unwrap(), 0, "{}: purged inside retention", db.backend);
        clock.advance(Duration::days(2));
        assert_eq!(dispatcher.purge().await.unwrap(), 1, "{}", db.backend);
        // The purged event's processed mark went with it; the dead letter still shows its event.
        let mut tx = store.begin().await.unwrap();
        assert!(tx.mark_processed("sometimes", delivered.id, clock.now()).await.unwrap(), "{}", db.backend);
        drop(tx);
        let page = store.list_dead_letters(&tenant, &PageRequest::first()).await.unwrap();
        assert_eq!(page.items.len(), 1, "{}", db.backend);
    }
}

/// Takes only events of tenant `acme`; counts its calls.
struct AcmeOnly(AtomicU32);

#[async_trait]
impl EventHandler<StoreTx> for AcmeOnly {
    fn consumer(&self) -> &'static str {
        "acme-only"
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    fn accepts(&self, event: &EventEnvelope) -> bool {
        event.tenant_id.as_str() == "acme"
    }
    async fn handle(&self, _tx: &mut StoreTx, _event: &EventEnvelope) -> Result<(), HandlerError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn events_a_consumer_does_not_accept_are_delivered_without_running_it() {
    for db in all_databases().await {
        let store = store(&db).await;
        let mine = append_event(&store, "acme", t0()).await;
        let other = append_event(&store, "globex", t0()).await;
        let handler = Arc::new(AcmeOnly(AtomicU32::new(0)));
        let clock = ManualClock::new(t0());
        let mut dispatcher = Dispatcher::new(Arc::new(store.clone()), clock.shared(), DispatcherConfig::default());
        dispatcher.register(handler.clone());
        let tick = dispatcher.tick().await.unwrap();
        assert_eq!((tick.claimed, tick.delivered), (2, 2), "{}", db.backend);
        assert_eq!(handler.0.load(Ordering::SeqCst), 1, "{}: only the accepted event ran", db.backend);
        let mut tx = store.begin().await.unwrap();
        assert!(!tx.mark_processed("acme-only", mine.id, t0()).await.unwrap(), "{}", db.backend);
        assert!(tx.mark_processed("acme-only", other.id, t0()).await.unwrap(), "{}: skipped, not marked", db.backend);
        drop(tx);
        assert_eq!(dispatcher.tick().await.unwrap().claimed, 0, "{}: both delivered", db.backend);
    }
}
