//! The live connections: one per charge point (a new one closes the older), counted in metrics,
//! awaited when the CSMS drains, and the way in for CSMS → charge point calls.

use crate::csms::handle::Caller;
use crate::csms::outbound::{CallFailure, CallOutcome, OutboundCall};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch, Notify};

/// Calls buffered between a caller and its connection's task (the task queues them further).
const CALL_CHANNEL: usize = 16;
/// Extra time a caller waits beyond its deadline for the connection task to report the timeout.
const CALLER_GRACE: Duration = Duration::from_secs(1);
/// Connects kept for a slow listener of [`Registry::connects`] (older ones are dropped for it).
const CONNECTS_BUFFER: usize = 256;

/// Gauge of the charge points with an open connection.
pub const CONNECTED_GAUGE: &str = "mgc_ocpp_connected_charge_points";

#[derive(Debug)]
struct Live {
    id: u64,
    replaced: Arc<Notify>,
    calls: mpsc::Sender<OutboundCall>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: u64,
    live: HashMap<Caller, Live>,
    tasks: usize,
}

/// The connections of this instance.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    tasks_changed: watch::Sender<usize>,
    connects: broadcast::Sender<Caller>,
}

impl Default for Registry {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            tasks_changed: watch::channel(0).0,
            connects: broadcast::channel(CONNECTS_BUFFER).0,
        }
    }
}

/// One registered connection; [`Registration::replaced`] fires when a newer connection of the
/// same charge point took its place.
#[derive(Debug)]
pub struct Registration {
    id: u64,
    replaced: Arc<Notify>,
}

/// The calls handed to one connection (ends once it is no longer the charge point's current one).
pub type CallReceiver = mpsc::Receiver<OutboundCall>;

impl Registration {
    /// Completes when a newer connection of the same charge point registered.
    pub async fn replaced(&self) {
        self.replaced.notified().await;
    }

    /// Unique number of this connection (within the process).
    pub fn id(&self) -> u64 {
        self.id
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

    /// Registers the connection of `caller`, telling an older one of the same charge point to
    /// close; the receiver yields the calls to send on this connection.
    pub fn register(&self, caller: &Caller) -> (Registration, CallReceiver) {
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        let replaced = Arc::new(Notify::new());
        let (tx, calls) = mpsc::channel(CALL_CHANNEL);
        if let Some(older) = inner.live.insert(caller.clone(), Live { id, replaced: replaced.clone(), calls: tx }) {
            older.replaced.notify_one();
        }
        inner.tasks += 1;
        self.publish(&inner);
        // Nobody listening is fine: the connect only speeds up commands waiting for it.
        let _ = self.connects.send(caller.clone());
        (Registration { id, replaced }, calls)
    }

    /// Ends a registration; true when it was still the charge point's current connection
    /// (false when a newer connection replaced it, which then keeps the charge point online).
    pub fn unregister(&self, caller: &Caller, registration: Registration) -> bool {
        let mut inner = self.lock();
        let current = inner.live.get(caller).is_some_and(|live| live.id == registration.id);
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

    /// Every charge point connecting from now on (e.g. to send the commands waiting for it).
    pub fn connects(&self) -> broadcast::Receiver<Caller> {
        self.connects.subscribe()
    }

    /// True while `caller` has an open connection here.
    pub fn is_connected(&self, caller: &Caller) -> bool {
        self.lock().live.contains_key(caller)
    }

    /// Sends the CALL `action` with `payload` to the connected charge point `caller` and waits
    /// for its answer until `timeout` (the call waits its turn behind earlier ones).
    pub async fn call(&self, caller: &Caller, action: &str, payload: Value, timeout: Duration) -> CallOutcome {
        let not_connected = || CallFailure::NotConnected(caller.identity.to_string());
        let sender = self.lock().live.get(caller).map(|live| live.calls.clone()).ok_or_else(not_connected)?;
        let deadline = tokio::time::Instant::now() + timeout;
        let (reply, answer) = oneshot::channel();
        let call = OutboundCall { action: action.to_owned(), payload, deadline, reply };
        sender.try_send(call).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => CallFailure::Busy(caller.identity.to_string()),
            mpsc::error::TrySendError::Closed(_) => not_connected(),
        })?;
        match tokio::time::timeout_at(deadline + CALLER_GRACE, answer).await {
            Ok(Ok(outcome)) => outcome,
            // The connection task ended without taking the call.
            Ok(Err(_)) => Err(CallFailure::Closed { sent: false, reason: "connection ended".into() }),
            Err(_) => Err(CallFailure::TimedOut { sent: true }),
        }
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
    use crate::csms::outbound::CallReply;
    use mgc_charging::OcppIdentity;
    use mgc_kernel::TenantId;

    fn caller(t: &str) -> Caller {
        Caller { tenant: TenantId::parse(t).unwrap(), identity: OcppIdentity::parse("CP1").unwrap() }
    }

    #[tokio::test]
    async fn given_connected_charge_point_when_it_connects_again_then_older_is_told_and_newer_stays() {
        let r = Registry::default();
        let (older, _) = r.register(&caller("acme"));
        let (other_tenant, _) = r.register(&caller("beta"));
        let (newer, _) = r.register(&caller("acme"));
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

    #[tokio::test]
    async fn given_no_connection_then_a_call_fails_at_once_as_not_connected() {
        let r = Registry::default();
        let outcome = r.call(&caller("acme"), "Reset", serde_json::json!({}), Duration::from_secs(30)).await;
        assert_eq!(outcome, Err(CallFailure::NotConnected("CP1".into())));
    }

    #[tokio::test]
    async fn given_a_connection_then_the_call_reaches_its_task_and_the_answer_comes_back() {
        let r = Registry::default();
        let mut connects = r.connects();
        let (_registration, mut incoming) = r.register(&caller("acme"));
        assert_eq!(connects.try_recv().ok(), Some(caller("acme")), "the connect is announced");
        assert!(r.is_connected(&caller("acme")) && !r.is_connected(&caller("beta")));
        let task = tokio::spawn(async move {
            let call = incoming.recv().await.unwrap();
            assert_eq!(call.action, "Reset");
            call.reply.send(Ok(CallReply::Result(serde_json::json!({"status": "Accepted"})))).unwrap();
        });
        let outcome = r.call(&caller("acme"), "Reset", serde_json::json!({}), Duration::from_secs(30)).await;
        assert_eq!(outcome, Ok(CallReply::Result(serde_json::json!({"status": "Accepted"}))));
        task.await.unwrap();
        assert_eq!(
            r.call(&caller("beta"), "Reset", serde_json::json!({}), Duration::from_secs(30)).await,
            Err(CallFailure::NotConnected("CP1".into())),
            "another tenant's charge point of the same identity is not this one"
        );
    }
}
