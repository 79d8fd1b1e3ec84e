//! The AP3000 TCP gateway: accepts piles' connections (a global cap and a per-IP rate of new
//! connections), serves each in its own task (`connection`), routes downlinks to the
//! connection that carries the pile ([`Registry`]), and drains on shutdown.

mod admission;
mod connection;
mod handler;
mod outbound;
mod registry;
mod settings;

pub use admission::{Admission, Refusal};
pub use connection::{FRAMES_COUNTER, MALFORMED_COUNTER};
pub use handler::{card_reply, protocol_reply, PileHandler, ProtocolReplies};
pub use outbound::{Outbound, Outgoing, SendFailure, SendOutcome, MAX_QUEUED};
pub use registry::{Connection, Registry, CONNECTIONS_GAUGE, PILES_GAUGE};
pub use settings::GatewaySettings;

use std::sync::{Arc, Mutex, PoisonError};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::Instant;

/// Counter of connections refused at accept, labelled `reason` (full, rate_limited).
pub const REFUSED_COUNTER: &str = "mgc_ap3000_refused_connections_total";

/// The gateway: handler, settings, live connections and the shutdown signal.
#[derive(Debug)]
pub struct Gateway<H> {
    handler: Arc<H>,
    settings: Arc<GatewaySettings>,
    registry: Registry,
    admission: Arc<Mutex<Admission>>,
    shutdown: watch::Receiver<bool>,
}

impl<H> Clone for Gateway<H> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            settings: self.settings.clone(),
            registry: self.registry.clone(),
            admission: self.admission.clone(),
            shutdown: self.shutdown.clone(),
        }
    }
}

impl<H: PileHandler> Gateway<H> {
    /// A gateway; connections close when `shutdown` turns true (or its sender is dropped).
    pub fn new(handler: H, settings: GatewaySettings, shutdown: watch::Receiver<bool>) -> Self {
        Self::with_registry(handler, Registry::default(), settings, shutdown)
    }

    /// A gateway whose connections are recorded in `registry` (shared with a handler that
    /// sends downlinks of its own).
    pub fn with_registry(
        handler: H,
        registry: Registry,
        settings: GatewaySettings,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let admission = Admission::new(settings.max_connections, settings.new_per_ip_per_second);
        Self {
            handler: Arc::new(handler),
            settings: Arc::new(settings),
            registry,
            admission: Arc::new(Mutex::new(admission)),
            shutdown,
        }
    }

    /// The live connections (downlinks go through them).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Accepts connections on `listener` until shutdown; each is served in its own task.
    pub async fn serve(self, listener: TcpListener) {
        let mut stop = self.shutdown.clone();
        let stopped = async move { drop(stop.wait_for(|s| *s).await) };
        tokio::pin!(stopped);
        loop {
            let accepted = tokio::select! {
                () = &mut stopped => break,
                accepted = listener.accept() => accepted,
            };
            let (stream, peer) = match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "AP3000 accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            };
            let admitted = self
                .admission
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .admit(peer.ip(), Instant::now().into_std());
            if let Err(refusal) = admitted {
                metrics::counter!(REFUSED_COUNTER, "reason" => refusal.as_str()).increment(1);
                tracing::info!(%peer, reason = refusal.as_str(), "AP3000 connection refused");
                drop(stream);
                continue;
            }
            let gw = self.clone();
            tokio::spawn(async move {
                connection::serve_connection(gw.clone(), stream, peer).await;
                gw.admission.lock().unwrap_or_else(PoisonError::into_inner).closed();
            });
        }
    }

    /// After shutdown was signalled: waits for the connections to close within the drain
    /// deadline; false when some were still open then.
    pub async fn drain(&self) -> bool {
        self.registry.drained(self.settings.drain_deadline).await
    }
}
