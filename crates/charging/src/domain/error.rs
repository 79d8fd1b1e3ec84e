//! Why a charging operation was refused.

use crate::{OcppIdentity, RegistrationStatus, SessionState, TransactionId};
use mgc_kernel::RepoError;

/// A refused charging operation; [`ChargingError::code`] is the machine-readable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChargingError {
    /// An input field is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No charge point has this identity in the tenant (it must boot first).
    #[error("charge point '{0}' is not known; it must send BootNotification first")]
    UnknownChargePoint(OcppIdentity),
    /// The charge point's registration does not allow the message.
    #[error("charge point '{identity}' is {status}; this message needs an accepted charge point")]
    NotAccepted {
        /// The charge point.
        identity: OcppIdentity,
        /// Its registration status.
        status: RegistrationStatus,
    },
    /// No session of the tenant has this transaction id.
    #[error("transaction {0} is not known")]
    UnknownTransaction(TransactionId),
    /// The session already ended; it takes no more changes.
    #[error("transaction {0} has already ended")]
    SessionEnded(TransactionId),
    /// The session state machine forbids the move.
    #[error("charging session cannot move from {from} to {to}")]
    IllegalTransition {
        /// Current state.
        from: SessionState,
        /// Wanted state.
        to: SessionState,
    },
    /// The tenant has used every transaction id or list version a 32-bit integer holds.
    #[error("{0} exhausted: no 32-bit value left")]
    Exhausted(&'static str),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl ChargingError {
    /// Stable snake_case code for API clients and the OCPP adapter.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_charging_input",
            Self::UnknownChargePoint(_) => "unknown_charge_point",
            Self::NotAccepted { .. } => "charge_point_not_accepted",
            Self::UnknownTransaction(_) => "unknown_transaction",
            Self::SessionEnded(_) => "session_ended",
            Self::IllegalTransition { .. } => "illegal_session_transition",
            Self::Exhausted(_) => "sequence_exhausted",
            Self::Repo(_) => "storage_error",
        }
    }

    /// An invalid-field error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_every_variant_then_codes_are_distinct_snake_case() {
        let id = OcppIdentity::parse("CP1").unwrap();
        let all = [
            ChargingError::invalid("f", "m"),
            ChargingError::UnknownChargePoint(id.clone()),
            ChargingError::NotAccepted { identity: id, status: RegistrationStatus::Pending },
            ChargingError::UnknownTransaction(TransactionId(1)),
            ChargingError::SessionEnded(TransactionId(1)),
            ChargingError::IllegalTransition { from: SessionState::Completed, to: SessionState::Charging },
            ChargingError::Exhausted("transaction ids"),
            ChargingError::Repo(RepoError::Backend("x".into())),
        ];
        let mut codes: Vec<_> = all.iter().map(ChargingError::code).collect();
        assert!(codes.iter().all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
