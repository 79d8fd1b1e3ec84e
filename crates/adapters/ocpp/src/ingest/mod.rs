//! The adapter's ingest pipeline: OCPP meter readings become telemetry points of the charge
//! point's masterdata device, so analytics, alarms and statistics work on chargers unchanged.

mod pipeline;
mod points;
#[cfg(test)]
mod tests;

pub use pipeline::{ingest_readings, CsmsUnits, IngestOutcome, MeasuredOn, UNLINKED_COUNTER};
pub use points::{meter_points, register_reading, SEMANTIC_CONNECTOR};
