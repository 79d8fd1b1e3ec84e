//! One validated charge point call → the charging application service → the answer's payload.

use crate::incoming::ChargePointCall;
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
use mgc_charging::{self as charging, ChargingError, ChargingSettings, ChargingUnits, OcppIdentity};
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

/// Runs `call` of `caller` received at `now` through its application service (one unit of
/// work each) and returns the CALLRESULT payload, or the violation to answer as a CALLERROR.
pub async fn handle_call<U: ChargingUnits>(
    units: &U,
    settings: &ChargingSettings,
    caller: &Caller,
    call: ChargePointCall,
    now: DateTime<Utc>,
) -> Result<Value, Violation> {
    let (t, id) = (&caller.tenant, &caller.identity);
    let begin = || async { units.begin_charging_tx().await.map_err(storage) };
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
            let outcome =
                charging::start_transaction(begin().await?, t, id, start_request(&req)?, now).await.map_err(refusal)?;
            start_response(&outcome).to_payload()
        }
        ChargePointCall::StopTransaction(req) => {
            let outcome =
                charging::stop_transaction(begin().await?, t, id, stop_request(&req)?, now).await.map_err(refusal)?;
            stop_response(&outcome).to_payload()
        }
        ChargePointCall::MeterValues(req) => {
            charging::meter_values(begin().await?, t, id, meter_values_input(&req)?, settings, now)
                .await
                .map_err(refusal)?;
            MeterValuesResponse {}.to_payload()
        }
        // Not handled by a context yet: answered as the spec allows, nothing stored.
        ChargePointCall::DataTransfer(_) => {
            DataTransferResponse { status: crate::enums::DataTransferStatus::UnknownVendorId, data: None }.to_payload()
        }
        ChargePointCall::DiagnosticsStatusNotification(_) => DiagnosticsStatusNotificationResponse {}.to_payload(),
        ChargePointCall::FirmwareStatusNotification(_) => FirmwareStatusNotificationResponse {}.to_payload(),
    };
    Ok(payload)
}
