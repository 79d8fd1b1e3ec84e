//! Command handlers, the telemetry consumer and the scheduler tick of the alarms context.

pub mod backlog;
pub mod channels;
pub mod charging;
pub mod consumer;
pub mod derived;
pub mod evaluate;
pub mod lifecycle;
pub mod notifications;
pub mod rules;
pub mod tick;
