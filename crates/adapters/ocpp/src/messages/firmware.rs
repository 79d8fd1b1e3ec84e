//! Firmware management: the charge point's status notifications and the CSMS's UpdateFirmware
//! and GetDiagnostics.

use super::{action, empty_payload, OcppPayload};
use crate::enums::{DiagnosticsStatus, FirmwareStatus};
use crate::schema::{ci, opt, req, Field, Ty, INT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// DiagnosticsStatusNotification.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticsStatusNotificationRequest {
    /// Upload status.
    pub status: DiagnosticsStatus,
}

impl OcppPayload for DiagnosticsStatusNotificationRequest {
    const SCHEMA: &'static [Field] = &[req("status", Ty::Enum(DiagnosticsStatus::NAMES))];
}

empty_payload!(
    /// DiagnosticsStatusNotification.conf.
    DiagnosticsStatusNotificationResponse
);

action!(DiagnosticsStatusNotificationRequest, "DiagnosticsStatusNotification", DiagnosticsStatusNotificationResponse);

/// FirmwareStatusNotification.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirmwareStatusNotificationRequest {
    /// Firmware update status.
    pub status: FirmwareStatus,
}

impl OcppPayload for FirmwareStatusNotificationRequest {
    const SCHEMA: &'static [Field] = &[req("status", Ty::Enum(FirmwareStatus::NAMES))];
}

empty_payload!(
    /// FirmwareStatusNotification.conf.
    FirmwareStatusNotificationResponse
);

action!(FirmwareStatusNotificationRequest, "FirmwareStatusNotification", FirmwareStatusNotificationResponse);

/// UpdateFirmware.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFirmwareRequest {
    /// Where to download the firmware.
    pub location: String,
    /// Download attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<i32>,
    /// Earliest download time.
    pub retrieve_date: DateTime<Utc>,
    /// Seconds between attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<i32>,
}

impl OcppPayload for UpdateFirmwareRequest {
    const SCHEMA: &'static [Field] =
        &[req("location", Ty::Uri), opt("retries", INT), req("retrieveDate", Ty::DateTime), opt("retryInterval", INT)];
}

empty_payload!(
    /// UpdateFirmware.conf.
    UpdateFirmwareResponse
);

action!(UpdateFirmwareRequest, "UpdateFirmware", UpdateFirmwareResponse);

/// GetDiagnostics.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDiagnosticsRequest {
    /// Where to upload.
    pub location: String,
    /// Upload attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<i32>,
    /// Seconds between attempts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_interval: Option<i32>,
    /// Oldest log entry wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<DateTime<Utc>>,
    /// Newest log entry wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_time: Option<DateTime<Utc>>,
}

impl OcppPayload for GetDiagnosticsRequest {
    const SCHEMA: &'static [Field] = &[
        req("location", Ty::Uri),
        opt("retries", INT),
        opt("retryInterval", INT),
        opt("startTime", Ty::DateTime),
        opt("stopTime", Ty::DateTime),
    ];
}

/// GetDiagnostics.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDiagnosticsResponse {
    /// Name of the file to be uploaded (CiString255).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

impl OcppPayload for GetDiagnosticsResponse {
    const SCHEMA: &'static [Field] = &[opt("fileName", ci(255))];
}

action!(GetDiagnosticsRequest, "GetDiagnostics", GetDiagnosticsResponse);
