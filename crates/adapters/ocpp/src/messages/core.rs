//! Core profile messages a charge point sends outside transactions: BootNotification, Heartbeat,
//! StatusNotification, Authorize, and DataTransfer (either direction).

use super::types::{IdTagInfo, ID_TAG_INFO};
use super::{action, empty_payload, OcppPayload};
use crate::enums::{ChargePointErrorCode, ChargePointStatus, DataTransferStatus, RegistrationStatus};
use crate::schema::{ci, opt, req, Field, Ty, INT, NON_NEGATIVE_INT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// BootNotification.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootNotificationRequest {
    /// Vendor (CiString20).
    pub charge_point_vendor: String,
    /// Model (CiString20).
    pub charge_point_model: String,
    /// Serial number (CiString25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_point_serial_number: Option<String>,
    /// Charge box serial number, deprecated (CiString25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_box_serial_number: Option<String>,
    /// Firmware version (CiString50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firmware_version: Option<String>,
    /// Modem SIM ICCID (CiString20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iccid: Option<String>,
    /// Modem IMSI (CiString20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imsi: Option<String>,
    /// Main meter type (CiString25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meter_type: Option<String>,
    /// Main meter serial number (CiString25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meter_serial_number: Option<String>,
}

impl OcppPayload for BootNotificationRequest {
    const SCHEMA: &'static [Field] = &[
        req("chargePointVendor", ci(20)),
        req("chargePointModel", ci(20)),
        opt("chargePointSerialNumber", ci(25)),
        opt("chargeBoxSerialNumber", ci(25)),
        opt("firmwareVersion", ci(50)),
        opt("iccid", ci(20)),
        opt("imsi", ci(20)),
        opt("meterType", ci(25)),
        opt("meterSerialNumber", ci(25)),
    ];
}

/// BootNotification.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootNotificationResponse {
    /// Registration status.
    pub status: RegistrationStatus,
    /// The CSMS's time.
    pub current_time: DateTime<Utc>,
    /// Heartbeat interval (accepted) or boot retry interval, in seconds.
    pub interval: i32,
}

impl OcppPayload for BootNotificationResponse {
    const SCHEMA: &'static [Field] =
        &[req("status", Ty::Enum(RegistrationStatus::NAMES)), req("currentTime", Ty::DateTime), req("interval", INT)];
}

action!(BootNotificationRequest, "BootNotification", BootNotificationResponse);

empty_payload!(
    /// Heartbeat.req.
    HeartbeatRequest
);

/// Heartbeat.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatResponse {
    /// The CSMS's time.
    pub current_time: DateTime<Utc>,
}

impl OcppPayload for HeartbeatResponse {
    const SCHEMA: &'static [Field] = &[req("currentTime", Ty::DateTime)];
}

action!(HeartbeatRequest, "Heartbeat", HeartbeatResponse);

/// StatusNotification.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusNotificationRequest {
    /// Connector (0 = the charge point).
    pub connector_id: i32,
    /// Error code.
    pub error_code: ChargePointErrorCode,
    /// Free text (CiString50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
    /// Status.
    pub status: ChargePointStatus,
    /// When the status took effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<DateTime<Utc>>,
    /// Vendor of the vendor error code (CiString255).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// Vendor error code (CiString50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_error_code: Option<String>,
}

impl OcppPayload for StatusNotificationRequest {
    const SCHEMA: &'static [Field] = &[
        req("connectorId", NON_NEGATIVE_INT),
        req("errorCode", Ty::Enum(ChargePointErrorCode::NAMES)),
        opt("info", ci(50)),
        req("status", Ty::Enum(ChargePointStatus::NAMES)),
        opt("timestamp", Ty::DateTime),
        opt("vendorId", ci(255)),
        opt("vendorErrorCode", ci(50)),
    ];
}

empty_payload!(
    /// StatusNotification.conf.
    StatusNotificationResponse
);

action!(StatusNotificationRequest, "StatusNotification", StatusNotificationResponse);

/// Authorize.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRequest {
    /// Tag (CiString20).
    pub id_tag: String,
}

impl OcppPayload for AuthorizeRequest {
    const SCHEMA: &'static [Field] = &[req("idTag", ci(20))];
}

/// Authorize.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeResponse {
    /// Decision.
    pub id_tag_info: IdTagInfo,
}

impl OcppPayload for AuthorizeResponse {
    const SCHEMA: &'static [Field] = &[req("idTagInfo", Ty::Object(ID_TAG_INFO))];
}

action!(AuthorizeRequest, "Authorize", AuthorizeResponse);

/// DataTransfer.req (sent by either side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataTransferRequest {
    /// Vendor (CiString255).
    pub vendor_id: String,
    /// Message id (CiString50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Data, free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl OcppPayload for DataTransferRequest {
    const SCHEMA: &'static [Field] =
        &[req("vendorId", ci(255)), opt("messageId", ci(50)), opt("data", Ty::String { max: None })];
}

/// DataTransfer.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataTransferResponse {
    /// Status.
    pub status: DataTransferStatus,
    /// Data, free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl OcppPayload for DataTransferResponse {
    const SCHEMA: &'static [Field] =
        &[req("status", Ty::Enum(DataTransferStatus::NAMES)), opt("data", Ty::String { max: None })];
}

action!(DataTransferRequest, "DataTransfer", DataTransferResponse);
