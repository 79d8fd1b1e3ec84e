//! Notification delivery edge: sends persisted deliveries to webhooks (signed JSON envelope),
//! DingTalk and WeCom robots and email (SMTP), with a worker pool, per-endpoint concurrency,
//! timeouts, exponential backoff with jitter, a circuit breaker and a rate limit per endpoint,
//! and dead-lettering after the maximum attempts or age.

pub mod queue;

pub use queue::{ClaimedDelivery, DeliveryQueue};
