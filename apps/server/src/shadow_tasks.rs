//! Shadow-run background task: at start-up puts runs interrupted by a stop back in the queue,
//! then runs queued runs whenever one is queued (woken by the API) or every poll interval (runs
//! queued through another instance). A stop drops the run in progress; the next start resumes it.

use mgc_kernel::SharedClock;
use mgc_store::Store;
use mgc_strategy::app::shadow_run::{run_queued, ShadowSettings};
use mgc_strategy::ShadowRunStore;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// How often the queue is looked at without a wake-up.
const POLL: Duration = Duration::from_secs(30);

/// Runs until `stop` turns true.
pub async fn run(store: Store, clock: SharedClock, wakeup: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    match store.requeue_interrupted().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(runs = n, "interrupted shadow runs queued again"),
        Err(e) => tracing::warn!(error = %e, "shadow runs: cannot requeue interrupted runs"),
    }
    let settings = ShadowSettings::default();
    loop {
        tokio::select! {
            ran = run_queued(&store, &clock, &settings) => match ran {
                Ok(0) => {}
                Ok(n) => tracing::info!(runs = n, "shadow runs finished"),
                Err(e) => tracing::warn!(error = %e, "shadow runs failed"),
            },
            _ = stop.changed() => break,
        }
        tokio::select! {
            _ = wakeup.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => break,
        }
    }
}
