//! The CSMS → charge point actions a command may carry: each with its request and answer
//! schemas, and the answer statuses that refuse the command.

use crate::messages::core::DataTransferRequest;
use crate::messages::firmware::{GetDiagnosticsRequest, UpdateFirmwareRequest};
use crate::messages::local_list::{GetLocalListVersionRequest, SendLocalListRequest};
use crate::messages::remote::{
    ChangeAvailabilityRequest, ChangeConfigurationRequest, ClearCacheRequest, GetConfigurationRequest,
    RemoteStartTransactionRequest, RemoteStopTransactionRequest, ResetRequest, TriggerMessageRequest,
    UnlockConnectorRequest,
};
use crate::messages::reservation::{CancelReservationRequest, ReserveNowRequest};
use crate::messages::smart_charging::{
    ClearChargingProfileRequest, GetCompositeScheduleRequest, SetChargingProfileRequest,
};
use crate::messages::{OcppAction, OcppPayload};
use crate::schema::Violation;
use serde_json::Value;

/// One action a command may send.
#[derive(Debug, Clone, Copy)]
pub struct CommandAction {
    /// OCPP action name (the command's `method`).
    pub name: &'static str,
    check_request: fn(&Value) -> Result<(), Violation>,
    check_answer: fn(&Value) -> Result<(), Violation>,
}

impl CommandAction {
    /// Validates a request payload against the action's OCPP 1.6 schema.
    pub fn check_request(&self, payload: &Value) -> Result<(), Violation> {
        (self.check_request)(payload)
    }

    /// Validates a CALLRESULT payload against the schema of the action's answer.
    pub fn check_answer(&self, payload: &Value) -> Result<(), Violation> {
        (self.check_answer)(payload)
    }
}

fn check<T: OcppPayload>(payload: &Value) -> Result<(), Violation> {
    T::from_payload(payload).map(drop)
}

macro_rules! command_actions {
    ($($request:ty),+ $(,)?) => {
        &[$(CommandAction {
            name: <$request as OcppAction>::ACTION,
            check_request: check::<$request>,
            check_answer: check::<<$request as OcppAction>::Response>,
        }),+]
    };
}

/// Every action a command may carry.
pub static COMMAND_ACTIONS: &[CommandAction] = command_actions![
    RemoteStartTransactionRequest,
    RemoteStopTransactionRequest,
    ResetRequest,
    UnlockConnectorRequest,
    ChangeAvailabilityRequest,
    ChangeConfigurationRequest,
    GetConfigurationRequest,
    ClearCacheRequest,
    TriggerMessageRequest,
    UpdateFirmwareRequest,
    GetDiagnosticsRequest,
    SendLocalListRequest,
    GetLocalListVersionRequest,
    ReserveNowRequest,
    CancelReservationRequest,
    SetChargingProfileRequest,
    ClearChargingProfileRequest,
    GetCompositeScheduleRequest,
    DataTransferRequest,
];

/// The action named `method` (exact OCPP spelling).
pub fn command_action(method: &str) -> Option<&'static CommandAction> {
    COMMAND_ACTIONS.iter().find(|a| a.name == method)
}

/// Answer statuses by which a charge point refuses (or fails) what it was asked; any other
/// status (`Accepted`, `Unlocked`, `Scheduled`, `RebootRequired`) means it took it on.
pub const REFUSING_STATUSES: &[&str] = &[
    "Rejected",
    "NotSupported",
    "NotImplemented",
    "UnlockFailed",
    "Faulted",
    "Occupied",
    "Unavailable",
    "Failed",
    "VersionMismatch",
    "Unknown",
    "UnknownMessageId",
    "UnknownVendorId",
];

/// The refusing status of an answer, if it has one.
pub fn refusing_status(answer: &Value) -> Option<&str> {
    answer.get("status").and_then(Value::as_str).filter(|s| REFUSING_STATUSES.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_the_actions_then_each_is_listed_once_and_found_by_its_exact_name() {
        assert_eq!(COMMAND_ACTIONS.len(), 19);
        for a in COMMAND_ACTIONS {
            assert_eq!(COMMAND_ACTIONS.iter().filter(|b| b.name == a.name).count(), 1, "{}", a.name);
            assert!(command_action(a.name).is_some());
        }
        assert!(command_action("reset").is_none(), "names are case-sensitive as on the wire");
        assert!(command_action("BootNotification").is_none(), "charge point → CSMS actions are not commands");
    }

    #[test]
    fn given_payloads_then_requests_and_answers_are_checked_against_their_own_schemas() {
        let start = command_action("RemoteStartTransaction").copied();
        let Some(start) = start else { panic!("missing") };
        assert_eq!(start.check_request(&json!({"idTag": "TAG1", "connectorId": 1})), Ok(()));
        let missing = start.check_request(&json!({"connectorId": 1})).map_err(|v| v.field);
        assert_eq!(missing, Err("idTag".to_owned()));
        assert_eq!(start.check_answer(&json!({"status": "Accepted"})), Ok(()));
        assert!(start.check_answer(&json!({"status": "Maybe"})).is_err());
    }

    #[test]
    fn given_answers_then_only_refusing_statuses_are_refusals() {
        assert_eq!(refusing_status(&json!({"status": "Rejected"})), Some("Rejected"));
        assert_eq!(refusing_status(&json!({"status": "UnlockFailed"})), Some("UnlockFailed"));
        for ok in ["Accepted", "Unlocked", "Scheduled", "RebootRequired"] {
            assert_eq!(refusing_status(&json!({"status": ok})), None, "{ok}");
        }
        assert_eq!(refusing_status(&json!({"listVersion": 3})), None);
    }
}
