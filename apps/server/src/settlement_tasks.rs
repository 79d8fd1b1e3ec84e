//! Settlement background task: freezes calculated days `freeze_after_days` after they ended.

use crate::config::SettlementConfig;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::time::Duration;
use tokio::sync::watch;

/// Settlements frozen per unit of work.
const BATCH: u32 = 500;

/// One round: freezes every due settlement (in batches); returns how many.
pub async fn run_once(store: &Store, clock: &SharedClock, config: &SettlementConfig) -> usize {
    let mut total = 0;
    loop {
        let uow = match store.begin().await {
            Ok(uow) => uow,
            Err(e) => {
                tracing::warn!(error = %e, "auto-freeze: no transaction");
                return total;
            }
        };
        match mgc_settlement::app::freeze::freeze_due(uow, clock.now(), config.freeze_after_days, BATCH).await {
            Ok(n) => {
                total += n;
                if n < BATCH as usize {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "auto-freeze failed");
                break;
            }
        }
    }
    if total > 0 {
        tracing::info!(frozen = total, "daily settlements frozen");
    }
    total
}

/// Runs [`run_once`] every `freeze_check_interval_secs` until `stop` turns true.
pub async fn run(store: Store, clock: SharedClock, config: SettlementConfig, mut stop: watch::Receiver<bool>) {
    loop {
        run_once(&store, &clock, &config).await;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(config.freeze_check_interval_secs)) => {}
            _ = stop.changed() => break,
        }
    }
}
