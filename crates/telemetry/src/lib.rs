//! Telemetry ingestion for microgrid-cloud: the raw data points received from devices and
//! gateways, stored points and the recording of batches. Parsing a protocol's bodies into
//! [`RawPoint`]s is adapter knowledge (the ThingsBoard parser lives in `mgc-adapter-thingsboard`).
//!
//! The crate is pure: no I/O, no `unsafe`, and no panics on any input.

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::record::{last_per_key, record_batch, record_batches, record_in, BatchInput, BatchReport};
pub use domain::error::TelemetryError;
pub use domain::point::{RawPoint, RawValue};
