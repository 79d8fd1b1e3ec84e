//! DataTransfer, DiagnosticsStatusNotification and FirmwareStatusNotification: kept, the latest
//! diagnostics/firmware status put on the charge point, and a DataTransfer answered by vendor.

use crate::app::arrival::{arrive, Needs};
use crate::domain::device_report::{bounded, decide, DeviceReport, DeviceReportRecord};
use crate::{ChargePoint, ChargingError, ChargingSettings, ChargingTx, DataTransferDecision, OcppIdentity};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Records `report` of `identity` received at `now` and commits; the DataTransfer answer
/// (`Accepted` for a vendor in `settings.data_transfer_vendors`) or none for a status.
pub async fn device_report<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    report: DeviceReport,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<Option<DataTransferDecision>, ChargingError> {
    let (_, decision) = record(&mut tx, tenant, identity, report, settings, now).await?;
    tx.commit().await?;
    Ok(decision)
}

/// [`device_report`] without the commit: the charge point and the DataTransfer answer.
pub(crate) async fn record<T: ChargingTx>(
    tx: &mut T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    report: DeviceReport,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<(ChargePoint, Option<DataTransferDecision>), ChargingError> {
    let mut cp = arrive(tx, tenant, identity, Needs::Known, now).await?;
    let (report, decision, data_truncated) = match report {
        DeviceReport::DataTransfer { vendor_id, message_id, data } => {
            let decision = decide(&vendor_id, &settings.data_transfer_vendors);
            let (data, cut) = bounded(data);
            (DeviceReport::DataTransfer { vendor_id, message_id, data }, Some(decision), cut)
        }
        status => {
            cp.record_report_status(&status, now);
            tx.save_charge_point(&cp).await?;
            (status, None, false)
        }
    };
    let record = DeviceReportRecord {
        tenant: tenant.clone(),
        charge_point_id: cp.id,
        report,
        decision,
        data_truncated,
        received_at: now,
    };
    tx.record_device_report(&record).await?;
    Ok((cp, decision))
}
