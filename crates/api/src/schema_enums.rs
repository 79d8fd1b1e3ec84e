//! Schema-only enums: the closed sets of names some request fields take, for the OpenAPI
//! document (`#[schema(value_type = ...)]`). The handlers keep parsing those fields into their
//! context's own types; these types only state the accepted values, so they must list exactly
//! what those parsers accept.

use utoipa::ToSchema;

/// A role: `admin`, `operator` or `viewer` (`mgc_iam::Role`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum RoleName {
    /// Everything.
    Admin,
    /// Reads and operates.
    Operator,
    /// Reads only.
    Viewer,
}

/// An id tag's authorization status (`mgc_charging::AuthorizationStatus`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AuthorizationStatusName {
    /// May charge.
    Accepted,
    /// Blocked by an operator.
    Blocked,
    /// Past its expiry.
    Expired,
    /// Not known.
    Invalid,
    /// Already in another transaction.
    ConcurrentTx,
}

/// A charge point's registration (`mgc_charging::RegistrationStatus`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum RegistrationName {
    /// Adopted: may run transactions.
    Accepted,
    /// Parked.
    Pending,
    /// Refused.
    Rejected,
}

/// A charging rate unit (OCPP 1.6 `ChargingRateUnit`).
#[derive(ToSchema)]
pub enum RateUnitName {
    /// Watts.
    W,
    /// Amperes.
    A,
}
