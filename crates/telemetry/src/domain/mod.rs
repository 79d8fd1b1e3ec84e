//! Telemetry domain: received and stored points, batches, aggregation and the repository ports.

pub mod aggregate;
pub mod error;
pub mod point;
pub mod repository;
pub mod stored;

pub use error::TelemetryError;
pub use point::{RawPoint, RawValue};
