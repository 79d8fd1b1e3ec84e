//! Outcomes of the charging application services → responses, and refusals → CALLERROR codes.

use super::enum_tables::{authorization_status, registration_status};
use crate::messages::core::{BootNotificationResponse, HeartbeatResponse};
use crate::messages::transaction::{StartTransactionResponse, StopTransactionResponse};
use crate::messages::types::IdTagInfo;
use crate::ErrorCode;
use chrono::{DateTime, Utc};
use mgc_charging::{self as charging, BootDecision, ChargingError, StartOutcome, StopOutcome};

/// The wire IdTagInfo of a decision.
pub fn id_tag_info(info: &charging::IdTagInfo) -> IdTagInfo {
    IdTagInfo {
        expiry_date: info.expires_at,
        parent_id_tag: info.parent.as_ref().map(|p| p.as_str().to_owned()),
        status: authorization_status(info.status),
    }
}

/// BootNotification.conf of a boot decision.
pub fn boot_response(d: &BootDecision) -> BootNotificationResponse {
    BootNotificationResponse {
        status: registration_status(d.status),
        current_time: d.current_time,
        interval: i32::try_from(d.interval_s).unwrap_or(i32::MAX),
    }
}

/// Heartbeat.conf.
pub fn heartbeat_response(now: DateTime<Utc>) -> HeartbeatResponse {
    HeartbeatResponse { current_time: now }
}

/// StartTransaction.conf of a start.
pub fn start_response(o: &StartOutcome) -> StartTransactionResponse {
    StartTransactionResponse { id_tag_info: id_tag_info(&o.id_tag_info), transaction_id: o.transaction_id.0 }
}

/// StopTransaction.conf of a stop (every stop is answered; an unmatched one was recorded).
pub fn stop_response(o: &StopOutcome) -> StopTransactionResponse {
    StopTransactionResponse { id_tag_info: o.id_tag_info.as_ref().map(id_tag_info) }
}

/// The CALLERROR code answering a call the charging context refused.
pub fn error_code_for(e: &ChargingError) -> ErrorCode {
    match e {
        ChargingError::Invalid { .. } | ChargingError::UnknownTransaction(_) | ChargingError::SessionEnded(_) => {
            ErrorCode::PropertyConstraintViolation
        }
        ChargingError::UnknownChargePoint(_) | ChargingError::NotAccepted { .. } => ErrorCode::SecurityError,
        ChargingError::IllegalTransition { .. } | ChargingError::Exhausted(_) | ChargingError::Repo(_) => {
            ErrorCode::InternalError
        }
    }
}
