//! Why the masterdata context refused a change: one variant per refusal with a stable code;
//! storage failures stay `Repo`.

use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, RepoError, StationId};

/// A refusal of the masterdata context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MasterdataError {
    /// A station, device or provisioning field does not validate (the message names it).
    #[error("{0}")]
    Invalid(String),
    /// A point mapping does not validate, or repeats a raw key (the message names it).
    #[error("{0}")]
    InvalidMapping(String),
    /// A device is moved to a station the tenant does not have.
    #[error("station_id: no station {0} in this tenant")]
    UnknownStation(StationId),
    /// No such station in the tenant.
    #[error("station {0} not found")]
    StationNotFound(StationId),
    /// No such device in the tenant.
    #[error("device {0} not found")]
    DeviceNotFound(DeviceId),
    /// A station that still has devices cannot be deleted.
    #[error("station {id} still has {devices} device(s): delete or move them first")]
    StationHasDevices {
        /// The station.
        id: StationId,
        /// How many devices it has.
        devices: u64,
    },
    /// The station's time zone cannot change: its statistics are windows of the current zone.
    #[error("station {id} has statistics in time zone {zone} since {since}: its time zone cannot change (create a station in the new zone and move the devices to it, see docs/api.md)")]
    TimeZoneLocked {
        /// The station.
        id: StationId,
        /// Its current zone.
        zone: String,
        /// Start of its statistics (first analysed local day).
        since: DateTime<Utc>,
    },
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl MasterdataError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_request",
            Self::InvalidMapping(_) => "invalid_mapping",
            Self::UnknownStation(_) => "unknown_station",
            Self::StationNotFound(_) | Self::DeviceNotFound(_) => "not_found",
            Self::StationHasDevices { .. } => "station_has_devices",
            Self::TimeZoneLocked { .. } => "time_zone_locked",
            Self::Repo(_) => "storage_error",
        }
    }
}
