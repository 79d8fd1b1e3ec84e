//! Error types shared by every crate: validation errors of kernel values and
//! the storage-agnostic repository error.

use crate::money::Currency;

/// A kernel value could not be constructed or an operation on it failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KernelError {
    /// A string is not a valid identifier of the named kind.
    #[error("invalid {kind} {value:?}: expected a UUID")]
    InvalidId {
        /// Name of the identifier type, e.g. `"StationId"`.
        kind: &'static str,
        /// The rejected input.
        value: String,
    },
    /// A string is not a valid tenant id.
    #[error("invalid tenant id {value:?}: {reason}")]
    InvalidTenant {
        /// The rejected input.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A string is not a known IANA time-zone name.
    #[error("unknown time zone {value:?}: expected an IANA name such as \"Asia/Shanghai\"")]
    InvalidTimeZone {
        /// The rejected input.
        value: String,
    },
    /// A string is not a window granularity.
    #[error("invalid granularity {value:?}: expected one of hour, day, month, year")]
    InvalidGranularity {
        /// The rejected input.
        value: String,
    },
    /// A string is not an ISO-4217 currency code.
    #[error("invalid currency {value:?}: expected three uppercase ASCII letters")]
    InvalidCurrency {
        /// The rejected input.
        value: String,
    },
    /// A string is not a valid price.
    #[error("invalid price {value:?}: {reason}")]
    InvalidPrice {
        /// The rejected input.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} vs {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// An arithmetic result does not fit its integer type.
    #[error("arithmetic overflow")]
    Overflow,
}

/// A repository (storage port) operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepoError {
    /// The requested record does not exist.
    #[error("{what} {id} not found")]
    NotFound {
        /// Kind of record, e.g. `"station"`.
        what: &'static str,
        /// Identifier that was looked up.
        id: String,
    },
    /// The write conflicts with existing state (duplicate key, stale version, ...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The storage backend failed (driver error, unexpected state).
    #[error("backend error: {0}")]
    Backend(String),
    /// Storage cannot take work now (database unreachable, disk full, write lock held, pool
    /// exhausted): nothing was committed and the same request may succeed later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The request or the stored data is invalid.
    #[error("invalid: {0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_not_found_when_displayed_then_names_what_and_id() {
        let err = RepoError::NotFound { what: "station", id: "abc".to_owned() };
        assert_eq!(err.to_string(), "station abc not found");
    }

    #[test]
    fn given_kernel_error_when_displayed_then_names_bad_value() {
        let err = KernelError::InvalidTimeZone { value: "Mars/Olympus".to_owned() };
        assert!(err.to_string().contains("Mars/Olympus"));
        let err = KernelError::CurrencyMismatch { left: Currency::CNY, right: Currency::USD };
        assert_eq!(err.to_string(), "currency mismatch: CNY vs USD");
    }

    #[test]
    fn given_errors_when_used_as_std_error_then_compiles() {
        fn takes(_: &dyn std::error::Error) {}
        takes(&KernelError::Overflow);
        takes(&RepoError::Conflict("x".to_owned()));
    }
}
