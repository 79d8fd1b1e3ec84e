//! Types shared by several messages: IdTagInfo, MeterValue and SampledValue.

use crate::enums::{AuthorizationStatus, Location, Measurand, Phase, ReadingContext, UnitOfMeasure, ValueFormat};
use crate::schema::{ci, opt, req, Field, Ty};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Authorization of an id tag (IdTagInfo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdTagInfo {
    /// Expiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<DateTime<Utc>>,
    /// Group tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id_tag: Option<String>,
    /// Decision.
    pub status: AuthorizationStatus,
}

/// Schema of [`IdTagInfo`].
pub const ID_TAG_INFO: &[Field] =
    &[opt("expiryDate", Ty::DateTime), opt("parentIdTag", ci(20)), req("status", Ty::Enum(AuthorizationStatus::NAMES))];

/// One sampled value: a decimal string with what it measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampledValue {
    /// The value (a decimal string for `Raw` format).
    pub value: String,
    /// Why it was sampled (default `Sample.Periodic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<ReadingContext>,
    /// Raw or signed (default `Raw`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ValueFormat>,
    /// What it measures (default `Energy.Active.Import.Register`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measurand: Option<Measurand>,
    /// Phase (none: the total).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// Where (default `Outlet`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Unit (default `Wh`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitOfMeasure>,
}

/// Schema of [`SampledValue`].
pub const SAMPLED_VALUE: &[Field] = &[
    req("value", Ty::String { max: None }),
    opt("context", Ty::Enum(ReadingContext::NAMES)),
    opt("format", Ty::Enum(ValueFormat::NAMES)),
    opt("measurand", Ty::Enum(Measurand::NAMES)),
    opt("phase", Ty::Enum(Phase::NAMES)),
    opt("location", Ty::Enum(Location::NAMES)),
    opt("unit", Ty::Enum(UnitOfMeasure::NAMES)),
];

/// Sampled values taken at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValue {
    /// When.
    pub timestamp: DateTime<Utc>,
    /// The values.
    pub sampled_value: Vec<SampledValue>,
}

/// Schema of [`MeterValue`].
pub const METER_VALUE: &[Field] = &[
    req("timestamp", Ty::DateTime),
    req("sampledValue", Ty::Array { items: &Ty::Object(SAMPLED_VALUE), min_items: 1 }),
];

/// Schema of a StopTransaction `transactionData` item (its `sampledValue` may be empty).
pub const TRANSACTION_DATA_VALUE: &[Field] = &[
    req("timestamp", Ty::DateTime),
    req("sampledValue", Ty::Array { items: &Ty::Object(SAMPLED_VALUE), min_items: 0 }),
];
