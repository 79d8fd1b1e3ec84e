//! Event handlers (consumers) registered with the dispatcher.

use async_trait::async_trait;
use mgc_contracts::EventEnvelope;

/// Why a handler could not process an event; the dispatcher retries it later.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct HandlerError(pub String);

impl HandlerError {
    /// A handler error from anything displayable.
    pub fn new(message: impl std::fmt::Display) -> Self {
        Self(message.to_string())
    }
}

/// A consumer of integration events. `Tx` is the store's unit of work: the handler's writes
/// and the consumer's processed-event mark commit together, so the effect happens once.
#[async_trait]
pub trait EventHandler<Tx: Send>: Send + Sync {
    /// Stable consumer name (key of the processed-events table).
    fn consumer(&self) -> &'static str;
    /// Event types this consumer wants.
    fn event_types(&self) -> Vec<&'static str>;

    /// Whether this event of a subscribed type concerns the consumer at all; `false` skips it
    /// without opening a transaction (for consumers that ignore most events of a busy type).
    fn accepts(&self, _event: &EventEnvelope) -> bool {
        true
    }
    /// Consumers whose effects of the same events this one reads: it runs after them (a later
    /// stage of the round); consumers with no such tie run at once, each in its own transaction.
    fn runs_after(&self) -> &'static [&'static str] {
        &[]
    }
    /// Processes one event inside `tx`; an error rolls `tx` back and schedules a retry.
    async fn handle(&self, tx: &mut Tx, event: &EventEnvelope) -> Result<(), HandlerError>;
}
