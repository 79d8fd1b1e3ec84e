//! Driving time: move the manual clock, then run what `mgc serve` runs in the background — the
//! outbox dispatcher with every production consumer, the analytics closing round and recompute
//! jobs, the alarm tick, the strategy scheduler, command dispatch and deadlines, notification
//! delivery, shadow runs and the settlement auto-freeze — by hand, until nothing is left to do.

use crate::app::TestApp;
use mgc_eventing::{Dispatcher, DispatcherConfig};
use mgc_kernel::Clock;
use mgc_notify::{NotifyConfig, NotifyWorker};
use mgc_store::Store;
use std::sync::Arc;

/// Passes [`TestApp::run_until_quiet`] makes before it gives up (something keeps making work).
const MAX_PASSES: usize = 50;

/// Days after which a calculated settlement is frozen (the `[settlement]` default).
pub const FREEZE_AFTER_DAYS: u32 = 3;

/// What one [`TestApp::run_until_quiet`] did, summed over its passes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quiet {
    /// Passes made (the last one found nothing to do).
    pub passes: usize,
    /// Outbox events delivered to consumers.
    pub delivered: usize,
    /// Statistics versions saved (hours, days, months, years) and recompute jobs run.
    pub statistics_saved: u64,
    /// Alarms raised, cleared or escalated by the tick (telemetry alarms come with `delivered`).
    pub alarm_changes: usize,
    /// Strategy executions recorded.
    pub strategy_executions: usize,
    /// Commands advanced by a dispatch round or ended by their deadline.
    pub command_changes: usize,
    /// Notification deliveries attempted (sent, failed or dead-lettered).
    pub notifications: usize,
    /// Shadow runs run.
    pub shadow_runs: usize,
    /// Settlements frozen.
    pub frozen: usize,
}

impl Quiet {
    fn work(&self) -> u64 {
        let counts = [
            self.delivered,
            self.alarm_changes,
            self.strategy_executions,
            self.command_changes,
            self.notifications,
            self.shadow_runs,
            self.frozen,
        ];
        self.statistics_saved + counts.iter().map(|n| *n as u64).sum::<u64>()
    }

    fn add(&mut self, pass: &Quiet) {
        self.delivered += pass.delivered;
        self.statistics_saved += pass.statistics_saved;
        self.alarm_changes += pass.alarm_changes;
        self.strategy_executions += pass.strategy_executions;
        self.command_changes += pass.command_changes;
        self.notifications += pass.notifications;
        self.shadow_runs += pass.shadow_runs;
        self.frozen += pass.frozen;
    }
}

/// Notification worker settings of the kit: 1 s base backoff, breaker after 3 failures for 60 s,
/// 5 attempts, no jitter once built by [`TestApp::notify_worker`].
pub fn notify_config() -> NotifyConfig {
    NotifyConfig {
        workers: 16,
        per_endpoint_concurrency: 4,
        timeout: std::time::Duration::from_secs(5),
        backoff: mgc_eventing::Backoff {
            base: std::time::Duration::from_secs(1),
            max: std::time::Duration::from_secs(60),
        },
        max_attempts: 5,
        max_age: chrono::Duration::hours(1),
        breaker: mgc_notify::BreakerConfig { failures_to_open: 3, open_for: chrono::Duration::seconds(60) },
        rate_per_sec: 1000,
        subscription_concurrency: 4,
        subscription_rate_per_sec: 1000,
        poll_interval: std::time::Duration::from_millis(100),
    }
}

impl TestApp {
    /// The app clock's time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Moves the manual clock forward by `by` (nothing runs until the test drives it).
    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    /// A dispatcher with every production consumer, wired by the composition root of
    /// `apps/server` (the very function `mgc serve` calls), on the app clock.
    pub fn dispatcher(&self) -> Dispatcher<Store> {
        let mut dispatcher =
            Dispatcher::new(Arc::new(self.store.clone()), self.clock.shared(), DispatcherConfig::default());
        mgc_server::composition::register_consumers(&mut dispatcher, &self.config, &self.clock.shared());
        dispatcher
    }

    /// Delivers outbox events to every production consumer until none is due; returns how many.
    /// Panics when a consumer fails (a retry or a dead letter is a bug the test should see).
    pub async fn pump(&self) -> usize {
        let dispatcher = self.dispatcher();
        let mut delivered = 0;
        loop {
            let tick = dispatcher.tick().await.unwrap();
            assert_eq!(tick.retried + tick.dead_lettered, 0, "a consumer failed: {tick:?}");
            delivered += tick.delivered;
            if tick.claimed == 0 {
                return delivered;
            }
        }
    }

    /// One analytics scheduler round at the app clock, then queued jobs (what `mgc serve` runs).
    pub async fn analytics_round(&self) -> mgc_analytics::app::scheduler::RoundReport {
        let config = &self.config.analytics;
        let report = mgc_analytics::app::scheduler::run_round(&self.store, self.clock.now(), config).await.unwrap();
        mgc_analytics::app::recompute::run_jobs(&self.store, &self.clock.shared(), config).await.unwrap();
        report
    }

    /// The notification worker of this app (no jitter: retry delays are exactly base × 2^(n-1)).
    pub fn notify_worker(&self, config: NotifyConfig) -> NotifyWorker<Store> {
        NotifyWorker::new(Arc::new(self.store.clone()), self.clock.shared(), config).unwrap().with_jitter(|| 1.0)
    }

    /// Makes the command dispatch round of [`TestApp::run_until_quiet`] send ThingsBoard RPCs
    /// to `url` (a [`crate::fake_thingsboard::FakeThingsBoard`]'s).
    pub fn connect_thingsboard(&mut self, url: &str) {
        self.command_adapters = crate::fake_thingsboard::adapters_for(url, &self.clock.shared());
    }

    /// Sets after how many days [`TestApp::run_until_quiet`] freezes a calculated settlement,
    /// as `[settlement] freeze_after_days` does (default 3); `None` never freezes, so a tariff
    /// change can still re-price old days.
    pub fn with_auto_freeze(mut self, after_days: Option<u32>) -> Self {
        self.freeze_after_days = after_days;
        self
    }

    /// Runs every background duty once at the app clock, again and again until a pass finds
    /// nothing to do; returns what was done. Deterministic: no sleeps, no background tasks.
    ///
    /// Panics when a consumer, a round or a job fails, or when work never runs out.
    pub async fn run_until_quiet(&self) -> Quiet {
        let mut total = Quiet::default();
        let worker = self.notify_worker(notify_config());
        for _ in 0..MAX_PASSES {
            let pass = self.one_pass(&worker).await;
            total.add(&pass);
            total.passes += 1;
            if pass.work() == 0 {
                return total;
            }
        }
        panic!("still busy after {MAX_PASSES} passes: {total:?}");
    }

    /// Advances the clock by `by`, then [`TestApp::run_until_quiet`].
    pub async fn advance_until_quiet(&self, by: chrono::Duration) -> Quiet {
        self.advance(by);
        self.run_until_quiet().await
    }

    async fn one_pass(&self, worker: &NotifyWorker<Store>) -> Quiet {
        let now = self.clock.now();
        let clock = self.clock.shared();
        let delivered = self.pump().await;
        let analytics =
            mgc_analytics::app::scheduler::run_round(&self.store, now, &self.config.analytics).await.unwrap();
        assert!(analytics.errors.is_empty(), "analytics round failed: {:?}", analytics.errors);
        let saved = &analytics.saved;
        let jobs = mgc_analytics::app::recompute::run_jobs(&self.store, &clock, &self.config.analytics).await.unwrap();
        let tick = mgc_alarms::run_tick(&self.store, now).await.unwrap();
        let strategy =
            mgc_strategy::run_round(&self.store, now, &mgc_strategy::SchedulerConfig::default()).await.unwrap();
        assert!(strategy.errors.is_empty(), "strategy round failed: {:?}", strategy.errors);
        let settings = &self.config.commands;
        let sent =
            mgc_commands::run_dispatch_round(&self.store, &self.command_adapters, settings, &clock, "testkit").await;
        let scan = mgc_commands::scan_deadlines(&self.store, &clock, settings, 100).await.unwrap();
        let notified = worker.run_once().await.unwrap();
        let shadow = mgc_strategy::app::shadow_run::run_queued(&self.store, &clock, &Default::default()).await.unwrap();
        let frozen = match self.freeze_after_days {
            Some(days) => mgc_settlement::app::freeze::freeze_due(self.store.begin().await.unwrap(), now, days, 500)
                .await
                .unwrap(),
            None => 0,
        };
        Quiet {
            passes: 1,
            delivered,
            statistics_saved: saved.hours_saved + saved.days_saved + saved.months_saved + saved.years_saved + jobs,
            alarm_changes: tick.raised + tick.cleared + tick.escalated,
            strategy_executions: strategy.executions(),
            command_changes: sent.unwrap().advanced + scan.expired + scan.timed_out,
            notifications: notified.delivered + notified.failed + notified.dead,
            shadow_runs: shadow,
            frozen,
        }
    }
}
