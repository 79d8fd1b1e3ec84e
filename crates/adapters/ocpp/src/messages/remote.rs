//! Remote control calls of the CSMS: RemoteStart/StopTransaction, Reset, UnlockConnector,
//! ChangeAvailability, Change/GetConfiguration, ClearCache, TriggerMessage.

use super::smart_charging::{ChargingProfile, CHARGING_PROFILE};
use super::{action, empty_payload, status_response, OcppPayload};
use crate::enums::{
    AcceptedRejected, AvailabilityStatus, AvailabilityType, ConfigurationStatus, MessageTrigger, ResetType,
    TriggerMessageStatus, UnlockStatus,
};
use crate::schema::{ci, opt, req, Field, Ty, INT};
use serde::{Deserialize, Serialize};

/// RemoteStartTransaction.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteStartTransactionRequest {
    /// Connector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<i32>,
    /// Tag to start with (CiString20).
    pub id_tag: String,
    /// Profile for the transaction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charging_profile: Option<ChargingProfile>,
}

impl OcppPayload for RemoteStartTransactionRequest {
    const SCHEMA: &'static [Field] =
        &[opt("connectorId", INT), req("idTag", ci(20)), opt("chargingProfile", Ty::Object(CHARGING_PROFILE))];
}

status_response!(
    /// RemoteStartTransaction.conf.
    RemoteStartTransactionResponse,
    AcceptedRejected
);
action!(RemoteStartTransactionRequest, "RemoteStartTransaction", RemoteStartTransactionResponse);

/// RemoteStopTransaction.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteStopTransactionRequest {
    /// The transaction.
    pub transaction_id: i32,
}

impl OcppPayload for RemoteStopTransactionRequest {
    const SCHEMA: &'static [Field] = &[req("transactionId", INT)];
}

status_response!(
    /// RemoteStopTransaction.conf.
    RemoteStopTransactionResponse,
    AcceptedRejected
);
action!(RemoteStopTransactionRequest, "RemoteStopTransaction", RemoteStopTransactionResponse);

/// Reset.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetRequest {
    /// Hard or soft.
    #[serde(rename = "type")]
    pub kind: ResetType,
}

impl OcppPayload for ResetRequest {
    const SCHEMA: &'static [Field] = &[req("type", Ty::Enum(ResetType::NAMES))];
}

status_response!(
    /// Reset.conf.
    ResetResponse,
    AcceptedRejected
);
action!(ResetRequest, "Reset", ResetResponse);

/// UnlockConnector.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlockConnectorRequest {
    /// Connector.
    pub connector_id: i32,
}

impl OcppPayload for UnlockConnectorRequest {
    const SCHEMA: &'static [Field] = &[req("connectorId", INT)];
}

status_response!(
    /// UnlockConnector.conf.
    UnlockConnectorResponse,
    UnlockStatus
);
action!(UnlockConnectorRequest, "UnlockConnector", UnlockConnectorResponse);

/// ChangeAvailability.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeAvailabilityRequest {
    /// Connector (0 = the charge point).
    pub connector_id: i32,
    /// Operative or inoperative.
    #[serde(rename = "type")]
    pub kind: AvailabilityType,
}

impl OcppPayload for ChangeAvailabilityRequest {
    const SCHEMA: &'static [Field] = &[req("connectorId", INT), req("type", Ty::Enum(AvailabilityType::NAMES))];
}

status_response!(
    /// ChangeAvailability.conf.
    ChangeAvailabilityResponse,
    AvailabilityStatus
);
action!(ChangeAvailabilityRequest, "ChangeAvailability", ChangeAvailabilityResponse);

/// ChangeConfiguration.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeConfigurationRequest {
    /// Key (CiString50).
    pub key: String,
    /// Value (CiString500).
    pub value: String,
}

impl OcppPayload for ChangeConfigurationRequest {
    const SCHEMA: &'static [Field] = &[req("key", ci(50)), req("value", ci(500))];
}

status_response!(
    /// ChangeConfiguration.conf.
    ChangeConfigurationResponse,
    ConfigurationStatus
);
action!(ChangeConfigurationRequest, "ChangeConfiguration", ChangeConfigurationResponse);

/// GetConfiguration.req.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetConfigurationRequest {
    /// Keys wanted (none: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
}

impl OcppPayload for GetConfigurationRequest {
    const SCHEMA: &'static [Field] = &[opt("key", Ty::Array { items: &ci(50), min_items: 0 })];
}

/// One configuration key and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyValue {
    /// Key (CiString50).
    pub key: String,
    /// Read-only.
    pub readonly: bool,
    /// Value (CiString500).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

const KEY_VALUE: &[Field] = &[req("key", ci(50)), req("readonly", Ty::Boolean), opt("value", ci(500))];

/// GetConfiguration.conf.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetConfigurationResponse {
    /// Known keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configuration_key: Vec<KeyValue>,
    /// Keys asked for that are not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_key: Vec<String>,
}

impl OcppPayload for GetConfigurationResponse {
    const SCHEMA: &'static [Field] = &[
        opt("configurationKey", Ty::Array { items: &Ty::Object(KEY_VALUE), min_items: 0 }),
        opt("unknownKey", Ty::Array { items: &ci(50), min_items: 0 }),
    ];
}

action!(GetConfigurationRequest, "GetConfiguration", GetConfigurationResponse);

empty_payload!(
    /// ClearCache.req.
    ClearCacheRequest
);
status_response!(
    /// ClearCache.conf.
    ClearCacheResponse,
    AcceptedRejected
);
action!(ClearCacheRequest, "ClearCache", ClearCacheResponse);

/// TriggerMessage.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerMessageRequest {
    /// Message wanted.
    pub requested_message: MessageTrigger,
    /// Connector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<i32>,
}

impl OcppPayload for TriggerMessageRequest {
    const SCHEMA: &'static [Field] =
        &[req("requestedMessage", Ty::Enum(MessageTrigger::NAMES)), opt("connectorId", INT)];
}

status_response!(
    /// TriggerMessage.conf.
    TriggerMessageResponse,
    TriggerMessageStatus
);
action!(TriggerMessageRequest, "TriggerMessage", TriggerMessageResponse);
