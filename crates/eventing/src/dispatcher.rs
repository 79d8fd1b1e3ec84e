//! The dispatcher: claims due outbox events and delivers them to registered consumers.

use crate::{Backoff, ClaimedEvent, EventHandler, OutboxStats, OutboxStore, ProcessedEvents, UnitOfWork, Wakeup};
use futures_util::FutureExt;
use mgc_kernel::{RepoError, SharedClock};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Tuning of the dispatcher.
#[derive(Debug, Clone, PartialEq)]
pub struct DispatcherConfig {
    /// Events claimed per round.
    pub batch_size: u32,
    /// Attempts before an event is dead-lettered.
    pub max_attempts: u32,
    /// How long a claim stays exclusive; another instance may take the event after it.
    pub lease: Duration,
    /// Delay between attempts.
    pub backoff: Backoff,
    /// Polling fallback when no wake-up arrives.
    pub poll_interval: Duration,
    /// How long delivered events are kept before the purge removes them.
    pub retention: Duration,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            batch_size: 100,
            max_attempts: 10,
            lease: Duration::from_secs(60),
            backoff: Backoff::default(),
            poll_interval: Duration::from_secs(1),
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

/// What one round of dispatching did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Events claimed.
    pub claimed: usize,
    /// Events delivered to all their consumers.
    pub delivered: usize,
    /// Events scheduled for another attempt.
    pub retried: usize,
    /// Events moved to the dead-letter table.
    pub dead_lettered: usize,
}

type Handler<S> = Arc<dyn EventHandler<<S as OutboxStore>::Tx>>;

/// Delivers outbox events to handlers by event type, at least once, effect once per consumer.
pub struct Dispatcher<S: OutboxStore> {
    store: Arc<S>,
    clock: SharedClock,
    config: DispatcherConfig,
    owner: String,
    routes: HashMap<&'static str, Vec<Handler<S>>>,
    /// Every handler once, by stage ([`crate::stages`]).
    stages: Vec<Vec<Handler<S>>>,
    handlers: Vec<Handler<S>>,
}

/// Events one consumer transaction carries at most: fewer round trips than one transaction per
/// event, while a consumer holds the (SQLite) writer only briefly.
const EVENTS_PER_TX: usize = 32;

impl<S: OutboxStore> Dispatcher<S> {
    /// A dispatcher with a random owner id (one per process instance).
    pub fn new(store: Arc<S>, clock: SharedClock, config: DispatcherConfig) -> Self {
        let owner = format!("mgc-{}", mgc_kernel::uuid::Uuid::new_v4().simple());
        Self { store, clock, config, owner, routes: HashMap::new(), stages: Vec::new(), handlers: Vec::new() }
    }

    /// Sets the lease owner name (useful to tell instances apart in logs and tests).
    pub fn with_owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = owner.into();
        self
    }

    /// Subscribes `handler` to each of its event types.
    pub fn register(&mut self, handler: Handler<S>) {
        for event_type in handler.event_types() {
            self.routes.entry(event_type).or_default().push(handler.clone());
        }
        self.handlers.push(handler);
        let names: Vec<(&str, &[&str])> = self.handlers.iter().map(|h| (h.consumer(), h.runs_after())).collect();
        self.stages = crate::stages::stages(&names)
            .into_iter()
            .map(|stage| stage.into_iter().map(|i| self.handlers[i].clone()).collect())
            .collect();
    }

    /// The lease owner name of this dispatcher.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Claims one batch of due events and delivers it: stage by stage, each consumer of a stage
    /// takes its events of the batch in order, in transactions of up to `EVENTS_PER_TX` (32)
    /// events, at the same time as the other consumers of the stage.
    pub async fn tick(&self) -> Result<TickReport, RepoError> {
        let now = self.clock.now();
        let lease = chrono::Duration::from_std(self.config.lease).unwrap_or(chrono::Duration::seconds(60));
        let batch = self.store.claim(&self.owner, now, now + lease, self.config.batch_size).await?;
        let mut report = TickReport { claimed: batch.len(), ..TickReport::default() };
        let mut failures: Vec<Vec<(&'static str, String)>> = vec![Vec::new(); batch.len()];
        for stage in &self.stages {
            let runs = stage.iter().map(|handler| {
                let mine: Vec<usize> = (0..batch.len()).filter(|&i| self.wants(handler, &batch[i])).collect();
                self.deliver_all(handler.as_ref(), &batch, mine)
            });
            for (consumer, failed) in futures_util::future::join_all(runs).await {
                for (i, error) in failed {
                    failures[i].push((consumer, error));
                }
            }
        }
        let mut delivered = Vec::with_capacity(batch.len());
        for (claimed, failed) in batch.iter().zip(failures) {
            if self.process(claimed, failed, &mut report).await? {
                delivered.push(claimed.envelope.id);
            }
        }
        // One statement for the batch: a crash before it only means a redelivery, which every
        // consumer's processed mark turns into a no-op.
        self.store.mark_delivered_many(&self.owner, &delivered, self.clock.now()).await?;
        Ok(report)
    }

    /// Whether `handler` is subscribed to `claimed`'s type and accepts it.
    fn wants(&self, handler: &Handler<S>, claimed: &ClaimedEvent) -> bool {
        let ev = &claimed.envelope;
        self.routes
            .get(ev.event_type.as_str())
            .is_some_and(|hs| hs.iter().any(|h| Arc::ptr_eq(h, handler)) && handler.accepts(ev))
    }

    /// Records the outcome of one event; true when every consumer has it (to be marked delivered).
    async fn process(
        &self,
        claimed: &ClaimedEvent,
        failures: Vec<(&'static str, String)>,
        report: &mut TickReport,
    ) -> Result<bool, RepoError> {
        let ev = &claimed.envelope;
        let now = self.clock.now();
        if failures.is_empty() {
            metrics::counter!("mgc_outbox_delivered_total", "event_type" => ev.event_type.clone()).increment(1);
            report.delivered += 1;
            return Ok(true);
        }
        metrics::counter!("mgc_outbox_failed_total", "event_type" => ev.event_type.clone()).increment(1);
        let attempts = claimed.attempts.saturating_add(1);
        let error = failures.iter().map(|(consumer, err)| format!("{consumer}: {err}")).collect::<Vec<_>>().join("; ");
        if attempts >= self.config.max_attempts {
            let consumers: Vec<String> = failures.iter().map(|(c, _)| (*c).to_owned()).collect();
            let id = self.store.dead_letter(&self.owner, claimed, attempts, &error, &consumers, now).await?;
            metrics::counter!("mgc_outbox_dead_lettered_total", "event_type" => ev.event_type.clone()).increment(1);
            tracing::error!(event_id = %ev.id, event_type = %ev.event_type, attempts, dead_letter_id = %id, %error, "event dead-lettered");
            report.dead_lettered += 1;
        } else {
            let delay = self.config.backoff.delay(attempts, rand::random::<f64>());
            let next = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(1));
            self.store.schedule_retry(&self.owner, ev.id, attempts, next, &error).await?;
            tracing::warn!(event_id = %ev.id, event_type = %ev.event_type, attempts, retry_at = %next, %error, "event delivery failed; retry scheduled");
            report.retried += 1;
        }
        Ok(false)
    }

    /// Delivers `batch[i]` for each `i` of `mine` to `handler`, in order; returns the consumer
    /// and the failed indices with their errors. A shared transaction that fails is rolled back
    /// and its events are taken one by one, so one bad event never holds up the others.
    async fn deliver_all(
        &self,
        handler: &dyn EventHandler<S::Tx>,
        batch: &[ClaimedEvent],
        mine: Vec<usize>,
    ) -> (&'static str, Vec<(usize, String)>) {
        let mut failed = Vec::new();
        for chunk in mine.chunks(EVENTS_PER_TX) {
            if chunk.len() > 1 && self.deliver_together(handler, batch, chunk).await.is_ok() {
                continue;
            }
            for &i in chunk {
                if let Err(err) = self.deliver_to(handler, &batch[i]).await {
                    failed.push((i, err));
                }
            }
        }
        (handler.consumer(), failed)
    }

    /// The events `chunk` of `batch` in one transaction of `handler`; any error rolls all back.
    async fn deliver_together(
        &self,
        handler: &dyn EventHandler<S::Tx>,
        batch: &[ClaimedEvent],
        chunk: &[usize],
    ) -> Result<(), String> {
        let mut tx = self.store.begin().await.map_err(|e| e.to_string())?;
        for &i in chunk {
            self.handle_in(handler, &mut tx, &batch[i]).await?;
        }
        tx.commit().await.map_err(|e| e.to_string())
    }

    async fn deliver_to(&self, handler: &dyn EventHandler<S::Tx>, claimed: &ClaimedEvent) -> Result<(), String> {
        let mut tx = self.store.begin().await.map_err(|e| e.to_string())?;
        self.handle_in(handler, &mut tx, claimed).await?;
        tx.commit().await.map_err(|e| e.to_string())
    }

    /// Marks the event processed for the consumer and handles it, inside `tx`; an event the
    /// consumer already processed is skipped.
    async fn handle_in(
        &self,
        handler: &dyn EventHandler<S::Tx>,
        tx: &mut S::Tx,
        claimed: &ClaimedEvent,
    ) -> Result<(), String> {
        let ev = &claimed.envelope;
        let first_time =
            tx.mark_processed(handler.consumer(), ev.id, self.clock.now()).await.map_err(|e| e.to_string())?;
        if !first_time {
            tracing::debug!(event_id = %ev.id, consumer = handler.consumer(), "already processed; skipped");
            return Ok(());
        }
        // A panicking consumer is a failed delivery (retried, then dead-lettered), never a dead dispatcher.
        match AssertUnwindSafe(handler.handle(tx, ev)).catch_unwind().await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(panic) => Err(format!("handler panicked: {}", panic_message(panic.as_ref()))),
        }
    }

    /// Removes delivered events older than the retention period.
    pub async fn purge(&self) -> Result<u64, RepoError> {
        let keep = chrono::Duration::from_std(self.config.retention).unwrap_or(chrono::Duration::days(7));
        let purged = self.store.purge_delivered(self.clock.now() - keep).await?;
        if purged > 0 {
            tracing::info!(purged, "delivered outbox events purged");
        }
        Ok(purged)
    }

    /// Reads the outbox figures and publishes them as gauges.
    pub async fn refresh_metrics(&self) -> Result<OutboxStats, RepoError> {
        let stats = self.store.stats(self.clock.now()).await?;
        publish_outbox_gauges(&stats);
        Ok(stats)
    }

    /// Dispatches until `shutdown` turns true, finishing the batch in hand before returning.
    pub async fn run(self, mut wakeup: impl Wakeup, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "outbox dispatcher started");
        let mut last_purge: Option<chrono::DateTime<chrono::Utc>> = None;
        // The gauges cost three queries: refreshed at most once a second, not every round.
        let mut last_metrics: Option<tokio::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let report = match self.tick().await {
                Ok(report) => report,
                Err(err) => {
                    tracing::error!(error = %err, "outbox dispatch round failed");
                    TickReport::default()
                }
            };
            if last_metrics.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(1)) {
                last_metrics = Some(tokio::time::Instant::now());
                if let Err(err) = self.refresh_metrics().await {
                    tracing::warn!(error = %err, "outbox metrics not refreshed");
                }
            }
            let now = self.clock.now();
            if last_purge.is_none_or(|at| now - at >= chrono::Duration::hours(1)) {
                last_purge = Some(now);
                if let Err(err) = self.purge().await {
                    tracing::warn!(error = %err, "outbox purge failed");
                }
            }
            if report.claimed as u32 >= self.config.batch_size {
                continue;
            }
            tokio::select! {
                _ = wakeup.wait(self.config.poll_interval) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!(owner = %self.owner, "outbox dispatcher stopped");
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned())
}

/// Publishes outbox figures as Prometheus gauges (`mgc_outbox_*`).
pub fn publish_outbox_gauges(stats: &OutboxStats) {
    metrics::gauge!("mgc_outbox_lag_seconds").set(stats.lag_seconds);
    metrics::gauge!("mgc_outbox_pending").set(stats.pending as f64);
    metrics::gauge!("mgc_outbox_dead_letters").set(stats.dead_letters as f64);
}
