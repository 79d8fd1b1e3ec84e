//! Telemetry domain: received and stored points, batches, aggregation and the repository ports.

pub mod aggregate;
pub mod point;
pub mod repository;
pub mod stored;

pub use point::{RawPoint, RawValue};
