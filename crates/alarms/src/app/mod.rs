//! Command handlers, the telemetry consumer and the scheduler tick of the alarms context.

pub mod channels;
pub mod consumer;
pub mod evaluate;
pub mod lifecycle;
pub mod notifications;
pub mod rules;
pub mod tick;
