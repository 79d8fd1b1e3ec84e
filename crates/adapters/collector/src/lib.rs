//! Pull collector: polls device-management systems over their HTTP APIs on a schedule and
//! records their devices' readings through the ThingsBoard adapter's ingest pipeline (device
//! routes, point mappings, quarantine of unknown devices, group commit, `TelemetryReceived`).
//!
//! * [`source::PullSource`]: the adapter trait (log in, list devices, read a device);
//!   [`winpower`] implements it for WinPower G2.
//! * [`poller::SourcePoller`]: one source's poll (`poll_once(now)`), backoff, checkpoints.
//! * [`energy`]: per-device energy from `active_power_w` with the analytics integration rule.
//! * [`alarm`]: a failing source raises an alarm through the alarm engine.
//! * [`health::CollectorStatus`]: what `GET /api/v1/collector/sources` shows.

#![warn(missing_docs)]

pub mod alarm;
pub mod collector;
pub mod energy;
pub mod exporter;
pub mod health;
pub mod poller;
pub mod ports;
pub mod settings;
pub mod source;
pub mod winpower;

pub use collector::Collector;
pub use health::{CollectorStatus, SourceHealth, SourceState};
pub use ports::{CollectorStore, DeviceCheckpoint};
pub use settings::{Secret, SourceKind, SourceSettings};
pub use source::{PullSource, Reading, SourceDevice, SourceError};

use mgc_adapter_thingsboard::pipeline::IngestUnits;

/// Storage the collector needs: the ingest pipeline's, its checkpoints, and the alarm rules.
pub trait CollectorUnits: IngestUnits + CollectorStore + mgc_alarms::AlarmUnits + mgc_alarms::AlarmQueries {}

impl<T> CollectorUnits for T where T: IngestUnits + CollectorStore + mgc_alarms::AlarmUnits + mgc_alarms::AlarmQueries {}
