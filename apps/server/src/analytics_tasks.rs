//! The analytics scheduler: closes due hours, recomputes dirty ones and runs recompute jobs
//! every `analytics.tick_secs`, and at once when a job is queued.

use mgc_analytics::app::recompute::run_jobs;
use mgc_analytics::app::scheduler::run_round;
use mgc_analytics::AnalyticsConfig;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Runs rounds until `stop` turns true.
pub async fn run(
    store: Store,
    clock: SharedClock,
    config: AnalyticsConfig,
    tick: Duration,
    wakeup: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        round(&store, &clock, &config).await;
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = wakeup.notified() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// One round: close and recompute, then run queued jobs; failures are logged and retried.
pub async fn round(store: &Store, clock: &SharedClock, config: &AnalyticsConfig) {
    match run_round(store, clock.now(), config).await {
        Ok(report) if report.stations > 0 => {
            tracing::info!(stations = report.stations, saved = ?report.saved, errors = report.errors.len(), "statistics closed");
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "analytics round failed; retried next round"),
    }
    if let Err(e) = run_jobs(store, clock, config).await {
        tracing::warn!(error = %e, "analytics jobs failed; retried next round");
    }
}
