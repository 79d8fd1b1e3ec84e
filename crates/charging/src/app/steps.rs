//! Steps only an adapter sees, recorded on the timeline in their own unit of work: the answer of
//! a pile to a start command, a stop asked of a charge point, and a pile's settlement upload
//! (kept as a device report, with an `energy_mismatch` anomaly when its figures disagree).

use crate::app::arrival::known;
use crate::app::device_reports::record;
use crate::app::trail;
use crate::{
    ChargingError, ChargingSettings, ChargingTx, DeviceReport, OcppIdentity, TimelineEvent, TimelineKind, TransactionId,
};
use chrono::{DateTime, Utc};
use mgc_contracts::ChargingSettlementUploaded;
use mgc_eventing::emit;
use mgc_kernel::TenantId;
use serde_json::{json, Value};

/// Records the charge point's answer to a start of `transaction` (`start_accepted` or
/// `start_refused`, with `details`), and commits.
pub async fn start_answered<T: ChargingTx>(
    tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    transaction: TransactionId,
    accepted: bool,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let kind = if accepted { TimelineKind::StartAccepted } else { TimelineKind::StartRefused };
    session_step(tx, tenant, identity, transaction, kind, details, now).await
}

/// Records that a stop of `transaction` was asked of the charge point (`details`: who and how),
/// and commits.
pub async fn stop_requested<T: ChargingTx>(
    tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    transaction: TransactionId,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    session_step(tx, tenant, identity, transaction, TimelineKind::StopRequested, details, now).await
}

async fn session_step<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    transaction: TransactionId,
    kind: TimelineKind,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let cp = known(&mut tx, tenant, identity).await?;
    let session = tx
        .session_by_transaction(tenant, transaction)
        .await?
        .filter(|s| s.charge_point_id == cp.id)
        .ok_or(ChargingError::UnknownTransaction(transaction))?;
    let mut details = details;
    if let Some(map) = details.as_object_mut() {
        map.insert("transaction_id".into(), json!(transaction.0));
    }
    trail::of_session(&mut tx, &session, kind, details, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A pile's settlement record as the charging context keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct SettlementUpload {
    /// The session it settles, when its order named one of ours.
    pub transaction_id: Option<TransactionId>,
    /// The connector (port) it was on.
    pub connector: u32,
    /// The pile's and the computed figures (kept as the report's data and the event's details).
    pub figures: Value,
    /// What disagrees, when the pile's figures disagree with the computed ones.
    pub mismatch: Option<Value>,
}

/// Keeps the settlement as a device report (vendor `ap3000`, message `settlement`) and records
/// `settlement_uploaded` (and `energy_mismatch` when flagged) on the session's timeline, or on
/// the charge point's when no session matches; commits.
pub async fn settlement_uploaded<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    upload: SettlementUpload,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let report = DeviceReport::DataTransfer {
        vendor_id: "ap3000".into(),
        message_id: Some("settlement".into()),
        data: Some(upload.figures.to_string()),
    };
    let (cp, _) = record(&mut tx, tenant, identity, report, settings, now).await?;
    let session = match upload.transaction_id {
        Some(t) => tx.session_by_transaction(tenant, t).await?.filter(|s| s.charge_point_id == cp.id),
        None => None,
    };
    let event = |kind, details| match &session {
        Some(s) => TimelineEvent::of_session(s, kind, now, details),
        None => TimelineEvent::of_charge_point(&cp, kind, now, details).on_connector(upload.connector),
    };
    trail::append(&mut tx, event(TimelineKind::SettlementUploaded, upload.figures.clone())).await?;
    let uploaded = ChargingSettlementUploaded {
        charge_point_id: cp.id.as_uuid(),
        identity: cp.identity.to_string(),
        station_id: cp.station_id,
        connector: session.as_ref().map_or(upload.connector, |s| s.connector),
        session_id: session.as_ref().map(|s| s.id.as_uuid()),
        figures: upload.figures.clone(),
        mismatch: upload.mismatch.is_some(),
        at: now,
    };
    if let Some(mismatch) = upload.mismatch {
        trail::append(&mut tx, event(TimelineKind::EnergyMismatch, mismatch)).await?;
    }
    emit(&mut tx, tenant, &uploaded, now).await?;
    tx.commit().await?;
    Ok(())
}
