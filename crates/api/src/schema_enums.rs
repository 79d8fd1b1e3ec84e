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

/// What a charge point charges (`mgc_charging::ChargerType`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ChargerTypeName {
    /// AC pile.
    Ac,
    /// DC fast charger.
    Dc,
    /// Two-wheeler charger.
    TwoWheeler,
}

/// A charging rate unit (OCPP 1.6 `ChargingRateUnit`).
#[derive(ToSchema)]
pub enum RateUnitName {
    /// Watts.
    W,
    /// Amperes.
    A,
}

/// An IANA time zone name `mgc_kernel::StationTz` accepts (exact spelling), e.g. `Asia/Shanghai`.
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        names_schema("an IANA time zone name, e.g. Asia/Shanghai", mgc_kernel::StationTz::known_names())
    }
}

impl ToSchema for TimeZoneName {}

/// A semantic point of the catalogue (`GET /api/v1/points`), e.g. `active_power_w`.
pub struct PointName;

impl utoipa::PartialSchema for PointName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        names_schema(
            "a point of the catalogue (GET /api/v1/points)",
            mgc_contracts::points::catalogue().iter().map(|p| p.name),
        )
    }
}

impl ToSchema for PointName {}

/// A string schema taking exactly `names`.
fn names_schema(
    description: &str,
    names: impl Iterator<Item = &'static str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::String).description(Some(description)).enum_values(Some(names)).into()
}
