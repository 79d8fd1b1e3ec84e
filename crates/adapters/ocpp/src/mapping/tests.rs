//! Wire messages → charging inputs and outcomes → answers.

use super::*;
use crate::messages::transaction::{MeterValuesRequest, StartTransactionRequest, StopTransactionRequest};
use crate::messages::OcppPayload;
use crate::ErrorCode;
use chrono::{TimeZone, Utc};
use mgc_charging::{
    AuthorizationStatus, ChargingError, ConnectorStatus, IdTagInfo, OcppIdentity, RegistrationStatus, StopReason,
    TransactionId,
};
use mgc_kernel::Wh;
use serde_json::{json, Value};

fn meter_values(sampled: Value) -> MeterValuesRequest {
    let payload = json!({"connectorId": 1, "transactionId": 42,
                         "meterValue": [{"timestamp": "2026-03-01T12:30:00Z", "sampledValue": sampled}]});
    MeterValuesRequest::from_payload(&payload).unwrap()
}

#[test]
fn given_total_and_phase_values_when_mapped_then_total_register_power_and_soc_in_integer_units() {
    let req = meter_values(json!([
        {"value": "1236.5004", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
        {"value": "400", "measurand": "Energy.Active.Import.Register", "phase": "L1", "unit": "Wh"},
        {"value": "7.4", "measurand": "Power.Active.Import", "unit": "kW"},
        {"value": "54.6", "measurand": "SoC", "location": "EV", "unit": "Percent"},
        {"value": "231.2", "measurand": "Voltage", "phase": "L1-N", "unit": "V"}
    ]));
    let input = meter_values_input(&req).unwrap();
    assert_eq!((input.connector, input.transaction_id), (1, Some(TransactionId(42))));
    let s = &input.samples[0];
    assert_eq!(s.at, Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 0).unwrap());
    assert_eq!((s.energy_register, s.power_w, s.soc_percent), (Some(Wh(1_236_500)), Some(7400), Some(55)));
}

#[test]
fn given_only_per_phase_power_and_a_default_measurand_register_when_mapped_then_phases_summed() {
    let req = meter_values(json!([
        {"value": "1000"},
        {"value": "3.6", "measurand": "Power.Active.Import", "phase": "L1", "unit": "kW"},
        {"value": "3.7", "measurand": "Power.Active.Import", "phase": "L2", "unit": "kW"},
        {"value": "3.7", "measurand": "Power.Active.Import", "phase": "L3", "unit": "kW"},
        {"value": "0.1", "measurand": "Power.Active.Import", "phase": "N", "unit": "kW"}
    ]));
    let s = &meter_values_input(&req).unwrap().samples[0];
    assert_eq!((s.energy_register, s.power_w, s.soc_percent), (Some(Wh(1000)), Some(11_000), None));
}

#[test]
fn given_outlet_and_inlet_registers_or_signed_data_when_mapped_then_outlet_raw_value_wins() {
    let req = meter_values(json!([
        {"value": "AB12CD", "format": "SignedData"},
        {"value": "2000", "location": "Inlet"},
        {"value": "1990", "location": "Outlet"}
    ]));
    assert_eq!(meter_values_input(&req).unwrap().samples[0].energy_register, Some(Wh(1990)));
    let inlet_only = meter_values(json!([{"value": "2000", "location": "Inlet"}]));
    assert_eq!(meter_values_input(&inlet_only).unwrap().samples[0].energy_register, Some(Wh(2000)));
}

#[test]
fn given_unconvertible_energy_value_when_mapped_then_property_violation_naming_the_value() {
    let req = meter_values(json!([{"value": "1,5", "unit": "kWh"}]));
    let e = meter_values_input(&req).unwrap_err();
    assert_eq!(e.code, ErrorCode::PropertyConstraintViolation);
    assert_eq!(e.field, "meterValue[0].sampledValue[0].value");
    let wrong_unit = meter_values(json!([{"value": "15", "unit": "A"}]));
    assert!(meter_values_input(&wrong_unit).unwrap_err().message.contains("not a unit of energy"));
}

#[test]
fn given_start_and_stop_when_mapped_then_domain_requests() {
    let start = StartTransactionRequest::from_payload(
        &json!({"connectorId": 2, "idTag": "04e91c5a", "meterStart": 1234567, "timestamp": "2026-03-01T12:00:00Z"}),
    )
    .unwrap();
    let s = start_request(&start).unwrap();
    assert_eq!((s.connector, s.id_tag.key(), s.meter_start), (2, "04E91C5A".to_owned(), Wh(1_234_567)));
    let stop = StopTransactionRequest::from_payload(&json!({
        "meterStop": 1240000, "timestamp": "2026-03-01T13:00:00Z", "transactionId": 42, "reason": "EVDisconnected",
        "transactionData": [{"timestamp": "2026-03-01T13:00:00Z", "sampledValue": [{"value": "1240", "unit": "kWh"}]}]}))
    .unwrap();
    let r = stop_request(&stop).unwrap();
    assert_eq!(
        (r.transaction_id, r.meter_stop, r.reason),
        (TransactionId(42), Wh(1_240_000), Some(StopReason::EvDisconnected))
    );
    assert_eq!(r.transaction_data[0].energy_register, Some(Wh(1_240_000)));
    assert_eq!(r.id_tag, None);
}

#[test]
fn given_id_tag_with_non_ascii_when_mapped_then_property_violation() {
    let start = StartTransactionRequest::from_payload(
        &json!({"connectorId": 1, "idTag": "tägé", "meterStart": 0, "timestamp": "2026-03-01T12:00:00Z"}),
    )
    .unwrap();
    let e = start_request(&start).unwrap_err();
    assert_eq!((e.code, e.field.as_str()), (ErrorCode::PropertyConstraintViolation, "idTag"));
}

#[test]
fn given_status_notification_when_mapped_then_connector_status_and_error_code() {
    let req = crate::messages::core::StatusNotificationRequest::from_payload(
        &json!({"connectorId": 1, "errorCode": "EVCommunicationError", "status": "SuspendedEVSE"}),
    )
    .unwrap();
    let r = status_report(&req).unwrap();
    assert_eq!(r.status, ConnectorStatus::SuspendedEvse);
    assert_eq!(r.error_code.as_str(), "ev_communication_error");
}

#[test]
fn given_decisions_when_answered_then_wire_responses_match_their_schemas() {
    let info = IdTagInfo { status: AuthorizationStatus::ConcurrentTx, expires_at: None, parent: None };
    let wire = id_tag_info(&info);
    assert_eq!(wire.status.as_str(), "ConcurrentTx");
    let decision = mgc_charging::BootDecision {
        charge_point_id: mgc_charging::ChargePointId::new(),
        status: RegistrationStatus::Pending,
        interval_s: 60,
        current_time: Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(),
        first_boot: true,
        closed_sessions: Vec::new(),
    };
    let boot = boot_response(&decision).to_payload();
    assert_eq!(boot, json!({"status": "Pending", "currentTime": "2026-03-01T12:00:00Z", "interval": 60}));
    assert!(crate::schema::validate(&boot, crate::messages::core::BootNotificationResponse::SCHEMA).is_ok());
}

#[test]
fn given_refusals_when_answered_then_callerror_codes() {
    let id = OcppIdentity::parse("CP1").unwrap();
    assert_eq!(error_code_for(&ChargingError::UnknownChargePoint(id.clone())), ErrorCode::SecurityError);
    let not_accepted = ChargingError::NotAccepted { identity: id, status: RegistrationStatus::Pending };
    assert_eq!(error_code_for(&not_accepted), ErrorCode::SecurityError);
    assert_eq!(error_code_for(&ChargingError::invalid("connector", "x")), ErrorCode::PropertyConstraintViolation);
    let storage = ChargingError::Repo(mgc_kernel::RepoError::Backend("down".into()));
    assert_eq!(error_code_for(&storage), ErrorCode::InternalError);
}
