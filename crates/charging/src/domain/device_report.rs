//! What a charge point reports about itself besides charging: DataTransfer messages and the
//! progress of diagnostics uploads and firmware updates. Every report is kept (the data of a
//! DataTransfer bounded to [`MAX_REPORT_DATA_CHARS`]); the latest diagnostics and firmware
//! status are also kept on the charge point.

use crate::ChargePointId;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::Serialize;

/// Most characters of DataTransfer data kept (the rest is cut and the report flagged).
pub const MAX_REPORT_DATA_CHARS: usize = 4096;

/// One report as the charge point sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceReport {
    /// A vendor-specific DataTransfer.
    DataTransfer {
        /// Vendor (CiString255).
        vendor_id: String,
        /// Vendor's message id (CiString50).
        message_id: Option<String>,
        /// Free text.
        data: Option<String>,
    },
    /// DiagnosticsStatusNotification (OCPP status name, e.g. `Uploaded`).
    DiagnosticsStatus(String),
    /// FirmwareStatusNotification (OCPP status name, e.g. `Installed`).
    FirmwareStatus(String),
}

impl DeviceReport {
    /// Stable kind name: `data_transfer`, `diagnostics_status` or `firmware_status`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DataTransfer { .. } => "data_transfer",
            Self::DiagnosticsStatus(_) => "diagnostics_status",
            Self::FirmwareStatus(_) => "firmware_status",
        }
    }
}

/// The answer to a DataTransfer: the CSMS knows the vendor or not (the report is kept either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataTransferDecision {
    /// The vendor is one the CSMS is configured to talk to.
    Accepted,
    /// Any other vendor.
    UnknownVendorId,
}

/// A status with the time it was reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedStatus {
    /// OCPP status name.
    pub status: String,
    /// When it arrived.
    pub at: DateTime<Utc>,
}

/// A report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceReportRecord {
    /// Owner tenant.
    pub tenant: TenantId,
    /// The charge point that sent it.
    pub charge_point_id: ChargePointId,
    /// What it said; DataTransfer data already bounded.
    pub report: DeviceReport,
    /// The DataTransfer answer given (none for status notifications).
    pub decision: Option<DataTransferDecision>,
    /// True when DataTransfer data was cut to [`MAX_REPORT_DATA_CHARS`].
    pub data_truncated: bool,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

/// `data` cut to [`MAX_REPORT_DATA_CHARS`] characters; true when something was cut.
pub fn bounded(data: Option<String>) -> (Option<String>, bool) {
    match data {
        Some(d) if d.chars().count() > MAX_REPORT_DATA_CHARS => {
            (Some(d.chars().take(MAX_REPORT_DATA_CHARS).collect()), true)
        }
        other => (other, false),
    }
}

/// Accepted when `vendor_id` is one of `vendors` (compared case-insensitively, as CiStrings are).
pub fn decide(vendor_id: &str, vendors: &[String]) -> DataTransferDecision {
    if vendors.iter().any(|v| v.eq_ignore_ascii_case(vendor_id)) {
        DataTransferDecision::Accepted
    } else {
        DataTransferDecision::UnknownVendorId
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_vendor_list_when_deciding_then_listed_vendors_case_insensitively_accepted() {
        let vendors = vec!["com.acme".to_owned()];
        assert_eq!(decide("COM.ACME", &vendors), DataTransferDecision::Accepted);
        assert_eq!(decide("com.other", &vendors), DataTransferDecision::UnknownVendorId);
        assert_eq!(decide("com.acme", &[]), DataTransferDecision::UnknownVendorId);
    }

    #[test]
    fn given_long_data_when_bounded_then_cut_on_a_character_boundary_and_flagged() {
        let long = "é".repeat(MAX_REPORT_DATA_CHARS + 3);
        let (kept, cut) = bounded(Some(long));
        assert!(cut);
        assert_eq!(kept.map(|k| k.chars().count()), Some(MAX_REPORT_DATA_CHARS));
        assert_eq!(bounded(Some("x".into())), (Some("x".into()), false));
        assert_eq!(bounded(None), (None, false));
    }
}
