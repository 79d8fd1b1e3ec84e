//! Eventing: the transactional outbox and its dispatcher.
//!
//! Ports are defined here and implemented by `mgc-store`:
//! - [`OutboxWriter`]: append events inside the unit of work that changes state;
//! - [`OutboxStore`]: claim due events with a lease, record outcomes, dead-letter;
//! - [`ProcessedEvents`]: per-consumer processed ids, written in the consumer's own transaction.
//!
//! The [`Dispatcher`] delivers claimed events to [`EventHandler`]s registered by event type,
//! retries failures with exponential backoff and jitter ([`Backoff`]) and dead-letters an event
//! after the configured number of attempts.

#![warn(missing_docs)]

pub mod backoff;
pub mod dispatcher;
pub mod emit;
pub mod handler;
pub mod ports;
pub mod stages;

pub use backoff::Backoff;
pub use dispatcher::{publish_outbox_gauges, Dispatcher, DispatcherConfig, TickReport};
pub use emit::emit;
pub use handler::{EventHandler, HandlerError};
pub use ports::{
    ClaimedEvent, DeadLetter, DeadLetterQueue, OutboxStats, OutboxStore, OutboxWriter, ProcessedEvents, UnitOfWork,
    Wakeup,
};
