//! Transaction messages a charge point sends: StartTransaction, StopTransaction, MeterValues.

use super::types::{IdTagInfo, MeterValue, ID_TAG_INFO, METER_VALUE, TRANSACTION_DATA_VALUE};
use super::{action, empty_payload, OcppPayload};
use crate::enums::Reason;
use crate::schema::{ci, opt, req, Field, Ty, INT, NON_NEGATIVE_INT, WIDE_INT};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// StartTransaction.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTransactionRequest {
    /// Connector (1 or more).
    pub connector_id: i32,
    /// Tag (CiString20).
    pub id_tag: String,
    /// Register at start, in Wh.
    pub meter_start: i64,
    /// Reservation used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i32>,
    /// Start time.
    pub timestamp: DateTime<Utc>,
}

impl OcppPayload for StartTransactionRequest {
    const SCHEMA: &'static [Field] = &[
        req("connectorId", NON_NEGATIVE_INT),
        req("idTag", ci(20)),
        req("meterStart", WIDE_INT),
        opt("reservationId", INT),
        req("timestamp", Ty::DateTime),
    ];
}

/// StartTransaction.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTransactionResponse {
    /// Decision on the tag.
    pub id_tag_info: IdTagInfo,
    /// Transaction id allocated by the CSMS.
    pub transaction_id: i32,
}

impl OcppPayload for StartTransactionResponse {
    const SCHEMA: &'static [Field] = &[req("idTagInfo", Ty::Object(ID_TAG_INFO)), req("transactionId", INT)];
}

action!(StartTransactionRequest, "StartTransaction", StartTransactionResponse);

/// StopTransaction.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTransactionRequest {
    /// Tag that stopped it (CiString20).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_tag: Option<String>,
    /// Register at stop, in Wh.
    pub meter_stop: i64,
    /// Stop time.
    pub timestamp: DateTime<Utc>,
    /// The transaction.
    pub transaction_id: i32,
    /// Why (default `Local`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Samples taken during the transaction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transaction_data: Vec<MeterValue>,
}

impl OcppPayload for StopTransactionRequest {
    const SCHEMA: &'static [Field] = &[
        opt("idTag", ci(20)),
        req("meterStop", WIDE_INT),
        req("timestamp", Ty::DateTime),
        req("transactionId", INT),
        opt("reason", Ty::Enum(Reason::NAMES)),
        opt("transactionData", Ty::Array { items: &Ty::Object(TRANSACTION_DATA_VALUE), min_items: 0 }),
    ];
}

/// StopTransaction.conf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTransactionResponse {
    /// Decision on the stopping tag, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_tag_info: Option<IdTagInfo>,
}

impl OcppPayload for StopTransactionResponse {
    const SCHEMA: &'static [Field] = &[opt("idTagInfo", Ty::Object(ID_TAG_INFO))];
}

action!(StopTransactionRequest, "StopTransaction", StopTransactionResponse);

/// MeterValues.req.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValuesRequest {
    /// Connector (0 = main meter).
    pub connector_id: i32,
    /// Transaction, when the samples belong to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<i32>,
    /// Samples.
    pub meter_value: Vec<MeterValue>,
}

impl OcppPayload for MeterValuesRequest {
    const SCHEMA: &'static [Field] = &[
        req("connectorId", NON_NEGATIVE_INT),
        opt("transactionId", INT),
        req("meterValue", Ty::Array { items: &Ty::Object(METER_VALUE), min_items: 1 }),
    ];
}

empty_payload!(
    /// MeterValues.conf.
    MeterValuesResponse
);

action!(MeterValuesRequest, "MeterValues", MeterValuesResponse);
