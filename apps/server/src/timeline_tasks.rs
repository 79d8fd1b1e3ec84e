//! The retention sweep of the charging timeline (`[charging]`), every `timeline_sweep_interval_s`.

use mgc_charging::{sweep_timeline, TimelineRetention};
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::time::Duration;
use tokio::sync::watch;

/// Statements of one sweep at most (the next sweep takes the rest).
const MAX_BATCHES: u32 = 100;

/// Sweeps now and every `every` until `stop` turns true.
pub async fn run(
    store: Store,
    clock: SharedClock,
    retention: TimelineRetention,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        match sweep_timeline(&store, retention, clock.now(), MAX_BATCHES).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "old charging timeline events removed"),
            Err(e) => tracing::warn!(error = %e, "charging timeline retention failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
    }
}
