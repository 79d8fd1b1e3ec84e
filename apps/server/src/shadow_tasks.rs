//! Shadow-run background task: runs queued runs whenever one is queued (woken by the API) or
//! every poll interval (runs queued through another instance). A running run is leased and the
//! lease renewed after every day; a stop drops the run in progress, and any instance claims it
//! again (from its first day) once the lease ran out.

use mgc_kernel::SharedClock;
use mgc_store::Store;
use mgc_strategy::app::shadow_run::{run_queued, ShadowSettings};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// How often the queue is looked at without a wake-up.
const POLL: Duration = Duration::from_secs(30);

/// Runs until `stop` turns true.
pub async fn run(store: Store, clock: SharedClock, wakeup: Arc<Notify>, mut stop: watch::Receiver<bool>) {
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
