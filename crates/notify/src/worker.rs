//! The delivery worker pool: claims due deliveries and sends them with per-endpoint
//! concurrency limits, breaker and rate limit; failures back off exponentially with jitter
//! and go to dead letter after the maximum attempts or age.

use crate::breaker::{Admission, Breaker, BreakerConfig, BreakerState};
use crate::{ClaimedDelivery, DeliveryQueue, Sender};
use chrono::{DateTime, Utc};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use mgc_alarms::ChannelId;
use mgc_eventing::{Backoff, Wakeup};
use mgc_kernel::{RepoError, SharedClock};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};

/// Tuning of the worker.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Deliveries in flight at once (all endpoints).
    pub workers: usize,
    /// Deliveries in flight at once per endpoint (channel).
    pub per_endpoint_concurrency: usize,
    /// Timeout of one send.
    pub timeout: Duration,
    /// Delay between attempts.
    pub backoff: Backoff,
    /// Attempts before dead letter.
    pub max_attempts: u32,
    /// Age (from creation or manual retry) after which a failing delivery goes to dead letter.
    pub max_age: chrono::Duration,
    /// Breaker per endpoint.
    pub breaker: BreakerConfig,
    /// Sends per second per endpoint.
    pub rate_per_sec: u32,
    /// Deliveries in flight at once per platform subscription: a platform's server takes more
    /// than a chat robot, and a subscription's order is kept per session and charge point anyway.
    pub subscription_concurrency: usize,
    /// Sends per second per platform subscription.
    pub subscription_rate_per_sec: u32,
    /// Polling fallback without wake-ups.
    pub poll_interval: Duration,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            workers: 32,
            per_endpoint_concurrency: 4,
            timeout: Duration::from_secs(10),
            backoff: Backoff { base: Duration::from_secs(1), max: Duration::from_secs(600) },
            max_attempts: 12,
            max_age: chrono::Duration::hours(24),
            breaker: BreakerConfig { failures_to_open: 5, open_for: chrono::Duration::seconds(30) },
            rate_per_sec: 20,
            subscription_concurrency: 16,
            subscription_rate_per_sec: 1000,
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkReport {
    /// Deliveries claimed.
    pub claimed: usize,
    /// Sent successfully.
    pub delivered: usize,
    /// Failed, retry scheduled.
    pub failed: usize,
    /// Not attempted (breaker open, rate limited).
    pub deferred: usize,
    /// Moved to dead letter.
    pub dead: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Delivered,
    Failed,
    Deferred,
    Dead,
}

struct Endpoint {
    breaker: Breaker,
    limiter: Arc<DefaultDirectRateLimiter>,
    slots: Arc<Semaphore>,
}

type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// Sends persisted deliveries.
pub struct NotifyWorker<Q: DeliveryQueue> {
    queue: Arc<Q>,
    clock: SharedClock,
    config: NotifyConfig,
    sender: Sender,
    owner: String,
    endpoints: Mutex<HashMap<ChannelId, Endpoint>>,
    in_flight: Arc<Semaphore>,
    /// Signalled when a send's outcome is recorded: the next delivery of its ordering key (held
    /// back while this one was unfinished) may now be due, so the loop claims again at once.
    finished: Notify,
    jitter: Jitter,
}

impl<Q: DeliveryQueue> NotifyWorker<Q> {
    /// A worker over `queue`.
    pub fn new(queue: Arc<Q>, clock: SharedClock, config: NotifyConfig) -> Result<Self, String> {
        let sender = Sender::new(config.timeout)?;
        let owner = format!("notify-{}", mgc_kernel::uuid::Uuid::new_v4().simple());
        let in_flight = Arc::new(Semaphore::new(config.workers.max(1)));
        Ok(Self {
            queue,
            clock,
            config,
            sender,
            owner,
            endpoints: Mutex::new(HashMap::new()),
            in_flight,
            finished: Notify::new(),
            jitter: Arc::new(rand::random::<f64>),
        })
    }

    /// Replaces the jitter source (a number in `[0, 1)`; tests pin it).
    pub fn with_jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// Breaker state of an endpoint at the worker's current time.
    pub fn breaker_state(&self, channel: ChannelId) -> BreakerState {
        let now = self.clock.now();
        self.lock().get(&channel).map_or(BreakerState::Closed, |e| e.breaker.state(now))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Endpoint>> {
        self.endpoints.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.config.timeout * 3)
            .unwrap_or(chrono::Duration::seconds(60))
            .max(chrono::Duration::seconds(60))
    }

    /// Claims one batch and sends it, waiting for every send (tests and `mgc` both use it).
    pub async fn run_once(&self) -> Result<WorkReport, RepoError> {
        let now = self.clock.now();
        let limit = u32::try_from(self.config.workers.max(1)).unwrap_or(32);
        let batch = self.queue.claim_deliveries(&self.owner, now, now + self.lease(), limit).await?;
        let mut report = WorkReport { claimed: batch.len(), ..WorkReport::default() };
        let outcomes = futures_util::future::join_all(batch.iter().map(|c| self.process(c))).await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Delivered => report.delivered += 1,
                Outcome::Failed => report.failed += 1,
                Outcome::Deferred => report.deferred += 1,
                Outcome::Dead => report.dead += 1,
            }
        }
        Ok(report)
    }

    /// Works until `shutdown` turns true: claims as many deliveries as there are free workers and
    /// sends each in its own task, so a slow endpoint never holds up the others.
    pub async fn run(self: Arc<Self>, mut wakeup: impl Wakeup, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "notification worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let free = self.in_flight.available_permits();
            let workers = self.config.workers.max(1);
            // Under load, claim once a quarter of the workers is free rather than after every
            // send: a claim reads the open queue, and one per send made a storm's backlog slower.
            if free > 0 && (free == workers || free >= workers.div_ceil(4)) {
                let now = self.clock.now();
                let limit = u32::try_from(free).unwrap_or(32);
                match self.queue.claim_deliveries(&self.owner, now, now + self.lease(), limit).await {
                    Ok(batch) => {
                        for c in batch {
                            let Ok(permit) = self.in_flight.clone().acquire_owned().await else { break };
                            let me = self.clone();
                            tokio::spawn(async move {
                                if let Err(e) = me.process(&c).await {
                                    tracing::error!(error = %e, delivery = %c.delivery.id, "delivery outcome not recorded");
                                }
                                drop(permit);
                                me.finished.notify_one();
                            });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "claiming deliveries failed"),
                }
            }
            // A finished send (its permit back, maybe its key's next delivery due), a new
            // delivery, shutdown, or the poll.
            tokio::select! {
                _ = wakeup.wait(self.config.poll_interval) => {}
                _ = self.finished.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
        let _ = self.in_flight.acquire_many(u32::try_from(self.config.workers.max(1)).unwrap_or(1)).await;
        tracing::info!(owner = %self.owner, "notification worker stopped");
    }

    /// Admission by breaker and rate limit; the endpoint's concurrency slots (a platform
    /// subscription's limits when `subscription`, a channel's otherwise).
    fn admit(
        &self,
        channel: ChannelId,
        subscription: bool,
        now: DateTime<Utc>,
    ) -> Result<Arc<Semaphore>, DateTime<Utc>> {
        let (rate, slots) = if subscription {
            (self.config.subscription_rate_per_sec, self.config.subscription_concurrency)
        } else {
            (self.config.rate_per_sec, self.config.per_endpoint_concurrency)
        };
        let mut endpoints = self.lock();
        let e = endpoints.entry(channel).or_insert_with(|| Endpoint {
            breaker: Breaker::default(),
            limiter: Arc::new(RateLimiter::direct(Quota::per_second(NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN)))),
            slots: Arc::new(Semaphore::new(slots.max(1))),
        });
        if let Admission::WaitUntil(t) = e.breaker.admit(now, &self.config.breaker) {
            return Err(t);
        }
        if let Err(not_until) = e.limiter.check() {
            use governor::clock::Clock;
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            return Err(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1)));
        }
        Ok(e.slots.clone())
    }

    /// Feeds a send result to the channel's breaker. `mgc_notify_breaker_open{channel}` counts
    /// open breakers per channel kind: `/metrics` is unauthenticated and carries no tenant data.
    fn record(&self, channel: ChannelId, kind: &'static str, ok: bool, now: DateTime<Utc>) {
        let mut endpoints = self.lock();
        if let Some(e) = endpoints.get_mut(&channel) {
            let before = e.breaker.state(now);
            if ok {
                e.breaker.on_success();
            } else {
                e.breaker.on_failure(now, &self.config.breaker);
            }
            let after = e.breaker.state(now);
            if before != after {
                tracing::warn!(%channel, ?before, ?after, "notification endpoint breaker changed");
            }
            let gauge = metrics::gauge!("mgc_notify_breaker_open", "channel" => kind);
            match (before == BreakerState::Closed, after == BreakerState::Closed) {
                (true, false) => gauge.increment(1.0),
                (false, true) => gauge.decrement(1.0),
                _ => {}
            }
        }
    }

    async fn process(&self, c: &ClaimedDelivery) -> Result<Outcome, RepoError> {
        let d = &c.delivery;
        let kind = c.channel.as_ref().map_or("deleted", |ch| ch.config.kind());
        let now = self.clock.now();
        if c.channel.is_none() {
            self.queue.delivery_dead(&self.owner, d.id, d.attempts, "channel no longer exists").await?;
            metrics::counter!("mgc_notify_dead_total", "channel" => kind).increment(1);
            subscription_outcome(c, "dead", None);
            return Ok(Outcome::Dead);
        }
        let slots = match self.admit(d.channel_id, c.subscription, now) {
            Ok(slots) => slots,
            Err(until) => {
                self.queue.delivery_deferred(&self.owner, d.id, until.max(now)).await?;
                return Ok(Outcome::Deferred);
            }
        };
        let attempt = d.attempts.saturating_add(1);
        let result = {
            let _slot = slots.acquire().await.map_err(|e| RepoError::Backend(e.to_string()))?;
            self.sender.send(c, attempt, now).await
        };
        let done = self.clock.now();
        self.record(d.channel_id, kind, result.is_ok(), done);
        match result {
            Ok(()) => {
                self.queue.delivery_succeeded(&self.owner, d.id, attempt, done).await?;
                metrics::counter!("mgc_notify_sent_total", "channel" => kind).increment(1);
                let latency = (done - d.created_at).num_milliseconds().max(0) as f64 / 1000.0;
                metrics::histogram!("mgc_notify_delivery_latency_seconds", "channel" => kind).record(latency);
                subscription_outcome(c, "delivered", Some(latency));
                Ok(Outcome::Delivered)
            }
            Err(e) => {
                metrics::counter!("mgc_notify_failed_total", "channel" => kind).increment(1);
                subscription_outcome(c, "failed", None);
                let too_old = done - d.age_from >= self.config.max_age;
                if attempt >= self.config.max_attempts || too_old {
                    let why = if too_old { "max age" } else { "max attempts" };
                    let error = format!("{e} (gave up: {why})");
                    self.queue.delivery_dead(&self.owner, d.id, attempt, &error).await?;
                    metrics::counter!("mgc_notify_dead_total", "channel" => kind).increment(1);
                    subscription_outcome(c, "dead", None);
                    tracing::error!(delivery = %d.id, channel = %d.channel_id, attempt, %error, "notification dead-lettered");
                    return Ok(Outcome::Dead);
                }
                let delay = self.config.backoff.delay(attempt, (self.jitter)());
                let next = done + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(1));
                self.queue.delivery_failed(&self.owner, d.id, attempt, next, &e.0).await?;
                tracing::warn!(delivery = %d.id, channel = %d.channel_id, attempt, retry_at = %next, error = %e, "notification failed; retry scheduled");
                Ok(Outcome::Failed)
            }
        }
    }
}

/// Per-subscription figures of a platform subscription's delivery attempt: attempts by outcome
/// (`delivered`, `failed`, `dead`) and the latency of delivered ones, labelled by subscription
/// id (one series per subscription: bounded by the subscriptions the tenants keep).
fn subscription_outcome(c: &ClaimedDelivery, outcome: &'static str, latency_s: Option<f64>) {
    if !c.subscription {
        return;
    }
    let id = c.delivery.channel_id.to_string();
    metrics::counter!("mgc_subscription_deliveries_total", "subscription" => id.clone(), "outcome" => outcome)
        .increment(1);
    if let Some(latency) = latency_s {
        metrics::histogram!("mgc_subscription_delivery_latency_seconds", "subscription" => id).record(latency);
    }
}
