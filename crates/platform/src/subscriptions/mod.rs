//! Platform notifications: a tenant's subscriptions (receiver URL, signing secret, event types)
//! and the consumer that turns charging, settlement and alarm events into signed webhook
//! deliveries sent by the notification worker (retry, breaker, rate limit, dead letter, replay).

pub mod app;
pub mod domain;
pub mod error;
pub mod notices;
pub mod notifier;
pub mod ports;
pub mod stats;
