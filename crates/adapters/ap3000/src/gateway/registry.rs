//! The live connections and which one carries each pile's frames (the newest wins: a pile that
//! reconnects, or speaks through a host, is bound to the socket its latest frame came on), the
//! gauge of open connections, and the way in for downlinks.

use crate::gateway::outbound::{Outgoing, SendFailure, SendOutcome, MAX_QUEUED};
use crate::messages::Downlink;
use crate::PhysicalId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// Gauge of open AP3000 connections.
pub const CONNECTIONS_GAUGE: &str = "mgc_ap3000_connections";
/// Gauge of piles bound to an open connection.
pub const PILES_GAUGE: &str = "mgc_ap3000_connected_piles";

#[derive(Debug, Default)]
struct Inner {
    next_conn: u64,
    piles: HashMap<PhysicalId, (u64, mpsc::Sender<Outgoing>)>,
    tasks: usize,
}

/// The connections of this gateway.
#[derive(Debug, Clone)]
pub struct Registry {
    inner: Arc<Mutex<Inner>>,
    tasks_changed: watch::Sender<usize>,
    connects: broadcast::Sender<PhysicalId>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { inner: Arc::default(), tasks_changed: watch::channel(0).0, connects: broadcast::channel(256).0 }
    }
}

/// One open connection: its id and the channel its downlinks arrive on.
#[derive(Debug)]
pub struct Connection {
    /// Id (unique in this process).
    pub id: u64,
    /// Sender handed to the piles bound to it.
    pub sender: mpsc::Sender<Outgoing>,
    /// Downlinks for its piles.
    pub downlinks: mpsc::Receiver<Outgoing>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records an opened connection.
    pub fn open(&self) -> Connection {
        let (sender, downlinks) = mpsc::channel(MAX_QUEUED);
        let mut inner = self.lock();
        inner.next_conn += 1;
        inner.tasks += 1;
        metrics::gauge!(CONNECTIONS_GAUGE).set(inner.tasks as f64);
        let _ = self.tasks_changed.send(inner.tasks);
        Connection { id: inner.next_conn, sender, downlinks }
    }

    /// Binds `pile` to `conn`; true when it was not bound to it before (a connect).
    pub fn bind(&self, pile: PhysicalId, conn: &Connection) -> bool {
        let mut inner = self.lock();
        if inner.piles.get(&pile).is_some_and(|(id, _)| *id == conn.id) {
            return false;
        }
        inner.piles.insert(pile, (conn.id, conn.sender.clone()));
        metrics::gauge!(PILES_GAUGE).set(inner.piles.len() as f64);
        drop(inner);
        let _ = self.connects.send(pile);
        true
    }

    /// Records a closed connection; returns the piles that were still bound to it.
    pub fn close(&self, conn: &Connection) -> Vec<PhysicalId> {
        let mut inner = self.lock();
        let gone: Vec<PhysicalId> = inner.piles.iter().filter(|(_, (id, _))| *id == conn.id).map(|(p, _)| *p).collect();
        for pile in &gone {
            inner.piles.remove(pile);
        }
        inner.tasks = inner.tasks.saturating_sub(1);
        metrics::gauge!(CONNECTIONS_GAUGE).set(inner.tasks as f64);
        metrics::gauge!(PILES_GAUGE).set(inner.piles.len() as f64);
        let _ = self.tasks_changed.send(inner.tasks);
        gone
    }

    /// Whether `pile` is bound to an open connection.
    pub fn is_connected(&self, pile: PhysicalId) -> bool {
        self.lock().piles.contains_key(&pile)
    }

    /// Open connections.
    pub fn connections(&self) -> usize {
        self.lock().tasks
    }

    /// Piles that connect (first frame on a connection), for waking commands waiting for them.
    pub fn connects(&self) -> broadcast::Receiver<PhysicalId> {
        self.connects.subscribe()
    }

    /// Sends `downlink` to `pile` and waits (at most `timeout`) for its answer.
    pub async fn send(&self, pile: PhysicalId, downlink: Downlink, timeout: Duration) -> SendOutcome {
        let sender = self.lock().piles.get(&pile).map(|(_, s)| s.clone());
        let Some(sender) = sender else { return Err(SendFailure::NotConnected(pile)) };
        let (reply, answer) = oneshot::channel();
        if sender.try_send(Outgoing { pile, downlink, reply }).is_err() {
            return Err(SendFailure::Busy(pile));
        }
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(SendFailure::Closed { sent: false, reason: "connection task ended".into() }),
            Err(_) => Err(SendFailure::TimedOut),
        }
    }

    /// Waits until no connection task is left, at most `deadline`; false when some still were.
    pub async fn drained(&self, deadline: Duration) -> bool {
        let mut changed = self.tasks_changed.subscribe();
        tokio::time::timeout(deadline, changed.wait_for(|n| *n == 0)).await.is_ok_and(|r| r.is_ok())
    }
}
