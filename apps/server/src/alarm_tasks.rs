//! Wiring of alarms and notifications: the telemetry consumer, the scheduler tick and the
//! notification worker, with their `[alarms]` and `[notify]` settings.

use mgc_eventing::Backoff;
use mgc_kernel::SharedClock;
use mgc_notify::{BreakerConfig, NotifyConfig, NotifyWorker};
use mgc_store::Store;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// `[alarms]`: rule evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlarmSettings {
    /// Scheduler tick (ms): pending durations, no-data rules, escalation.
    pub tick_interval_ms: u64,
}

impl Default for AlarmSettings {
    fn default() -> Self {
        Self { tick_interval_ms: 5000 }
    }
}

/// `[notify]`: notification delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySettings {
    /// Deliveries in flight at once.
    pub workers: usize,
    /// Deliveries in flight per endpoint.
    pub per_endpoint_concurrency: usize,
    /// Timeout of one send (ms).
    pub timeout_ms: u64,
    /// First retry delay (ms); doubles per attempt, with jitter.
    pub backoff_base_ms: u64,
    /// Longest retry delay (ms).
    pub backoff_max_ms: u64,
    /// Attempts before dead letter.
    pub max_attempts: u32,
    /// Hours a failing delivery is retried before dead letter.
    pub max_age_hours: u64,
    /// Consecutive failures that open an endpoint's breaker.
    pub breaker_failures: u32,
    /// Seconds a breaker stays open before a probe.
    pub breaker_open_secs: u64,
    /// Sends per second per endpoint.
    pub rate_per_sec: u32,
    /// Deliveries in flight per platform subscription.
    pub subscription_concurrency: usize,
    /// Sends per second per platform subscription.
    pub subscription_rate_per_sec: u32,
    /// Polling fallback (ms).
    pub poll_interval_ms: u64,
}

impl Default for NotifySettings {
    fn default() -> Self {
        let d = NotifyConfig::default();
        Self {
            workers: d.workers,
            per_endpoint_concurrency: d.per_endpoint_concurrency,
            timeout_ms: 10_000,
            backoff_base_ms: 1000,
            backoff_max_ms: 600_000,
            max_attempts: d.max_attempts,
            max_age_hours: 24,
            breaker_failures: d.breaker.failures_to_open,
            breaker_open_secs: 30,
            rate_per_sec: d.rate_per_sec,
            subscription_concurrency: d.subscription_concurrency,
            subscription_rate_per_sec: d.subscription_rate_per_sec,
            poll_interval_ms: 1000,
        }
    }
}

impl NotifySettings {
    /// Messages naming each bad setting.
    pub fn problems(&self, alarms: &AlarmSettings) -> Vec<String> {
        let mut p = Vec::new();
        for (name, v) in [
            ("workers", self.workers as u64),
            ("per_endpoint_concurrency", self.per_endpoint_concurrency as u64),
            ("timeout_ms", self.timeout_ms),
            ("backoff_base_ms", self.backoff_base_ms),
            ("max_attempts", u64::from(self.max_attempts)),
            ("max_age_hours", self.max_age_hours),
            ("breaker_failures", u64::from(self.breaker_failures)),
            ("breaker_open_secs", self.breaker_open_secs),
            ("rate_per_sec", u64::from(self.rate_per_sec)),
            ("subscription_concurrency", self.subscription_concurrency as u64),
            ("subscription_rate_per_sec", u64::from(self.subscription_rate_per_sec)),
            ("poll_interval_ms", self.poll_interval_ms),
        ] {
            if v == 0 {
                p.push(format!("notify.{name}: must be greater than 0"));
            }
        }
        if self.backoff_max_ms < self.backoff_base_ms {
            p.push("notify.backoff_max_ms: must be at least backoff_base_ms".into());
        }
        if alarms.tick_interval_ms < 100 {
            p.push("alarms.tick_interval_ms: must be at least 100".into());
        }
        p
    }

    /// The worker configuration.
    pub fn worker_config(&self) -> NotifyConfig {
        NotifyConfig {
            workers: self.workers,
            per_endpoint_concurrency: self.per_endpoint_concurrency,
            timeout: Duration::from_millis(self.timeout_ms),
            backoff: Backoff {
                base: Duration::from_millis(self.backoff_base_ms),
                max: Duration::from_millis(self.backoff_max_ms),
            },
            max_attempts: self.max_attempts,
            max_age: chrono::Duration::hours(i64::try_from(self.max_age_hours).unwrap_or(24)),
            breaker: BreakerConfig {
                failures_to_open: self.breaker_failures,
                open_for: chrono::Duration::seconds(i64::try_from(self.breaker_open_secs).unwrap_or(30)),
            },
            rate_per_sec: self.rate_per_sec,
            subscription_concurrency: self.subscription_concurrency,
            subscription_rate_per_sec: self.subscription_rate_per_sec,
            poll_interval: Duration::from_millis(self.poll_interval_ms),
        }
    }
}

/// Registers the alarm consumer with the dispatcher.
/// Starts the scheduler tick and the notification worker; both stop when `stop` turns true.
pub fn spawn(
    store: &Store,
    clock: &SharedClock,
    alarms: &AlarmSettings,
    notify: &NotifySettings,
    stop: watch::Receiver<bool>,
) -> Result<Vec<JoinHandle<()>>, String> {
    let worker = Arc::new(NotifyWorker::new(Arc::new(store.clone()), clock.clone(), notify.worker_config())?);
    let notify_task = tokio::spawn(worker.run(store.delivery_wakeup(), stop.clone()));
    let tick_task =
        tokio::spawn(tick_loop(store.clone(), clock.clone(), Duration::from_millis(alarms.tick_interval_ms), stop));
    Ok(vec![notify_task, tick_task])
}

async fn tick_loop(store: Store, clock: SharedClock, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        match mgc_alarms::run_tick(&store, clock.now()).await {
            Ok(r) if r.raised + r.cleared + r.escalated > 0 => tracing::info!(?r, "alarm tick"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "alarm tick failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}
