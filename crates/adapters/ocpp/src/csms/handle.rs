//! One validated charge point call → the charging application service → the answer's payload.
//!
//! Meter readings (MeterValues, the registers and transaction data of Start/StopTransaction)
//! first go through the ingest pipeline ([`crate::ingest`]) as telemetry of the charge point's
//! device, in a unit of work that commits before the charging service's own: the telemetry
//! write is an idempotent upsert, so when the charging write then fails the charge point's
//! retry writes nothing twice, and the CALLRESULT is sent only after both are durable.

use crate::enums::DataTransferStatus;
use crate::incoming::ChargePointCall;
use crate::ingest::{ingest_readings, register_reading, CsmsUnits, MeasuredOn};
use crate::mapping::{
    boot_info, boot_response, error_code_for, heartbeat_response, id_tag_info, id_token, meter_values_input,
    start_request, start_response, status_report, stop_request, stop_response,
};
use crate::messages::core::{AuthorizeResponse, DataTransferResponse, StatusNotificationResponse};
use crate::messages::firmware::{DiagnosticsStatusNotificationResponse, FirmwareStatusNotificationResponse};
use crate::messages::transaction::MeterValuesResponse;
use crate::messages::OcppPayload;
use crate::schema::Violation;
use crate::ErrorCode;
use chrono::{DateTime, Utc};
use mgc_charging::{
    self as charging, ChargingError, ChargingSettings, DataTransferDecision, DeviceReport, FrameRef, OcppIdentity,
    TimelineRepository, TransactionId,
};
use mgc_kernel::{RepoError, TenantId};
use serde_json::Value;

/// Who is calling: the tenant and identity the connection was authenticated as.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Caller {
    /// Owner tenant.
    pub tenant: TenantId,
    /// OCPP identity.
    pub identity: OcppIdentity,
}

/// A refusal of the charging context as the CALLERROR it is answered with (storage details are
/// logged, never sent to the charge point).
fn refusal(e: ChargingError) -> Violation {
    let code = error_code_for(&e);
    if code == ErrorCode::InternalError {
        tracing::error!(error = %e, "OCPP call failed inside the CSMS");
        return Violation::new(code, "", "internal error; retry later");
    }
    Violation::new(code, "", e.to_string())
}

fn storage(e: RepoError) -> Violation {
    refusal(ChargingError::from(e))
}

/// Runs `call` of `caller` received at `now` through the ingest pipeline (meter readings) and
/// its application service (one unit of work each) and returns the CALLRESULT payload, or the violation to answer as a CALLERROR.
/// The charging unit of work carries `frame` (the CALL's message id and action) onto the timeline.
pub async fn handle_call<U: CsmsUnits>(
    units: &U,
    settings: &ChargingSettings,
    caller: &Caller,
    call: ChargePointCall,
    frame: &FrameRef,
    now: DateTime<Utc>,
) -> Result<Value, Violation> {
    let (t, id) = (&caller.tenant, &caller.identity);
    let begin = || async {
        let mut tx = units.begin_charging_tx().await.map_err(storage)?;
        tx.set_frame(frame.clone());
        Ok::<_, Violation>(tx)
    };
    let payload = match call {
        ChargePointCall::BootNotification(req) => boot_response(
            &charging::boot(begin().await?, t, id, boot_info(&req), settings, now).await.map_err(refusal)?,
        )
        .to_payload(),
        ChargePointCall::Heartbeat(_) => {
            heartbeat_response(charging::heartbeat(begin().await?, t, id, now).await.map_err(refusal)?).to_payload()
        }
        ChargePointCall::StatusNotification(req) => {
            charging::status_notification(begin().await?, t, id, status_report(&req)?, now).await.map_err(refusal)?;
            StatusNotificationResponse {}.to_payload()
        }
        ChargePointCall::Authorize(req) => {
            let tag = id_token(&req.id_tag, "idTag")?;
            let info = charging::authorize(begin().await?, t, id, &tag, now).await.map_err(refusal)?;
            AuthorizeResponse { id_tag_info: id_tag_info(&info) }.to_payload()
        }
        ChargePointCall::StartTransaction(req) => {
            let start = start_request(&req)?;
            let reading = [register_reading(req.timestamp, req.meter_start)];
            ingest_readings(units, caller, MeasuredOn::Connector(start.connector), &reading, now)
                .await
                .map_err(storage)?;
            let outcome = charging::start_transaction(begin().await?, t, id, start, now).await.map_err(refusal)?;
            start_response(&outcome).to_payload()
        }
        ChargePointCall::StopTransaction(req) => {
            let stop = stop_request(&req)?;
            let mut readings = req.transaction_data.clone();
            readings.push(register_reading(req.timestamp, req.meter_stop));
            let on = MeasuredOn::Transaction(TransactionId(req.transaction_id));
            ingest_readings(units, caller, on, &readings, now).await.map_err(storage)?;
            let outcome = charging::stop_transaction(begin().await?, t, id, stop, now).await.map_err(refusal)?;
            stop_response(&outcome).to_payload()
        }
        ChargePointCall::MeterValues(req) => {
            let input = meter_values_input(&req)?;
            let on = MeasuredOn::Connector(input.connector);
            ingest_readings(units, caller, on, &req.meter_value, now).await.map_err(storage)?;
            charging::meter_values(begin().await?, t, id, input, settings, now).await.map_err(refusal)?;
            MeterValuesResponse {}.to_payload()
        }
        ChargePointCall::DataTransfer(req) => {
            let report =
                DeviceReport::DataTransfer { vendor_id: req.vendor_id, message_id: req.message_id, data: req.data };
            let decision =
                charging::device_report(begin().await?, t, id, report, settings, now).await.map_err(refusal)?;
            let status = match decision {
                Some(DataTransferDecision::Accepted) => DataTransferStatus::Accepted,
                Some(DataTransferDecision::UnknownVendorId) | None => DataTransferStatus::UnknownVendorId,
            };
            DataTransferResponse { status, data: None }.to_payload()
        }
        ChargePointCall::DiagnosticsStatusNotification(req) => {
            let report = DeviceReport::DiagnosticsStatus(req.status.as_str().to_owned());
            charging::device_report(begin().await?, t, id, report, settings, now).await.map_err(refusal)?;
            DiagnosticsStatusNotificationResponse {}.to_payload()
        }
        ChargePointCall::FirmwareStatusNotification(req) => {
            let report = DeviceReport::FirmwareStatus(req.status.as_str().to_owned());
            charging::device_report(begin().await?, t, id, report, settings, now).await.map_err(refusal)?;
            FirmwareStatusNotificationResponse {}.to_payload()
        }
    };
    Ok(payload)
}
