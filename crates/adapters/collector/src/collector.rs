//! The collector: one poller per configured source, each on its own task in `mgc serve`
//! ([`Collector::spawn`]), or driven poll by poll from tests ([`Collector::poll_due`]).

use crate::health::CollectorStatus;
use crate::poller::SourcePoller;
use crate::settings::{SourceKind, SourceSettings};
use crate::source::{PullSource, SourceError};
use crate::winpower::WinPowerClient;
use crate::CollectorUnits;
use chrono::{DateTime, Duration, Utc};
use mgc_adapter_thingsboard::IngestService;
use mgc_kernel::SharedClock;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The pullers of this process and their shared health.
pub struct Collector<U: CollectorUnits> {
    pollers: Vec<SourcePoller<U>>,
    status: Arc<CollectorStatus>,
}

/// The client of a source of `kind`.
pub fn client_for(settings: &SourceSettings) -> Result<Box<dyn PullSource>, SourceError> {
    match settings.kind {
        SourceKind::WinPower => Ok(Box::new(WinPowerClient::new(settings)?)),
    }
}

impl<U: CollectorUnits> Collector<U> {
    /// Builds the pollers of `sources` and restores their energy counters from the database;
    /// `max_gap` is the analytics maximum gap between power samples.
    pub async fn start(
        sources: Vec<SourceSettings>,
        units: U,
        ingest: Arc<IngestService<U>>,
        status: Arc<CollectorStatus>,
        max_gap: Duration,
    ) -> Result<Self, String> {
        let mut pollers = Vec::with_capacity(sources.len());
        for settings in sources {
            let client = client_for(&settings).map_err(|e| format!("collector source '{}': {e}", settings.name))?;
            let mut poller = SourcePoller::new(settings, client, units.clone(), ingest.clone(), max_gap);
            let restored = poller.restore().await?;
            tracing::info!(source = %poller.settings().name, devices = restored, "collector source ready");
            status.set(poller.health().clone());
            pollers.push(poller);
        }
        Ok(Self { pollers, status })
    }

    /// Polls every source that is due at `now`; returns how many polled.
    pub async fn poll_due(&mut self, now: DateTime<Utc>) -> usize {
        let mut polled = 0;
        for p in &mut self.pollers {
            if p.poll_once(now).await.is_some() {
                polled += 1;
                self.status.set(p.health().clone());
            }
        }
        polled
    }

    /// Runs each source on a task of its own until `stop` turns true (a poll under way is
    /// abandoned then: nothing of it is acknowledged to anyone).
    pub fn spawn(self, clock: SharedClock, stop: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let status = self.status;
        self.pollers
            .into_iter()
            .map(|poller| tokio::spawn(run(poller, status.clone(), clock.clone(), stop.clone())))
            .collect()
    }
}

async fn run<U: CollectorUnits>(
    mut poller: SourcePoller<U>,
    status: Arc<CollectorStatus>,
    clock: SharedClock,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            _ = poller.poll_once(clock.now()) => {}
        }
        status.set(poller.health().clone());
        let due = poller.health().next_poll_at.unwrap_or_else(|| clock.now());
        let wait = (due - clock.now()).to_std().unwrap_or_default();
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
