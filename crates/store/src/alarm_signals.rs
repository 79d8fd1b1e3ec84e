//! In-process wake-ups after alarm commits: the notification worker when deliveries were
//! queued, alarm streams (SSE) when history was written. Polling covers other instances.

use async_trait::async_trait;
use mgc_eventing::Wakeup;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// What a unit of work wrote.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AlarmWrites {
    /// Deliveries were queued.
    pub(crate) deliveries: bool,
    /// Alarm history was appended.
    pub(crate) history: bool,
}

/// The signals of one store.
#[derive(Debug)]
pub(crate) struct AlarmSignals {
    deliveries: Arc<Notify>,
    history: watch::Sender<u64>,
}

impl Default for AlarmSignals {
    fn default() -> Self {
        Self { deliveries: Arc::new(Notify::new()), history: watch::channel(0).0 }
    }
}

impl AlarmSignals {
    pub(crate) fn committed(&self, writes: AlarmWrites) {
        if writes.deliveries {
            self.deliveries.notify_one();
        }
        if writes.history {
            self.history.send_modify(|n| *n = n.wrapping_add(1));
        }
    }
}

/// Wakes the notification worker when a commit queued deliveries (or after `max`).
#[derive(Debug)]
pub struct DeliveryWakeup {
    signal: Arc<Notify>,
}

#[async_trait]
impl Wakeup for DeliveryWakeup {
    async fn wait(&mut self, max: Duration) {
        let _ = tokio::time::timeout(max, self.signal.notified()).await;
    }
}

/// Changes whenever a commit in this process appended alarm history.
#[derive(Debug, Clone)]
pub struct AlarmChanges {
    rx: watch::Receiver<u64>,
}

impl AlarmChanges {
    /// Returns when history was appended since the last call, or after `max`.
    pub async fn changed_or(&mut self, max: Duration) {
        let _ = tokio::time::timeout(max, self.rx.changed()).await;
    }
}

impl crate::Store {
    /// Wake-up source of the notification worker.
    pub fn delivery_wakeup(&self) -> DeliveryWakeup {
        DeliveryWakeup { signal: self.inner.alarm_signals.deliveries.clone() }
    }

    /// Change feed of alarm history for streams.
    pub fn alarm_changes(&self) -> AlarmChanges {
        AlarmChanges { rx: self.inner.alarm_signals.history.subscribe() }
    }
}
