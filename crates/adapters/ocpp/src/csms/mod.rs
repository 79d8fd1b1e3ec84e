//! The OCPP 1.6J central system endpoint: WebSocket upgrade at `/ocpp/1.6/{tenant}/{identity}`
//! with subprotocol `ocpp1.6` and HTTP Basic authentication (security profile 1), one task per
//! connection answering frames through the charging application services, ping keep-alive and
//! idle timeout, a memory bound per connection (largest frame), one connection per charge point
//! (a new one closes the older), a gauge of connected charge points, and a drain on shutdown.

mod connection;
mod dispatch;
mod handle;
mod outbound;
mod registry;
mod settings;
mod upgrade;

pub use dispatch::{answer, answer_parsed};
pub use handle::{handle_call, Caller};
pub use outbound::{CallFailure, CallOutcome, CallQueue, CallReply, OutboundCall, MAX_QUEUED_CALLS};
pub use registry::{CallReceiver, Registration, Registry, CONNECTED_GAUGE};
pub use settings::CsmsSettings;
pub use upgrade::SUBPROTOCOL;

use crate::ingest::CsmsUnits;
use axum::routing::get;
use axum::Router;
use mgc_commands::ConnectionDirectory;
use mgc_kernel::SharedClock;
use std::sync::Arc;
use tokio::sync::watch;

/// Path of the endpoint (axum syntax).
pub const ROUTE: &str = "/ocpp/1.6/{tenant}/{identity}";

/// The CSMS: storage, clock, settings, live connections and the shutdown signal.
#[derive(Debug)]
pub struct Csms<U> {
    units: U,
    clock: SharedClock,
    settings: Arc<CsmsSettings>,
    registry: Registry,
    shutdown: watch::Receiver<bool>,
    /// Where connections are recorded for the instances sharing the database (none: this
    /// process alone).
    directory: Option<Arc<dyn ConnectionDirectory>>,
}

impl<U: Clone> Clone for Csms<U> {
    fn clone(&self) -> Self {
        Self {
            units: self.units.clone(),
            clock: self.clock.clone(),
            settings: self.settings.clone(),
            registry: self.registry.clone(),
            shutdown: self.shutdown.clone(),
            directory: self.directory.clone(),
        }
    }
}

impl<U: CsmsUnits + Clone + 'static> Csms<U> {
    /// A CSMS; connections close when `shutdown` turns true (or its sender is dropped).
    pub fn new(units: U, clock: SharedClock, settings: CsmsSettings, shutdown: watch::Receiver<bool>) -> Self {
        Self { units, clock, settings: Arc::new(settings), registry: Registry::default(), shutdown, directory: None }
    }

    /// Records every connection in `directory`, so that commands issued on any instance reach
    /// the one holding the charge point's connection.
    pub fn with_directory(mut self, directory: Arc<dyn ConnectionDirectory>) -> Self {
        self.directory = Some(directory);
        self
    }

    /// The router serving [`ROUTE`].
    pub fn router(&self) -> Router {
        Router::new().route(ROUTE, get(upgrade::upgrade::<U>)).with_state(self.clone())
    }

    /// The live connections.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// After shutdown was signalled: waits for the connections to close within the drain
    /// deadline; false when some were still open then.
    pub async fn drain(&self) -> bool {
        self.registry.drained(self.settings.drain_deadline).await
    }
}
