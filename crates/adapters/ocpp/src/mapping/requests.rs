//! Validated charge point requests → inputs of the charging application services.

use super::enum_tables::{connector_error_code, connector_status, stop_reason};
use super::samples::meter_sample;
use crate::messages::core::{BootNotificationRequest, StatusNotificationRequest};
use crate::messages::transaction::{MeterValuesRequest, StartTransactionRequest, StopTransactionRequest};
use crate::messages::types::MeterValue;
use crate::schema::Violation;
use crate::ErrorCode;
use mgc_charging::{
    BootInfo, IdToken, MeterSample, MeterValuesInput, StartRequest, StatusReport, StopRequest, TransactionId,
};
use mgc_kernel::Wh;

/// The boot data of a BootNotification (the charge box serial stands in for a missing serial).
pub fn boot_info(req: &BootNotificationRequest) -> BootInfo {
    BootInfo {
        vendor: req.charge_point_vendor.clone(),
        model: req.charge_point_model.clone(),
        serial_number: req.charge_point_serial_number.clone().or_else(|| req.charge_box_serial_number.clone()),
        firmware_version: req.firmware_version.clone(),
        meter_type: req.meter_type.clone(),
        meter_serial_number: req.meter_serial_number.clone(),
    }
}

/// An id tag field as a charging [`IdToken`] (CiString20 must also be printable ASCII).
pub fn id_token(text: &str, field: &str) -> Result<IdToken, Violation> {
    IdToken::parse(text).map_err(|e| Violation::new(ErrorCode::PropertyConstraintViolation, field, e.to_string()))
}

fn connector(n: i32, field: &str) -> Result<u32, Violation> {
    u32::try_from(n).map_err(|_| Violation::new(ErrorCode::PropertyConstraintViolation, field, "must be at least 0"))
}

/// The status report of a StatusNotification.
pub fn status_report(req: &StatusNotificationRequest) -> Result<StatusReport, Violation> {
    Ok(StatusReport {
        connector: connector(req.connector_id, "connectorId")?,
        status: connector_status(req.status),
        error_code: connector_error_code(req.error_code),
        info: req.info.clone(),
        vendor_id: req.vendor_id.clone(),
        vendor_error_code: req.vendor_error_code.clone(),
        timestamp: req.timestamp,
    })
}

/// The start of a StartTransaction.
pub fn start_request(req: &StartTransactionRequest) -> Result<StartRequest, Violation> {
    Ok(StartRequest {
        connector: connector(req.connector_id, "connectorId")?,
        id_tag: id_token(&req.id_tag, "idTag")?,
        meter_start: Wh(req.meter_start),
        started_at: req.timestamp,
        reservation_id: req.reservation_id,
    })
}

/// The stop of a StopTransaction, with its transaction data converted.
pub fn stop_request(req: &StopTransactionRequest) -> Result<StopRequest, Violation> {
    let id_tag = req.id_tag.as_deref().map(|t| id_token(t, "idTag")).transpose()?;
    let transaction_data = samples(&req.transaction_data, "transactionData")?;
    Ok(StopRequest {
        transaction_id: TransactionId(req.transaction_id),
        meter_stop: Wh(req.meter_stop),
        stopped_at: req.timestamp,
        reason: req.reason.map(stop_reason),
        id_tag,
        transaction_data,
    })
}

/// The samples of a MeterValues.
pub fn meter_values_input(req: &MeterValuesRequest) -> Result<MeterValuesInput, Violation> {
    Ok(MeterValuesInput {
        connector: connector(req.connector_id, "connectorId")?,
        transaction_id: req.transaction_id.map(TransactionId),
        samples: samples(&req.meter_value, "meterValue")?,
    })
}

/// The samples of the meter values of array `field`.
fn samples(values: &[MeterValue], field: &str) -> Result<Vec<MeterSample>, Violation> {
    values.iter().enumerate().map(|(i, mv)| meter_sample(mv, &format!("{field}[{i}]"))).collect()
}
