//! The adapter trait every pull source implements: log in, list devices, read a device.
//! WinPower G2 is the first implementation; Modbus TCP would be the next (its "login" opens
//! the connection, its device list comes from configuration, its read is a register read).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_telemetry::RawValue;

/// A device as its management system lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceDevice {
    /// How the device is referenced in telemetry (its name in the system, unique per source).
    pub reference: String,
    /// The system's own id of the device.
    pub source_id: String,
    /// Model, if the system says.
    pub model: Option<String>,
    /// Whether the system is connected to the device now.
    pub connected: bool,
}

/// One reading of a device under its raw key.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Raw key (mapped by the device's point mappings).
    pub key: String,
    /// Value.
    pub value: RawValue,
}

/// Why a poll of a source failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SourceError {
    /// The system refused the username or password.
    #[error("login refused: {0}")]
    Credentials(String),
    /// No answer within the timeout.
    #[error("no answer within {0} ms")]
    Timeout(u64),
    /// The system could not be reached.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// The system answered something that is not what its API documents.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// The readings could not be recorded.
    #[error("recording failed: {0}")]
    Storage(String),
}

impl SourceError {
    /// Stable machine-readable code (shown in the source's health).
    pub fn code(&self) -> &'static str {
        match self {
            SourceError::Credentials(_) => "collector_credentials_refused",
            SourceError::Timeout(_) => "collector_timeout",
            SourceError::Unreachable(_) => "collector_unreachable",
            SourceError::Protocol(_) => "collector_protocol_error",
            SourceError::Storage(_) => "collector_storage_error",
        }
    }
}

/// A device-management system the collector polls. `now` is the collector's clock, so token
/// lifetimes follow an injected clock in tests.
#[async_trait]
pub trait PullSource: Send {
    /// Makes sure a session is open: logs in when there is none or it is about to expire.
    async fn login(&mut self, now: DateTime<Utc>) -> Result<(), SourceError>;
    /// The devices the system manages now.
    async fn list_devices(&mut self, now: DateTime<Utc>) -> Result<Vec<SourceDevice>, SourceError>;
    /// The current readings of one listed device.
    async fn read_device(&mut self, device: &SourceDevice, now: DateTime<Utc>) -> Result<Vec<Reading>, SourceError>;
}
