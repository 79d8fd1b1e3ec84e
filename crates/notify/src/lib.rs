//! Notification delivery edge: sends persisted deliveries to webhooks (signed JSON envelope),
//! DingTalk and WeCom robots and email (SMTP), with a worker pool, per-endpoint concurrency,
//! timeouts, exponential backoff with jitter, a circuit breaker and a rate limit per endpoint,
//! and dead-lettering after the maximum attempts or age.

#![warn(missing_docs)]

pub mod queue;

pub use queue::{ClaimedDelivery, DeliveryQueue};
pub mod breaker;
pub mod format;
pub mod send;
pub mod signature;

pub use send::{SendError, Sender};
pub use signature::{verify_webhook_signature, webhook_signature};
pub mod worker;

pub use breaker::{BreakerConfig, BreakerState};
pub use worker::{NotifyConfig, NotifyWorker, WorkReport};
