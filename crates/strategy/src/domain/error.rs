//! Why the strategy context refused a change of a strategy: one variant per refusal with a
//! stable code; storage failures stay `Repo`.

use crate::StrategyId;
use mgc_kernel::{RepoError, StationId};

/// A refusal of the strategy context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StrategyError {
    /// The definition does not validate (the message names the field).
    #[error("{0}")]
    InvalidDefinition(String),
    /// The station named by `station_id` is not the tenant's.
    #[error("station_id: no station {0} in this tenant")]
    UnknownStation(StationId),
    /// The targets name devices the station does not have (or of the wrong kind).
    #[error("{0}")]
    InvalidTargets(String),
    /// No live strategy with this id in the tenant.
    #[error("strategy {0} not found")]
    NotFound(StrategyId),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl StrategyError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidDefinition(_) => "invalid_strategy",
            Self::UnknownStation(_) => "unknown_station",
            Self::InvalidTargets(_) => "invalid_targets",
            Self::NotFound(_) => "not_found",
            Self::Repo(_) => "storage_error",
        }
    }
}
