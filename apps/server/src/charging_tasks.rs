//! The charging context's long-lived parts: the OCPP 1.6J endpoint (on the API's listener or its
//! own) and the sweep that marks silent charge points offline.

use crate::config_ocpp::OcppConfig;
use axum::Router;
use mgc_adapter_ocpp::csms::Csms;
use mgc_charging::{sweep_offline, ChargingSettings};
use mgc_commands::ConnectionDirectory;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Charge points looked at per sweep round.
const SWEEP_LIMIT: u32 = 500;

/// The running OCPP endpoint.
pub struct Ocpp {
    csms: Csms<Store>,
    /// The routes to serve on the API's listener (none when the endpoint has its own).
    pub shared_router: Option<Router>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the endpoint (recording connections in `directory`) and the sweep when `[ocpp]
/// enabled`; both end when `stop` turns true.
pub async fn start(
    store: &Store,
    clock: &SharedClock,
    config: &OcppConfig,
    directory: Arc<dyn ConnectionDirectory>,
    stop: watch::Receiver<bool>,
) -> Result<Option<Ocpp>, String> {
    if !config.enabled {
        return Ok(None);
    }
    let settings = config.to_settings();
    let every = Duration::from_secs(config.sweep_interval_s);
    let sweep = tokio::spawn(sweep(store.clone(), clock.clone(), settings.charging.clone(), every, stop.clone()));
    let csms = Csms::new(store.clone(), clock.clone(), settings, stop.clone()).with_directory(directory);
    let mut tasks = vec![sweep];
    let shared_router = match config.own_listen() {
        None => Some(csms.router()),
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| format!("ocpp.listen: cannot listen on {addr}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            println!("mgc: OCPP listening on ws://{local}");
            let mut stop = stop;
            let serve = axum::serve(listener, csms.router())
                .with_graceful_shutdown(async move { drop(stop.wait_for(|s| *s).await) });
            tasks.push(tokio::spawn(async move {
                if let Err(e) = serve.await {
                    tracing::error!(error = %e, "OCPP listener failed");
                }
            }));
            None
        }
    };
    tracing::info!(own_listener = shared_router.is_none(), "OCPP 1.6J endpoint at /ocpp/1.6/{{tenant}}/{{identity}}");
    Ok(Some(Ocpp { csms, shared_router, tasks }))
}

impl Ocpp {
    /// The live charge point connections (commands to charge points go through them).
    pub fn connections(&self) -> mgc_adapter_ocpp::csms::Registry {
        self.csms.registry().clone()
    }

    /// After the stop signal: waits for the connections (within the drain deadline) and the tasks.
    pub async fn finish(self) {
        if !self.csms.drain().await {
            tracing::warn!(
                open = self.csms.registry().connected(),
                "OCPP connections still open at the drain deadline"
            );
        }
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "OCPP task ended abnormally");
            }
        }
    }
}

/// Marks silent charge points offline every `every` until `stop`.
async fn sweep(
    store: Store,
    clock: SharedClock,
    settings: ChargingSettings,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let stopped = async move { drop(stop.wait_for(|s| *s).await) };
    tokio::pin!(stopped);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            _ = tick.tick() => match sweep_offline(&store, &settings, clock.now(), SWEEP_LIMIT).await {
                Ok(r) if r.marked_offline > 0 => tracing::info!(offline = r.marked_offline, "silent charge points marked offline"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "offline sweep failed"),
            },
        }
    }
}
