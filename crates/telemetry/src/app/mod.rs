//! Command handlers of the telemetry context.

pub mod query;
pub mod record;
