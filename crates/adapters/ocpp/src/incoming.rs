//! The calls a charge point sends, read from a CALL frame's action and payload.

use crate::messages::core::{
    AuthorizeRequest, BootNotificationRequest, DataTransferRequest, HeartbeatRequest, StatusNotificationRequest,
};
use crate::messages::firmware::{DiagnosticsStatusNotificationRequest, FirmwareStatusNotificationRequest};
use crate::messages::transaction::{MeterValuesRequest, StartTransactionRequest, StopTransactionRequest};
use crate::messages::OcppAction;
use crate::schema::Violation;
use crate::ErrorCode;
use serde_json::Value;

/// A validated charge point → CSMS request.
#[derive(Debug, Clone, PartialEq)]
pub enum ChargePointCall {
    /// BootNotification.
    BootNotification(BootNotificationRequest),
    /// Heartbeat.
    Heartbeat(HeartbeatRequest),
    /// StatusNotification.
    StatusNotification(StatusNotificationRequest),
    /// Authorize.
    Authorize(AuthorizeRequest),
    /// StartTransaction.
    StartTransaction(StartTransactionRequest),
    /// StopTransaction.
    StopTransaction(StopTransactionRequest),
    /// MeterValues.
    MeterValues(MeterValuesRequest),
    /// DataTransfer.
    DataTransfer(DataTransferRequest),
    /// DiagnosticsStatusNotification.
    DiagnosticsStatusNotification(DiagnosticsStatusNotificationRequest),
    /// FirmwareStatusNotification.
    FirmwareStatusNotification(FirmwareStatusNotificationRequest),
}

fn read<T: OcppAction>(payload: &Value, wrap: fn(T) -> ChargePointCall) -> Result<ChargePointCall, Violation> {
    T::from_payload(payload).map(wrap)
}

impl ChargePointCall {
    /// Every action a charge point may send.
    pub const ACTIONS: [&'static str; 10] = [
        BootNotificationRequest::ACTION,
        HeartbeatRequest::ACTION,
        StatusNotificationRequest::ACTION,
        AuthorizeRequest::ACTION,
        StartTransactionRequest::ACTION,
        StopTransactionRequest::ACTION,
        MeterValuesRequest::ACTION,
        DataTransferRequest::ACTION,
        DiagnosticsStatusNotificationRequest::ACTION,
        FirmwareStatusNotificationRequest::ACTION,
    ];

    /// Validates `payload` for `action`; an action a charge point does not send is NotImplemented.
    pub fn parse(action: &str, payload: &Value) -> Result<Self, Violation> {
        match action {
            BootNotificationRequest::ACTION => read(payload, Self::BootNotification),
            HeartbeatRequest::ACTION => read(payload, Self::Heartbeat),
            StatusNotificationRequest::ACTION => read(payload, Self::StatusNotification),
            AuthorizeRequest::ACTION => read(payload, Self::Authorize),
            StartTransactionRequest::ACTION => read(payload, Self::StartTransaction),
            StopTransactionRequest::ACTION => read(payload, Self::StopTransaction),
            MeterValuesRequest::ACTION => read(payload, Self::MeterValues),
            DataTransferRequest::ACTION => read(payload, Self::DataTransfer),
            DiagnosticsStatusNotificationRequest::ACTION => read(payload, Self::DiagnosticsStatusNotification),
            FirmwareStatusNotificationRequest::ACTION => read(payload, Self::FirmwareStatusNotification),
            other => Err(Violation::new(ErrorCode::NotImplemented, "", format!("action '{other}' is not implemented"))),
        }
    }

    /// The action name.
    pub fn action(&self) -> &'static str {
        match self {
            Self::BootNotification(_) => BootNotificationRequest::ACTION,
            Self::Heartbeat(_) => HeartbeatRequest::ACTION,
            Self::StatusNotification(_) => StatusNotificationRequest::ACTION,
            Self::Authorize(_) => AuthorizeRequest::ACTION,
            Self::StartTransaction(_) => StartTransactionRequest::ACTION,
            Self::StopTransaction(_) => StopTransactionRequest::ACTION,
            Self::MeterValues(_) => MeterValuesRequest::ACTION,
            Self::DataTransfer(_) => DataTransferRequest::ACTION,
            Self::DiagnosticsStatusNotification(_) => DiagnosticsStatusNotificationRequest::ACTION,
            Self::FirmwareStatusNotification(_) => FirmwareStatusNotificationRequest::ACTION,
        }
    }
}
