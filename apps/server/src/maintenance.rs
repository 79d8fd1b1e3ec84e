//! Housekeeping: telemetry partitions ahead and retention (hourly); the ingest replay log and
//! the quarantine sweep (every minute).

use crate::config::TelemetryConfig;
use chrono::Days;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// One round: partitions from yesterday to `partitions_ahead_days` ahead; retention purge.
pub async fn run_once(store: &Store, clock: &SharedClock, config: &TelemetryConfig) {
    let now = clock.now();
    let first = now.date_naive().checked_sub_days(Days::new(1)).unwrap_or(now.date_naive());
    match store.ensure_telemetry_partitions(first, config.partitions_ahead_days.saturating_add(1)).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(created = n, "telemetry partitions created"),
        Err(e) => tracing::warn!(error = %e, "telemetry partitions not ensured"),
    }
    if config.retention_days > 0 {
        let cutoff = now - chrono::Duration::days(i64::from(config.retention_days));
        match store.purge_telemetry_before(cutoff).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, %cutoff, "old telemetry removed"),
            Err(e) => tracing::warn!(error = %e, "telemetry retention failed"),
        }
    }
}

/// Forgets ingest signatures older than twice the replay window (they can no longer be replayed).
pub async fn purge_replay_log(store: &Store, clock: &SharedClock) {
    let before = clock.now() - chrono::Duration::seconds(2 * mgc_iam::integration::REPLAY_WINDOW_SECS);
    match store.purge_ingest_signatures(before).await {
        Ok(n) => tracing::debug!(removed = n, "ingest replay log purged"),
        Err(e) => tracing::warn!(error = %e, "ingest replay log not purged"),
    }
}

/// Runs [`run_once`] now and every hour, the replay-log purge and the quarantine sweep every
/// minute, until `stop` turns true.
pub async fn run(
    store: Store,
    clock: SharedClock,
    config: TelemetryConfig,
    ingest: Arc<mgc_adapter_thingsboard::IngestService<Store>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut minutes = 0u32;
    loop {
        if minutes.is_multiple_of(60) {
            run_once(&store, &clock, &config).await;
        }
        purge_replay_log(&store, &clock).await;
        if let Err(e) = ingest.sweep_quarantine().await {
            tracing::warn!(error = %e, "quarantine sweep failed");
        }
        minutes = minutes.wrapping_add(1);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => break,
        }
    }
}
