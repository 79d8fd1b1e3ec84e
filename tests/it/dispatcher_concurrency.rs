//! Two dispatchers on one PostgreSQL database share the outbox without double delivery.

use crate::support::{append_event, store, t0};
use async_trait::async_trait;
use mgc_contracts::EventEnvelope;
use mgc_eventing::{Backoff, Dispatcher, DispatcherConfig, EventHandler, HandlerError, OutboxStore};
use mgc_kernel::{EventId, ManualClock};
use mgc_store::StoreTx;
use mgc_tests::postgres_database;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Records which dispatcher delivered each event and flags any overlap in flight.
#[derive(Default)]
struct Tracker {
    in_flight: Mutex<HashSet<EventId>>,
    deliveries: Mutex<HashMap<EventId, u32>>,
    overlaps: Mutex<Vec<EventId>>,
}

struct TrackingHandler(Arc<Tracker>);

#[async_trait]
impl EventHandler<StoreTx> for TrackingHandler {
    fn consumer(&self) -> &'static str {
        "tracker"
    }
    fn event_types(&self) -> Vec<&'static str> {
        vec!["iam.api_key_revoked"]
    }
    async fn handle(&self, _tx: &mut StoreTx, event: &EventEnvelope) -> Result<(), HandlerError> {
        if !self.0.in_flight.lock().unwrap().insert(event.id) {
            self.0.overlaps.lock().unwrap().push(event.id);
        }
        // Give the other dispatcher every chance to interleave.
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        *self.0.deliveries.lock().unwrap().entry(event.id).or_default() += 1;
        self.0.in_flight.lock().unwrap().remove(&event.id);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_two_dispatchers_on_one_postgres_then_each_event_delivered_once_and_never_concurrently() {
    let Some(db) = postgres_database().await else { return };
    let store = store(&db).await;
    const EVENTS: usize = 300;
    let mut ids = Vec::with_capacity(EVENTS);
    for _ in 0..EVENTS {
        ids.push(append_event(&store, "acme", t0()).await.id);
    }
    let tracker = Arc::new(Tracker::default());
    let clock = ManualClock::new(t0());
    let config = DispatcherConfig {
        batch_size: 7,
        max_attempts: 5,
        lease: std::time::Duration::from_secs(300),
        backoff: Backoff::default(),
        poll_interval: std::time::Duration::from_millis(10),
        ..DispatcherConfig::default()
    };
    let mut tasks = Vec::new();
    for name in ["dispatcher-a", "dispatcher-b"] {
        let mut d = Dispatcher::new(Arc::new(store.clone()), clock.shared(), config.clone()).with_owner(name);
        d.register(Arc::new(TrackingHandler(tracker.clone())));
        tasks.push(tokio::spawn(async move {
            let mut delivered = 0usize;
            // Bounded: every round delivers or the outbox is empty.
            for _ in 0..EVENTS {
                let r = d.tick().await.unwrap();
                delivered += r.delivered;
                if r.claimed == 0 {
                    break;
                }
            }
            delivered
        }));
    }
    let mut per_dispatcher = Vec::new();
    for t in tasks {
        per_dispatcher.push(t.await.unwrap());
    }
    assert!(
        tracker.overlaps.lock().unwrap().is_empty(),
        "events delivered concurrently: {:?}",
        tracker.overlaps.lock().unwrap()
    );
    let deliveries = tracker.deliveries.lock().unwrap().clone();
    assert_eq!(deliveries.len(), EVENTS, "not every event was delivered");
    assert!(ids.iter().all(|id| deliveries.get(id) == Some(&1)), "an event was delivered twice: {deliveries:?}");
    assert_eq!(per_dispatcher.iter().sum::<usize>(), EVENTS);
    assert_eq!(store.stats(t0()).await.unwrap().pending, 0);
    eprintln!("deliveries per dispatcher: {per_dispatcher:?}");
}
