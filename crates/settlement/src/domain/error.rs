//! Why the settlement context refused something: one variant per refusal with a stable code;
//! storage failures stay `Repo`.

use crate::{SettlementId, StatementId, TariffId};
use mgc_kernel::{RepoError, StationId};

/// A refusal of the settlement context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettlementError {
    /// The tariff's rules do not validate (the message names the field).
    #[error("{0}")]
    InvalidTariff(String),
    /// A month that is not `YYYY-MM`.
    #[error("{0}")]
    InvalidMonth(String),
    /// A void without a usable reason.
    #[error("reason: must be 1-1000 characters")]
    InvalidReason,
    /// Statement content could not be built from the month's settlements.
    #[error("{0}")]
    Content(String),
    /// No such station in the tenant.
    #[error("station {0} not found")]
    StationNotFound(StationId),
    /// No such tariff in the tenant.
    #[error("tariff {0} not found")]
    TariffNotFound(TariffId),
    /// No such settlement in the tenant.
    #[error("settlement {0} not found")]
    SettlementNotFound(SettlementId),
    /// No such statement in the tenant.
    #[error("statement {0} not found")]
    StatementNotFound(StatementId),
    /// A station was assigned the tariff, so settlements refer to it.
    #[error("tariff {id} is assigned to station {station} from {from}; it cannot be deleted")]
    TariffInUse {
        /// The tariff.
        id: TariffId,
        /// A station using it.
        station: StationId,
        /// Since when.
        from: chrono::NaiveDate,
    },
    /// The settlement is already frozen.
    #[error("settlement {id} of {day} is already frozen")]
    AlreadyFrozen {
        /// The settlement.
        id: SettlementId,
        /// Its local day.
        day: chrono::NaiveDate,
    },
    /// The settlement has no price yet.
    #[error("settlement {id} of {day} is unpriced ({reason}); assign a tariff before freezing")]
    Unpriced {
        /// The settlement.
        id: SettlementId,
        /// Its local day.
        day: chrono::NaiveDate,
        /// Why it is unpriced.
        reason: String,
    },
    /// An issued statement of the month blocks a new draft.
    #[error("statement {id} (version {version}) for {month} is issued; void it before generating a new version")]
    StatementIssued {
        /// The issued statement.
        id: StatementId,
        /// Its version.
        version: u32,
        /// The month.
        month: String,
    },
    /// The statement is not in the state the operation needs.
    #[error("statement {id} is {state}; {needed}")]
    StatementState {
        /// The statement.
        id: StatementId,
        /// Its state.
        state: String,
        /// What the operation needs, in words.
        needed: &'static str,
    },
    /// The draft no longer matches the month's settlements and adjustments.
    #[error(
        "statement {0} is out of date (settlements or adjustments changed since it was generated); generate it again"
    )]
    StatementOutdated(StatementId),
    /// Storage failed (or found nothing where a row was required).
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl SettlementError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidTariff(_) => "invalid_tariff",
            Self::InvalidMonth(_) => "invalid_month",
            Self::InvalidReason => "invalid_reason",
            Self::Content(_) => "statement_content_invalid",
            Self::StationNotFound(_)
            | Self::TariffNotFound(_)
            | Self::SettlementNotFound(_)
            | Self::StatementNotFound(_) => "not_found",
            Self::TariffInUse { .. } => "tariff_in_use",
            Self::AlreadyFrozen { .. } => "settlement_frozen",
            Self::Unpriced { .. } => "settlement_unpriced",
            Self::StatementIssued { .. } => "statement_issued",
            Self::StatementState { .. } => "statement_wrong_state",
            Self::StatementOutdated(_) => "statement_outdated",
            Self::Repo(_) => "storage_error",
        }
    }
}
