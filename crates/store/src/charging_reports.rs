//! Reports of charge points (DataTransfer, diagnostics and firmware status) on the unit of work.

use crate::rows::db_err;
use crate::StoreTx;
use async_trait::async_trait;
use mgc_charging::{DataTransferDecision, DeviceReport, DeviceReportRecord, DeviceReportRepository};
use mgc_kernel::RepoError;

#[async_trait]
impl DeviceReportRepository for StoreTx {
    async fn record_device_report(&mut self, r: &DeviceReportRecord) -> Result<(), RepoError> {
        let (vendor_id, message_id, data, status) = match &r.report {
            DeviceReport::DataTransfer { vendor_id, message_id, data } => {
                (Some(vendor_id.as_str()), message_id.as_deref(), data.as_deref(), None)
            }
            DeviceReport::DiagnosticsStatus(s) | DeviceReport::FirmwareStatus(s) => {
                (None, None, None, Some(s.as_str()))
            }
        };
        let answer = r.decision.map(|d| match d {
            DataTransferDecision::Accepted => "Accepted",
            DataTransferDecision::UnknownVendorId => "UnknownVendorId",
        });
        let sql = "INSERT INTO ocpp_device_reports (tenant_id, charge_point_id, kind, vendor_id, message_id, data,
            data_truncated, status, answer, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on_tx!(self, c => sqlx::query(sql)
            .bind(r.tenant.as_str()).bind(r.charge_point_id.as_uuid()).bind(r.report.kind()).bind(vendor_id)
            .bind(message_id).bind(data).bind(r.data_truncated).bind(status).bind(answer).bind(r.received_at)
            .execute(&mut *c).await.map_err(db_err).map(|_| ()))
    }
}
