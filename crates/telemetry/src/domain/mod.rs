//! Telemetry domain: received points and the payload parser that produces them.

pub mod aggregate;
pub mod payload;
pub mod point;
pub mod repository;
pub mod stored;

pub use payload::{parse_thingsboard, IngestContext, ParsedBatch, PayloadError, Skipped, TimeLimits};
pub use point::{RawPoint, RawValue};
