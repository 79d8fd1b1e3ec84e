//! The audit entry of the mutating HTTP request being served, written in the request's own unit
//! of work: the HTTP edge opens a scope around the handler ([`with_request_audit`]); every
//! [`crate::StoreTx`] begun inside it carries the entry, and the first one that commits appends
//! it just before its COMMIT. So a committed change always has its audit row (an audit insert
//! that fails fails the change), and a change whose commit fails leaves none. Units of work of
//! background tasks (other tokio tasks) are outside every scope and audit nothing.

use mgc_iam::AuditEntry;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

tokio::task_local! {
    static REQUEST_AUDIT: Arc<RequestAudit>;
}

/// The audit entry of one mutating request, and whether a committed unit of work wrote it.
#[derive(Debug)]
pub struct RequestAudit {
    entry: AuditEntry,
    written: AtomicBool,
}

/// Status recorded by the unit of work before the response is known; the edge corrects it.
pub const PROVISIONAL_STATUS: u16 = 200;

impl RequestAudit {
    /// The entry to write for the request (its status and outcome are set when written).
    pub fn new(entry: AuditEntry) -> Arc<Self> {
        Arc::new(Self { entry, written: AtomicBool::new(false) })
    }

    /// The entry as given.
    pub fn entry(&self) -> &AuditEntry {
        &self.entry
    }

    /// True once a unit of work that carried the entry has committed (with
    /// [`PROVISIONAL_STATUS`]); false when nothing committed, so the edge writes it itself.
    pub fn written(&self) -> bool {
        self.written.load(Ordering::SeqCst)
    }

    /// The entry a committing unit of work appends, when no committed one wrote it yet.
    pub(crate) fn to_append(&self) -> Option<AuditEntry> {
        (!self.written()).then(|| AuditEntry {
            outcome: AuditEntry::outcome_for(PROVISIONAL_STATUS).to_owned(),
            status: PROVISIONAL_STATUS,
            ..self.entry.clone()
        })
    }

    /// Records that the unit of work carrying the entry committed.
    pub(crate) fn committed(&self) {
        self.written.store(true, Ordering::SeqCst);
    }
}

/// Runs `fut` (the handler of a mutating request) with `audit` as its request's entry.
pub async fn with_request_audit<F: Future>(audit: Arc<RequestAudit>, fut: F) -> F::Output {
    REQUEST_AUDIT.scope(audit, fut).await
}

/// The entry of the request this task serves, if any.
pub(crate) fn current() -> Option<Arc<RequestAudit>> {
    REQUEST_AUDIT.try_with(Arc::clone).ok()
}
