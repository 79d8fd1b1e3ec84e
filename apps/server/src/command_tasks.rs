//! Background work of commands: the dispatch rounds (woken when a command is issued or a round
//! that sent commands ends, and polling), the deadline scanner, the reconciliation of quiet
//! persistent RPCs with ThingsBoard and the purge of early persistent-RPC state messages.

use crate::config_commands::{CommandsConfig, ThingsBoardConfig};
use mgc_commands::{AdapterRegistry, CommandSettings};
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinHandle;

/// Dispatch rounds allowed to run at once (a two-way RPC holds its round until the device answers).
const MAX_CONCURRENT_ROUNDS: usize = 4;
/// Overdue commands finished per scan.
const SCAN_LIMIT: u32 = 500;
/// Persistent commands checked with ThingsBoard per reconciliation round.
const RECONCILE_LIMIT: u32 = 50;
/// Interval of reconciliation rounds (the quiet time they look for is at least 5 s).
const RECONCILE_EVERY: Duration = Duration::from_secs(5);
/// Interval of purging early persistent-RPC state messages whose RPC id never appeared.
const EARLY_PURGE_EVERY: Duration = Duration::from_secs(60);

/// The device adapters by protocol: `thingsboard` when `[thingsboard] url` is set, `ocpp16`
/// over the CSMS's live connections when `[ocpp]` is enabled (`ocpp`), `ap3000` over the
/// AP3000 gateway's connections when `[ap3000] listen` is set. The OCPP adapter records each
/// RemoteStopTransaction on its session's timeline through `store` before sending it.
pub fn adapters(
    tb: &ThingsBoardConfig,
    ocpp: Option<mgc_adapter_ocpp::csms::Registry>,
    ap3000: Option<&crate::ap3000_tasks::Ap3000>,
    store: &Store,
    clock: &SharedClock,
) -> Result<AdapterRegistry, String> {
    let mut registry = AdapterRegistry::new();
    match tb.to_settings() {
        Some(settings) => {
            let client = mgc_adapter_thingsboard::ThingsBoardRpc::new(settings, clock.clone())?;
            registry = registry.with("thingsboard", Arc::new(client));
        }
        None => tracing::warn!("[thingsboard] url is not set: commands to ThingsBoard devices will fail"),
    }
    if let Some(connections) = ocpp {
        let stops = mgc_adapter_ocpp::commands::ChargingStopTrail::new(store.clone(), clock.clone());
        let adapter = mgc_adapter_ocpp::commands::OcppCommandAdapter::new(connections).with_stop_trail(Arc::new(stops));
        registry = registry.with(mgc_commands::PROTOCOL_OCPP16, Arc::new(adapter));
    }
    if let Some(gateway) = ap3000 {
        registry = registry.with(mgc_commands::PROTOCOL_AP3000, gateway.adapter());
    }
    Ok(registry)
}

/// Starts the command loop sending through `registry`, claiming as `owner` (this process's
/// holder id: it claims the commands of the devices it holds); it stops when `stop` turns true.
pub fn spawn(
    store: Store,
    clock: SharedClock,
    registry: AdapterRegistry,
    config: &CommandsConfig,
    owner: &str,
    wakeup: Arc<Notify>,
    stop: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, String> {
    let settings = config.to_settings();
    let interval = Duration::from_millis(config.scan_interval_ms);
    Ok(tokio::spawn(run(store, clock, registry, (settings, interval), owner.to_owned(), wakeup, stop)))
}

async fn run(
    store: Store,
    clock: SharedClock,
    registry: AdapterRegistry,
    (settings, interval): (CommandSettings, Duration),
    owner: String,
    wakeup: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let rounds = Arc::new(Semaphore::new(MAX_CONCURRENT_ROUNDS));
    let mut in_flight = tokio::task::JoinSet::new();
    let mut last_purge: Option<tokio::time::Instant> = None;
    let mut last_scan: Option<tokio::time::Instant> = None;
    let mut reconcile: Option<JoinHandle<()>> = None;
    let mut last_reconcile: Option<tokio::time::Instant> = None;
    // Set when a wake-up found every round busy; the next round to end wakes the loop again.
    let missed = Arc::new(AtomicBool::new(false));
    tracing::info!(%owner, "command dispatcher started");
    loop {
        if *stop.borrow() {
            break;
        }
        while in_flight.try_join_next().is_some() {}
        match rounds.clone().try_acquire_owned() {
            Ok(permit) => {
                let (store, registry, settings, clock, owner, wakeup, missed) = (
                    store.clone(),
                    registry.clone(),
                    settings.clone(),
                    clock.clone(),
                    owner.clone(),
                    wakeup.clone(),
                    missed.clone(),
                );
                in_flight.spawn(async move {
                    let claimed =
                        match mgc_commands::run_dispatch_round(&store, &registry, &settings, &clock, &owner).await {
                            Ok(r) if r.claimed > 0 => {
                                tracing::debug!(?r, "command dispatch round");
                                true
                            }
                            Ok(_) => false,
                            Err(e) => {
                                tracing::error!(error = %e, "command dispatch round failed");
                                false
                            }
                        };
                    drop(permit);
                    // Sent commands may have freed their devices' locks (or the batch was full),
                    // and a wake-up may have found every round busy: go again now, not at the
                    // next poll (rounds that found nothing to do stop here).
                    if missed.swap(false, Ordering::AcqRel) || claimed {
                        wakeup.notify_one();
                    }
                });
            }
            Err(_) => missed.store(true, Ordering::Release),
        }
        // The scan keeps its own pace: wake-ups after busy rounds need a claim, not a scan.
        if last_scan.is_none_or(|at| at.elapsed() >= interval) {
            last_scan = Some(tokio::time::Instant::now());
            match mgc_commands::scan_deadlines(&store, &clock, &settings, SCAN_LIMIT).await {
                Ok(r) if r.expired + r.timed_out > 0 => tracing::info!(?r, "overdue commands finished"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "command deadline scan failed"),
            }
        }
        // One reconciliation round at a time, beside the loop (it waits for ThingsBoard).
        let reconcile_due = last_reconcile.is_none_or(|at| at.elapsed() >= RECONCILE_EVERY);
        if reconcile_due && reconcile.as_ref().is_none_or(JoinHandle::is_finished) {
            last_reconcile = Some(tokio::time::Instant::now());
            let (store, registry, settings, clock) = (store.clone(), registry.clone(), settings.clone(), clock.clone());
            reconcile = Some(tokio::spawn(async move {
                match mgc_commands::reconcile_persistent_rpcs(&store, &registry, &settings, &clock, RECONCILE_LIMIT)
                    .await
                {
                    Ok(r) if r.checked > 0 => tracing::info!(?r, "persistent RPCs checked with the platform"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "persistent RPC reconciliation failed"),
                }
            }));
        }
        if last_purge.is_none_or(|at| at.elapsed() >= EARLY_PURGE_EVERY) {
            last_purge = Some(tokio::time::Instant::now());
            match mgc_commands::purge_early_updates(&store, &settings, clock.now()).await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "early RPC state messages of never-stored RPC ids purged"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "purging early RPC state messages failed"),
            }
        }
        tokio::select! {
            _ = wakeup.notified() => {}
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => {}
        }
    }
    while in_flight.join_next().await.is_some() {}
    if let Some(task) = reconcile {
        let _ = task.await;
    }
    tracing::info!(%owner, "command dispatcher stopped");
}
