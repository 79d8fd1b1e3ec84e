//! The live connections: one per charge point (a new one closes the older), counted in metrics
//! and awaited when the CSMS drains.

use crate::csms::handle::Caller;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// Gauge of the charge points with an open connection.
pub const CONNECTED_GAUGE: &str = "mgc_ocpp_connected_charge_points";

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    live: HashMap<Caller, (u64, Arc<Notify>)>,
    tasks: usize,
}

/// The connections of this instance.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    tasks_changed: watch::Sender<usize>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { inner: Arc::default(), tasks_changed: watch::channel(0).0 }
    }
}

/// One registered connection; [`Registration::replaced`] fires when a newer connection of the
/// same charge point took its place.
#[derive(Debug)]
pub struct Registration {
    id: u64,
    replaced: Arc<Notify>,
}

impl Registration {
    /// Completes when a newer connection of the same charge point registered.
    pub async fn replaced(&self) {
        self.replaced.notified().await;
    }
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish(&self, inner: &Inner) {
        metrics::gauge!(CONNECTED_GAUGE).set(inner.live.len() as f64);
        self.tasks_changed.send_replace(inner.tasks);
    }

    /// Registers the connection of `caller`, telling an older one of the same charge point to close.
    pub fn register(&self, caller: &Caller) -> Registration {
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        let replaced = Arc::new(Notify::new());
        if let Some((_, older)) = inner.live.insert(caller.clone(), (id, replaced.clone())) {
            older.notify_one();
        }
        inner.tasks += 1;
        self.publish(&inner);
        Registration { id, replaced }
    }

    /// Ends a registration; true when it was still the charge point's current connection
    /// (false when a newer connection replaced it, which then keeps the charge point online).
    pub fn unregister(&self, caller: &Caller, registration: Registration) -> bool {
        let mut inner = self.lock();
        let current = inner.live.get(caller).is_some_and(|(id, _)| *id == registration.id);
        if current {
            inner.live.remove(caller);
        }
        inner.tasks = inner.tasks.saturating_sub(1);
        self.publish(&inner);
        current
    }

    /// Charge points with an open connection.
    pub fn connected(&self) -> usize {
        self.lock().live.len()
    }

    /// Waits until every connection task ended or `deadline` passed; false when some were still open.
    pub async fn drained(&self, deadline: Duration) -> bool {
        let mut rx = self.tasks_changed.subscribe();
        tokio::time::timeout(deadline, rx.wait_for(|n| *n == 0)).await.is_ok_and(|r| r.is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mgc_charging::OcppIdentity;
    use mgc_kernel::TenantId;

    fn caller(t: &str) -> Caller {
        Caller { tenant: TenantId::parse(t).unwrap(), identity: OcppIdentity::parse("CP1").unwrap() }
    }

    #[tokio::test]
    async fn given_connected_charge_point_when_it_connects_again_then_older_is_told_and_newer_stays() {
        let r = Registry::default();
        let older = r.register(&caller("acme"));
        let other_tenant = r.register(&caller("beta"));
        let newer = r.register(&caller("acme"));
        tokio::time::timeout(Duration::from_secs(1), older.replaced()).await.unwrap();
        assert_eq!(r.connected(), 2);
        assert!(!r.unregister(&caller("acme"), older), "replaced: the newer one keeps it online");
        assert_eq!(r.connected(), 2);
        assert!(r.unregister(&caller("acme"), newer));
        assert!(!r.drained(Duration::from_millis(10)).await);
        assert!(r.unregister(&caller("beta"), other_tenant));
        assert!(r.drained(Duration::from_millis(10)).await);
        assert_eq!(r.connected(), 0);
    }
}
