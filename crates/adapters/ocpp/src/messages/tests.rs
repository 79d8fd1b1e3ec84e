//! Table-driven tests with real-looking frames for every message, schema refusals per message,
//! and a fuzz-style property: no payload panics the reader.

use crate::messages::core::*;
use crate::messages::firmware::*;
use crate::messages::local_list::*;
use crate::messages::remote::*;
use crate::messages::reservation::*;
use crate::messages::smart_charging::*;
use crate::messages::transaction::*;
use crate::messages::{OcppAction, OcppPayload};
use crate::{ChargePointCall, ErrorCode, Frame};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Charge point → CSMS CALL frames as chargers send them.
const CHARGE_POINT_FRAMES: [&str; 10] = [
    r#"[2,"1","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"Wallbox 22","chargePointSerialNumber":"SN-0001","chargeBoxSerialNumber":"CB-1","firmwareVersion":"1.2.3","iccid":"8931","imsi":"2620","meterType":"DZG","meterSerialNumber":"M-1"}]"#,
    r#"[2,"2","Heartbeat",{}]"#,
    r#"[2,"3","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Charging","timestamp":"2026-03-01T12:00:00Z","info":"ok","vendorId":"VendorX","vendorErrorCode":"0"}]"#,
    r#"[2,"4","Authorize",{"idTag":"04E91C5A"}]"#,
    r#"[2,"5","StartTransaction",{"connectorId":1,"idTag":"04E91C5A","meterStart":1234567,"timestamp":"2026-03-01T12:00:00Z","reservationId":7}]"#,
    r#"[2,"6","StopTransaction",{"idTag":"04E91C5A","meterStop":1240000,"timestamp":"2026-03-01T13:00:00Z","transactionId":42,"reason":"EVDisconnected","transactionData":[{"timestamp":"2026-03-01T13:00:00Z","sampledValue":[{"value":"1240.000","context":"Transaction.End","measurand":"Energy.Active.Import.Register","unit":"kWh","location":"Outlet"}]}]}]"#,
    r#"[2,"7","MeterValues",{"connectorId":1,"transactionId":42,"meterValue":[{"timestamp":"2026-03-01T12:30:00Z","sampledValue":[{"value":"1236.5","context":"Sample.Periodic","format":"Raw","measurand":"Energy.Active.Import.Register","location":"Outlet","unit":"kWh"},{"value":"7.4","measurand":"Power.Active.Import","unit":"kW"},{"value":"231.2","measurand":"Voltage","phase":"L1-N","unit":"V"},{"value":"16.1","measurand":"Current.Import","phase":"L1","unit":"A"},{"value":"55","measurand":"SoC","location":"EV","unit":"Percent"},{"value":"31","measurand":"Temperature","location":"Body","unit":"Celsius"},{"value":"49.98","measurand":"Frequency","unit":"Hertz"}]}]}]"#,
    r#"[2,"8","DataTransfer",{"vendorId":"com.vendorx","messageId":"Display","data":"{\"text\":\"hi\"}"}]"#,
    r#"[2,"9","DiagnosticsStatusNotification",{"status":"Uploaded"}]"#,
    r#"[2,"10","FirmwareStatusNotification",{"status":"Installed"}]"#,
];

#[test]
fn given_every_charge_point_frame_when_parsed_then_typed_call_of_its_action_that_writes_back_the_same_payload() {
    for text in CHARGE_POINT_FRAMES {
        let Frame::Call { action, payload, .. } = Frame::parse(text).unwrap() else { panic!("not a call: {text}") };
        let call = ChargePointCall::parse(&action, &payload).unwrap_or_else(|e| panic!("{action}: {e}"));
        assert_eq!(call.action(), action);
        let written = match &call {
            ChargePointCall::BootNotification(m) => m.to_payload(),
            ChargePointCall::Heartbeat(m) => m.to_payload(),
            ChargePointCall::StatusNotification(m) => m.to_payload(),
            ChargePointCall::Authorize(m) => m.to_payload(),
            ChargePointCall::StartTransaction(m) => m.to_payload(),
            ChargePointCall::StopTransaction(m) => m.to_payload(),
            ChargePointCall::MeterValues(m) => m.to_payload(),
            ChargePointCall::DataTransfer(m) => m.to_payload(),
            ChargePointCall::DiagnosticsStatusNotification(m) => m.to_payload(),
            ChargePointCall::FirmwareStatusNotification(m) => m.to_payload(),
        };
        assert_eq!(written, payload, "{action}");
    }
    let covered: Vec<_> = CHARGE_POINT_FRAMES.iter().filter_map(|t| Frame::parse(t).ok()).collect();
    assert_eq!(covered.len(), ChargePointCall::ACTIONS.len());
}

fn round_trip<T: OcppPayload>(payload: Value) {
    let typed = T::from_payload(&payload).unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()));
    assert_eq!(typed.to_payload(), payload, "{}", std::any::type_name::<T>());
}

fn call_round_trip<T: OcppAction>(request: Value, response: Value) {
    let frame = Frame::Call { id: "c1".into(), action: T::ACTION.into(), payload: request.clone() };
    let Frame::Call { payload, .. } = Frame::parse(&frame.to_text()).unwrap() else { panic!("{}", T::ACTION) };
    round_trip::<T>(payload);
    let answer = Frame::CallResult { id: "c1".into(), payload: response };
    let Frame::CallResult { payload, .. } = Frame::parse(&answer.to_text()).unwrap() else { panic!("{}", T::ACTION) };
    round_trip::<T::Response>(payload);
}

fn profile() -> Value {
    json!({"chargingProfileId": 1, "transactionId": 42, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
           "chargingProfileKind": "Absolute", "validFrom": "2026-03-01T00:00:00Z", "validTo": "2026-03-02T00:00:00Z",
           "chargingSchedule": {"duration": 3600, "startSchedule": "2026-03-01T12:00:00Z", "chargingRateUnit": "A",
             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16.0, "numberPhases": 3}, {"startPeriod": 1800, "limit": 10.5}],
             "minChargingRate": 6.0}})
}

#[test]
fn given_every_csms_call_and_its_answer_when_written_and_read_then_identical() {
    call_round_trip::<RemoteStartTransactionRequest>(
        json!({"connectorId": 1, "idTag": "04E91C5A", "chargingProfile": profile()}),
        json!({"status": "Accepted"}),
    );
    call_round_trip::<RemoteStopTransactionRequest>(json!({"transactionId": 42}), json!({"status": "Rejected"}));
    call_round_trip::<ResetRequest>(json!({"type": "Soft"}), json!({"status": "Accepted"}));
    call_round_trip::<UnlockConnectorRequest>(json!({"connectorId": 1}), json!({"status": "Unlocked"}));
    call_round_trip::<ChangeAvailabilityRequest>(
        json!({"connectorId": 0, "type": "Inoperative"}),
        json!({"status": "Scheduled"}),
    );
    call_round_trip::<ChangeConfigurationRequest>(
        json!({"key": "HeartbeatInterval", "value": "300"}),
        json!({"status": "RebootRequired"}),
    );
    call_round_trip::<GetConfigurationRequest>(
        json!({"key": ["HeartbeatInterval", "Nope"]}),
        json!({"configurationKey": [{"key": "HeartbeatInterval", "readonly": false, "value": "300"}], "unknownKey": ["Nope"]}),
    );
    call_round_trip::<ClearCacheRequest>(json!({}), json!({"status": "Accepted"}));
    call_round_trip::<TriggerMessageRequest>(
        json!({"requestedMessage": "StatusNotification", "connectorId": 1}),
        json!({"status": "NotImplemented"}),
    );
    call_round_trip::<UpdateFirmwareRequest>(
        json!({"location": "https://fw.example.com/v2.bin", "retries": 3, "retrieveDate": "2026-03-02T02:00:00Z", "retryInterval": 60}),
        json!({}),
    );
    call_round_trip::<GetDiagnosticsRequest>(
        json!({"location": "ftp://logs.example.com/up", "retries": 1, "retryInterval": 30, "startTime": "2026-03-01T00:00:00Z", "stopTime": "2026-03-01T12:00:00Z"}),
        json!({"fileName": "diag-0001.zip"}),
    );
    call_round_trip::<SendLocalListRequest>(
        json!({"listVersion": 3, "updateType": "Differential", "localAuthorizationList": [
            {"idTag": "04E91C5A", "idTagInfo": {"status": "Accepted", "expiryDate": "2027-01-01T00:00:00Z", "parentIdTag": "FLEET1"}},
            {"idTag": "DEADBEEF"}]}),
        json!({"status": "VersionMismatch"}),
    );
    call_round_trip::<GetLocalListVersionRequest>(json!({}), json!({"listVersion": 3}));
    call_round_trip::<ReserveNowRequest>(
        json!({"connectorId": 1, "expiryDate": "2026-03-01T13:00:00Z", "idTag": "04E91C5A", "parentIdTag": "FLEET1", "reservationId": 9}),
        json!({"status": "Occupied"}),
    );
    call_round_trip::<CancelReservationRequest>(json!({"reservationId": 9}), json!({"status": "Accepted"}));
    call_round_trip::<SetChargingProfileRequest>(
        json!({"connectorId": 1, "csChargingProfiles": profile()}),
        json!({"status": "NotSupported"}),
    );
    call_round_trip::<ClearChargingProfileRequest>(
        json!({"id": 1, "connectorId": 1, "chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 0}),
        json!({"status": "Unknown"}),
    );
    call_round_trip::<GetCompositeScheduleRequest>(
        json!({"connectorId": 1, "duration": 86400, "chargingRateUnit": "W"}),
        json!({"status": "Accepted", "connectorId": 1, "scheduleStart": "2026-03-01T12:00:00Z",
               "chargingSchedule": {"chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 11000.0}]}}),
    );
    call_round_trip::<DataTransferRequest>(json!({"vendorId": "com.vendorx"}), json!({"status": "UnknownVendorId"}));
}

#[test]
fn given_answers_to_charge_point_calls_then_each_matches_its_schema() {
    round_trip::<BootNotificationResponse>(
        json!({"status": "Accepted", "currentTime": "2026-03-01T12:00:00Z", "interval": 300}),
    );
    round_trip::<HeartbeatResponse>(json!({"currentTime": "2026-03-01T12:00:00Z"}));
    round_trip::<StatusNotificationResponse>(json!({}));
    round_trip::<AuthorizeResponse>(json!({"idTagInfo": {"status": "Expired", "expiryDate": "2026-01-01T00:00:00Z"}}));
    round_trip::<StartTransactionResponse>(json!({"idTagInfo": {"status": "Accepted"}, "transactionId": 42}));
    round_trip::<StopTransactionResponse>(json!({"idTagInfo": {"status": "Accepted"}}));
    round_trip::<StopTransactionResponse>(json!({}));
    round_trip::<MeterValuesResponse>(json!({}));
    round_trip::<DataTransferResponse>(json!({"status": "Accepted", "data": "ok"}));
    round_trip::<DiagnosticsStatusNotificationResponse>(json!({}));
    round_trip::<FirmwareStatusNotificationResponse>(json!({}));
}

#[test]
fn given_payloads_breaking_the_schema_then_the_callerror_code_and_field_per_rule() {
    use ErrorCode::*;
    let cases: &[(&str, Value, ErrorCode, &str)] = &[
        ("Heartbeat", json!({"extra": 1}), FormationViolation, "extra"),
        ("BootNotification", json!({"chargePointVendor": "V"}), OccurenceConstraintViolation, "chargePointModel"),
        (
            "BootNotification",
            json!({"chargePointVendor": "V".repeat(21), "chargePointModel": "M"}),
            TypeConstraintViolation,
            "chargePointVendor",
        ),
        (
            "BootNotification",
            json!({"chargePointVendor": "V", "chargePointModel": "M", "firmwareVersion": "f".repeat(51)}),
            TypeConstraintViolation,
            "firmwareVersion",
        ),
        (
            "StatusNotification",
            json!({"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}),
            PropertyConstraintViolation,
            "status",
        ),
        (
            "StatusNotification",
            json!({"connectorId": -1, "errorCode": "NoError", "status": "Available"}),
            PropertyConstraintViolation,
            "connectorId",
        ),
        (
            "StatusNotification",
            json!({"connectorId": 1, "errorCode": "NoError", "status": "Available", "vendorId": "v".repeat(256)}),
            TypeConstraintViolation,
            "vendorId",
        ),
        ("Authorize", json!({"idTag": 1234}), TypeConstraintViolation, "idTag"),
        ("Authorize", json!({"idTag": "123456789012345678901"}), TypeConstraintViolation, "idTag"),
        (
            "StartTransaction",
            json!({"connectorId": "1", "idTag": "T", "meterStart": 0, "timestamp": "2026-03-01T12:00:00Z"}),
            TypeConstraintViolation,
            "connectorId",
        ),
        (
            "StartTransaction",
            json!({"connectorId": 1, "idTag": "T", "meterStart": 0.5, "timestamp": "2026-03-01T12:00:00Z"}),
            TypeConstraintViolation,
            "meterStart",
        ),
        (
            "StartTransaction",
            json!({"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": "2026-03-01 12:00"}),
            TypeConstraintViolation,
            "timestamp",
        ),
        (
            "StopTransaction",
            json!({"meterStop": 1, "timestamp": "2026-03-01T12:00:00Z"}),
            OccurenceConstraintViolation,
            "transactionId",
        ),
        (
            "StopTransaction",
            json!({"meterStop": 1, "timestamp": "2026-03-01T12:00:00Z", "transactionId": 1, "reason": "Bored"}),
            PropertyConstraintViolation,
            "reason",
        ),
        (
            "StopTransaction",
            json!({"meterStop": 1, "timestamp": "2026-03-01T12:00:00Z", "transactionId": 1, "transactionData": [{"timestamp": "2026-03-01T12:00:00Z", "sampledValue": [{"value": "1", "unit": "MWh"}]}]}),
            PropertyConstraintViolation,
            "transactionData[0].sampledValue[0].unit",
        ),
        ("MeterValues", json!({"connectorId": 1, "meterValue": []}), OccurenceConstraintViolation, "meterValue"),
        (
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2026-03-01T12:00:00Z", "sampledValue": []}]}),
            OccurenceConstraintViolation,
            "meterValue[0].sampledValue",
        ),
        (
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2026-03-01T12:00:00Z", "sampledValue": [{"value": 12}]}]}),
            TypeConstraintViolation,
            "meterValue[0].sampledValue[0].value",
        ),
        (
            "MeterValues",
            json!({"connectorId": 1, "meterValue": [{"timestamp": "2026-03-01T12:00:00Z", "sampledValue": [{"value": "1", "phase": "L4"}]}]}),
            PropertyConstraintViolation,
            "meterValue[0].sampledValue[0].phase",
        ),
        (
            "MeterValues",
            json!({"connectorId": 1, "transactionId": 4_294_967_296i64, "meterValue": []}),
            TypeConstraintViolation,
            "transactionId",
        ),
        ("DataTransfer", json!({"messageId": "x"}), OccurenceConstraintViolation, "vendorId"),
        ("DiagnosticsStatusNotification", json!({"status": "Done"}), PropertyConstraintViolation, "status"),
        ("FirmwareStatusNotification", json!({}), OccurenceConstraintViolation, "status"),
        ("FirmwareStatusNotification", json!([]), FormationViolation, ""),
        ("SignCertificate", json!({}), NotImplemented, ""),
    ];
    for (action, payload, code, field) in cases {
        let e = ChargePointCall::parse(action, payload).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (*code, *field), "{action} {payload}");
        let answer = Frame::violation("m1", &e).to_text();
        assert!(answer.contains(code.as_str()), "{answer}");
        assert!(answer.contains(field), "{answer}");
    }
}

#[test]
fn given_a_charge_point_sending_a_decimal_not_multiple_of_a_tenth_in_a_profile_then_property_violation() {
    let mut p = profile();
    p["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] = json!(16.05);
    let e = SetChargingProfileRequest::from_payload(&json!({"connectorId": 1, "csChargingProfiles": p})).unwrap_err();
    assert_eq!(e.code, ErrorCode::PropertyConstraintViolation);
    assert_eq!(e.field, "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit");
}

proptest! {
    #[test]
    fn any_json_payload_for_any_charge_point_action_never_panics(
        action in prop::sample::select(ChargePointCall::ACTIONS.to_vec()),
        payload in crate::frame::tests::json_value(4),
    ) {
        let _ = ChargePointCall::parse(action, &payload);
    }
}
