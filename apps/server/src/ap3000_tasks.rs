//! The AP3000 TCP gateway of `mgc serve` (when `[ap3000] listen` is set): piles mapped onto the
//! charging context, commands to them through the commands context, and a drain on shutdown.

use crate::config_ap3000::Ap3000Config;
use mgc_adapter_ap3000::charging::ChargingHandler;
use mgc_adapter_ap3000::commands::Ap3000CommandAdapter;
use mgc_adapter_ap3000::gateway::{Gateway, Registry};
use mgc_charging::ChargingSettings;
use mgc_kernel::{SharedClock, TenantId};
use mgc_store::Store;
use std::sync::Arc;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// The running gateway.
pub struct Ap3000 {
    gateway: Gateway<ChargingHandler<Store>>,
    handler: ChargingHandler<Store>,
    task: JoinHandle<()>,
}

/// Starts the gateway when `[ap3000] listen` is set; it stops accepting and closes its
/// connections when `stop` turns true.
pub async fn start(
    store: &Store,
    clock: &SharedClock,
    config: &Ap3000Config,
    charging: ChargingSettings,
    bootstrap: &TenantId,
    directory: Arc<dyn mgc_commands::ConnectionDirectory>,
    stop: watch::Receiver<bool>,
) -> Result<Option<Ap3000>, String> {
    let Some(addr) = config.own_listen() else { return Ok(None) };
    let tenant = if config.tenant.is_empty() {
        bootstrap.clone()
    } else {
        TenantId::parse(&config.tenant).map_err(|e| format!("ap3000.tenant: {e}"))?
    };
    let settings = config.to_settings();
    // Enough for the protocol's send and its one resend, plus the spacing before it.
    let wait = settings.ack_timeout * 2 + settings.spacing + std::time::Duration::from_secs(1);
    let charging = ChargingSettings { accept_unknown: config.accept_unknown, ..charging };
    let registry = Registry::default();
    let handler = ChargingHandler::new(store.clone(), clock.clone(), tenant.clone(), charging, registry.clone(), wait);
    handler.set_directory(directory);
    let gateway = Gateway::with_registry(handler.clone(), registry, settings, stop);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("ap3000.listen: cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("mgc: AP3000 listening on tcp://{local}");
    tracing::info!(%local, %tenant, "AP3000 gateway started");
    let task = tokio::spawn(gateway.clone().serve(listener));
    Ok(Some(Ap3000 { gateway, handler, task }))
}

impl Ap3000 {
    /// The commands context's adapter for protocol `ap3000`.
    pub fn adapter(&self) -> Arc<Ap3000CommandAdapter<Store>> {
        Arc::new(Ap3000CommandAdapter::new(self.handler.clone()))
    }

    /// Records each pile that binds to a connection on its timeline and in the connection directory (so commands
    /// issued on any instance reach it here, and its waiting commands are due at once); without a
    /// directory, makes its waiting commands due itself. Ends when `stop` turns true.
    pub fn wake_on_connect(
        &self,
        store: Store,
        clock: SharedClock,
        wakeup: Arc<Notify>,
        mut stop: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let mut connects = self.gateway.registry().connects();
        let tenant = self.handler.tenant().clone();
        let handler = self.handler.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let pile = tokio::select! {
                    _ = stop.wait_for(|s| *s) => break,
                    received = connects.recv() => match received {
                        Ok(pile) => pile,
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => break,
                    },
                };
                // Records `connected` on the pile's timeline, and the connection in the directory.
                handler.pile_connected(pile).await;
                if handler.has_directory() {
                    continue;
                }
                let name = pile.identity();
                match mgc_commands::device_online(&store, &tenant, mgc_commands::PROTOCOL_AP3000, &name, clock.now())
                    .await
                {
                    Ok(0) => {}
                    Ok(_) => wakeup.notify_one(),
                    Err(e) => tracing::warn!(pile = %name, error = %e, "cannot hurry the commands waiting for a pile"),
                }
            }
        })
    }

    /// After the stop signal: waits for the connections (within the drain deadline) and the accept loop.
    pub async fn finish(self) {
        if !self.gateway.drain().await {
            tracing::warn!(
                open = self.gateway.registry().connections(),
                "AP3000 connections still open at the drain deadline"
            );
        }
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "AP3000 gateway task ended abnormally");
        }
    }
}
