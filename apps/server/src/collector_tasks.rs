//! The pull collector of `mgc serve` (when `[[collector.sources]]` are configured): one task per
//! source polling on the service clock, recording through the ingest pipeline; ends on shutdown.

use crate::config::Config;
use mgc_adapter_collector::{Collector, CollectorStatus};
use mgc_kernel::{SharedClock, TenantId};
use mgc_store::Store;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Starts the sources' tasks (none when no source is configured); their energy counters are
/// restored from the database before the first poll.
pub async fn start(
    store: &Store,
    clock: &SharedClock,
    ingest: Arc<mgc_api::IngestService<Store>>,
    status: Arc<CollectorStatus>,
    config: &Config,
    bootstrap: &TenantId,
    stop: watch::Receiver<bool>,
) -> Result<Vec<JoinHandle<()>>, String> {
    if config.collector.sources.is_empty() {
        return Ok(Vec::new());
    }
    let sources = config.collector.to_settings(bootstrap)?;
    let max_gap = config.analytics().max_gap;
    let names: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let collector = Collector::start(sources, store.clone(), ingest, status, max_gap).await?;
    tracing::info!(sources = ?names, "collector started");
    Ok(collector.spawn(clock.clone(), stop))
}
