//! Smart charging: charging profiles and schedules, SetChargingProfile, ClearChargingProfile,
//! GetCompositeSchedule. Limits are amperes or watts (not energy), kept as the JSON numbers sent,
//! which the schema requires to be multiples of 0.1.

use super::{action, OcppPayload};
use crate::enums::{
    AcceptedRejected, ChargingProfileKind, ChargingProfilePurpose, ChargingProfileStatus, ChargingRateUnit,
    ClearChargingProfileStatus, RecurrencyKind,
};
use crate::schema::{opt, req, Field, Ty, INT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One period of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingSchedulePeriod {
    /// Seconds from the schedule start.
    pub start_period: i32,
    /// Limit in the schedule's unit (multiple of 0.1).
    pub limit: f64,
    /// Phases to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_phases: Option<i32>,
}

const SCHEDULE_PERIOD: &[Field] = &[req("startPeriod", INT), req("limit", Ty::Decimal), opt("numberPhases", INT)];

/// A charging schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingSchedule {
    /// Seconds it lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i32>,
    /// Start (absolute profiles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_schedule: Option<DateTime<Utc>>,
    /// Unit of the limits.
    pub charging_rate_unit: ChargingRateUnit,
    /// Periods.
    pub charging_schedule_period: Vec<ChargingSchedulePeriod>,
    /// Least rate the vehicle supports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_charging_rate: Option<f64>,
}

/// Schema of [`ChargingSchedule`].
pub const CHARGING_SCHEDULE: &[Field] = &[
    opt("duration", INT),
    opt("startSchedule", Ty::DateTime),
    req("chargingRateUnit", Ty::Enum(ChargingRateUnit::NAMES)),
    req("chargingSchedulePeriod", Ty::Array { items: &Ty::Object(SCHEDULE_PERIOD), min_items: 0 }),
    opt("minChargingRate", Ty::Decimal),
];

/// A charging profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargingProfile {
    /// Id.
    pub charging_profile_id: i32,
    /// Transaction (TxProfile only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<i32>,
    /// Stack level.
    pub stack_level: i32,
    /// Purpose.
    pub charging_profile_purpose: ChargingProfilePurpose,
    /// Kind.
    pub charging_profile_kind: ChargingProfileKind,
    /// Recurrence (recurring profiles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrency_kind: Option<RecurrencyKind>,
    /// Valid from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime<Utc>>,
    /// Valid until.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<DateTime<Utc>>,
    /// The schedule.
    pub charging_schedule: ChargingSchedule,
}

/// Schema of [`ChargingProfile`].
pub const CHARGING_PROFILE: &[Field] = &[
    req("chargingProfileId", INT),
    opt("transactionId", INT),
    req("stackLevel", INT),
    req("chargingProfilePurpose", Ty::Enum(ChargingProfilePurpose::NAMES)),
    req("chargingProfileKind", Ty::Enum(ChargingProfileKind::NAMES)),
    opt("recurrencyKind", Ty::Enum(RecurrencyKind::NAMES)),
    opt("validFrom", Ty::DateTime),
    opt("validTo", Ty::DateTime),
    req("chargingSchedule", Ty::Object(CHARGING_SCHEDULE)),
];

/// SetChargingProfile.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetChargingProfileRequest {
    /// Connector (0 = the charge point).
    pub connector_id: i32,
    /// The profile.
    pub cs_charging_profiles: ChargingProfile,
}

impl OcppPayload for SetChargingProfileRequest {
    const SCHEMA: &'static [Field] =
        &[req("connectorId", INT), req("csChargingProfiles", Ty::Object(CHARGING_PROFILE))];
}

/// SetChargingProfile.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetChargingProfileResponse {
    /// Status.
    pub status: ChargingProfileStatus,
}

impl OcppPayload for SetChargingProfileResponse {
    const SCHEMA: &'static [Field] = &[req("status", Ty::Enum(ChargingProfileStatus::NAMES))];
}

action!(SetChargingProfileRequest, "SetChargingProfile", SetChargingProfileResponse);

/// ClearChargingProfile.req (every field narrows what is cleared).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClearChargingProfileRequest {
    /// Profile id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// Connector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<i32>,
    /// Purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charging_profile_purpose: Option<ChargingProfilePurpose>,
    /// Stack level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_level: Option<i32>,
}

impl OcppPayload for ClearChargingProfileRequest {
    const SCHEMA: &'static [Field] = &[
        opt("id", INT),
        opt("connectorId", INT),
        opt("chargingProfilePurpose", Ty::Enum(ChargingProfilePurpose::NAMES)),
        opt("stackLevel", INT),
    ];
}

/// ClearChargingProfile.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClearChargingProfileResponse {
    /// Status.
    pub status: ClearChargingProfileStatus,
}

impl OcppPayload for ClearChargingProfileResponse {
    const SCHEMA: &'static [Field] = &[req("status", Ty::Enum(ClearChargingProfileStatus::NAMES))];
}

action!(ClearChargingProfileRequest, "ClearChargingProfile", ClearChargingProfileResponse);

/// GetCompositeSchedule.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetCompositeScheduleRequest {
    /// Connector.
    pub connector_id: i32,
    /// Seconds asked for.
    pub duration: i32,
    /// Unit wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charging_rate_unit: Option<ChargingRateUnit>,
}

impl OcppPayload for GetCompositeScheduleRequest {
    const SCHEMA: &'static [Field] =
        &[req("connectorId", INT), req("duration", INT), opt("chargingRateUnit", Ty::Enum(ChargingRateUnit::NAMES))];
}

/// GetCompositeSchedule.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetCompositeScheduleResponse {
    /// Status.
    pub status: AcceptedRejected,
    /// Connector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<i32>,
    /// Start of the schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_start: Option<DateTime<Utc>>,
    /// The composite schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charging_schedule: Option<ChargingSchedule>,
}

impl OcppPayload for GetCompositeScheduleResponse {
    const SCHEMA: &'static [Field] = &[
        req("status", Ty::Enum(AcceptedRejected::NAMES)),
        opt("connectorId", INT),
        opt("scheduleStart", Ty::DateTime),
        opt("chargingSchedule", Ty::Object(CHARGING_SCHEDULE)),
    ];
}

action!(GetCompositeScheduleRequest, "GetCompositeSchedule", GetCompositeScheduleResponse);
