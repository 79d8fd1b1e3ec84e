//! Why the telemetry context refused a request: one variant per refusal with a stable code;
//! storage failures stay `Repo`.

use chrono::{DateTime, Utc};
use mgc_kernel::RepoError;

/// A refusal of the telemetry context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TelemetryError {
    /// A time range whose start is not before its end.
    #[error("from {from} must be before to {to}")]
    EmptyRange {
        /// Start (inclusive).
        from: DateTime<Utc>,
        /// End (exclusive).
        to: DateTime<Utc>,
    },
    /// A bucket size that is not a divisor of an hour in minutes or a calendar unit (as sent).
    #[error("interval '{0}' must be a divisor of an hour in minutes (e.g. 5m, 15m, 30m), 1h, 1d or 1mo")]
    InvalidInterval(String),
    /// An aggregation that is not one of avg, min, max, sum, count, last (as sent).
    #[error("agg '{0}' must be one of avg, min, max, sum, count, last")]
    InvalidAgg(String),
    /// An aggregation without a bucket size.
    #[error("agg needs interval")]
    AggWithoutInterval,
    /// A bucketed query over more samples than one query may read.
    #[error("more than {max} samples in range; narrow from/to or choose a point")]
    TooManySamples {
        /// The most samples one query reads.
        max: u32,
    },
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl TelemetryError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyRange { .. } | Self::InvalidInterval(_) | Self::InvalidAgg(_) | Self::AggWithoutInterval => {
                "invalid_query"
            }
            Self::TooManySamples { .. } => "range_too_large",
            Self::Repo(_) => "storage_error",
        }
    }
}
