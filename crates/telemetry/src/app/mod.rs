//! Command handlers of the telemetry context.

pub mod record;
