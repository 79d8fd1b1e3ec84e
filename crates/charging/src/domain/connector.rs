//! A connector of a charge point: its OCPP 1.6 status, error code and status history.

use crate::domain::named::named_enum;
use crate::ChargePointId;
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::{Deserialize, Serialize};

named_enum! {
    /// OCPP 1.6 connector status (ChargePointStatus).
    pub enum ConnectorStatus {
        /// Free for a new user.
        Available => "available",
        /// A user presented a tag or plugged in; no energy yet.
        Preparing => "preparing",
        /// Contactor closed, energy may flow.
        Charging => "charging",
        /// The charge point suspends delivery (e.g. smart charging).
        SuspendedEvse => "suspended_evse",
        /// The vehicle does not take energy.
        SuspendedEv => "suspended_ev",
        /// Transaction stopped, connector not yet free.
        Finishing => "finishing",
        /// Reserved for an id tag.
        Reserved => "reserved",
        /// Not available for charging (inoperative).
        Unavailable => "unavailable",
        /// In error.
        Faulted => "faulted",
    }
}

named_enum! {
    /// OCPP 1.6 ChargePointErrorCode.
    pub enum ConnectorErrorCode {
        /// Locking the connector failed.
        ConnectorLockFailure => "connector_lock_failure",
        /// Communication with the vehicle failed.
        EvCommunicationError => "ev_communication_error",
        /// Ground fault circuit interrupter tripped.
        GroundFailure => "ground_failure",
        /// Temperature too high.
        HighTemperature => "high_temperature",
        /// Software or hardware error.
        InternalError => "internal_error",
        /// The local list and the CSMS disagree on a tag.
        LocalListConflict => "local_list_conflict",
        /// No error.
        NoError => "no_error",
        /// Another error (see vendor error code).
        OtherError => "other_error",
        /// Over-current protection tripped.
        OverCurrentFailure => "over_current_failure",
        /// Reading the meter failed.
        PowerMeterFailure => "power_meter_failure",
        /// The power switch failed.
        PowerSwitchFailure => "power_switch_failure",
        /// The id tag reader failed.
        ReaderFailure => "reader_failure",
        /// A reset could not be done.
        ResetFailure => "reset_failure",
        /// Voltage too low.
        UnderVoltage => "under_voltage",
        /// Voltage too high.
        OverVoltage => "over_voltage",
        /// Wireless signal too weak.
        WeakSignal => "weak_signal",
    }
}

/// One StatusNotification as the charging context sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// Connector number (0 = the charge point as a whole).
    pub connector: u32,
    /// New status.
    pub status: ConnectorStatus,
    /// Error code.
    pub error_code: ConnectorErrorCode,
    /// Free text.
    pub info: Option<String>,
    /// Vendor of the vendor error code.
    pub vendor_id: Option<String>,
    /// Vendor-specific error code.
    pub vendor_error_code: Option<String>,
    /// When the status took effect, by the charge point's clock.
    pub timestamp: Option<DateTime<Utc>>,
}

/// One recorded change of a connector's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorStatusEntry {
    /// Status before (none for the first report).
    pub from: Option<ConnectorStatus>,
    /// Status after.
    pub status: ConnectorStatus,
    /// Error code.
    pub error_code: ConnectorErrorCode,
    /// Free text.
    pub info: Option<String>,
    /// Vendor of the vendor error code.
    pub vendor_id: Option<String>,
    /// Vendor-specific error code.
    pub vendor_error_code: Option<String>,
    /// When the status took effect (the charge point's timestamp, or receipt time without one).
    pub at: DateTime<Utc>,
    /// When the report was received.
    pub received_at: DateTime<Utc>,
}

/// A connector of a charge point; created by its first status report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Connector {
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Its charge point.
    pub charge_point_id: ChargePointId,
    /// Number (0 = the charge point as a whole).
    pub number: u32,
    /// Current status.
    pub status: ConnectorStatus,
    /// Current error code.
    pub error_code: ConnectorErrorCode,
    /// Free text of the last report.
    pub info: Option<String>,
    /// Vendor of the vendor error code.
    pub vendor_id: Option<String>,
    /// Vendor-specific error code.
    pub vendor_error_code: Option<String>,
    /// When the current status took effect.
    pub status_at: DateTime<Utc>,
    /// Status changes as loaded by the repository (oldest first; the store may load only a recent tail).
    pub history: Vec<ConnectorStatusEntry>,
}

impl Connector {
    /// A connector created by its first report, with that report as first history entry.
    pub fn first_report(
        tenant: TenantId,
        charge_point_id: ChargePointId,
        report: &StatusReport,
        now: DateTime<Utc>,
    ) -> (Self, ConnectorStatusEntry) {
        let entry = entry_of(None, report, now);
        let connector = Self {
            tenant,
            charge_point_id,
            number: report.connector,
            status: report.status,
            error_code: report.error_code,
            info: report.info.clone(),
            vendor_id: report.vendor_id.clone(),
            vendor_error_code: report.vendor_error_code.clone(),
            status_at: entry.at,
            history: vec![entry.clone()],
        };
        (connector, entry)
    }

    /// Applies a report: a new entry when status or error code changed; none for a repeat, and
    /// none for a report timestamped before the current status (a late, out-of-order report).
    pub fn apply(&mut self, report: &StatusReport, now: DateTime<Utc>) -> Option<ConnectorStatusEntry> {
        let at = report.timestamp.unwrap_or(now);
        if at < self.status_at {
            return None;
        }
        if report.status == self.status && report.error_code == self.error_code {
            return None;
        }
        let entry = entry_of(Some(self.status), report, now);
        self.status = report.status;
        self.error_code = report.error_code;
        self.info = report.info.clone();
        self.vendor_id = report.vendor_id.clone();
        self.vendor_error_code = report.vendor_error_code.clone();
        self.status_at = entry.at;
        self.history.push(entry.clone());
        Some(entry)
    }
}

fn entry_of(from: Option<ConnectorStatus>, report: &StatusReport, now: DateTime<Utc>) -> ConnectorStatusEntry {
    ConnectorStatusEntry {
        from,
        status: report.status,
        error_code: report.error_code,
        info: report.info.clone(),
        vendor_id: report.vendor_id.clone(),
        vendor_error_code: report.vendor_error_code.clone(),
        at: report.timestamp.unwrap_or(now),
        received_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn report(status: ConnectorStatus, at: DateTime<Utc>) -> StatusReport {
        StatusReport {
            connector: 1,
            status,
            error_code: ConnectorErrorCode::NoError,
            info: None,
            vendor_id: None,
            vendor_error_code: None,
            timestamp: Some(at),
        }
    }

    fn connector() -> Connector {
        let tenant = TenantId::parse("acme").unwrap();
        Connector::first_report(tenant, ChargePointId::new(), &report(ConnectorStatus::Available, t0()), t0()).0
    }

    #[test]
    fn given_first_report_then_connector_has_it_as_status_and_history() {
        let c = connector();
        assert_eq!(c.status, ConnectorStatus::Available);
        assert_eq!(c.history.len(), 1);
        assert_eq!(c.history[0].from, None);
    }

    #[test]
    fn given_new_status_when_applied_then_entry_records_from_to_and_time() {
        let mut c = connector();
        let at = t0() + Duration::seconds(10);
        let e = c.apply(&report(ConnectorStatus::Preparing, at), at + Duration::seconds(1)).unwrap();
        assert_eq!((e.from, e.status, e.at), (Some(ConnectorStatus::Available), ConnectorStatus::Preparing, at));
        assert_eq!(e.received_at, at + Duration::seconds(1));
        assert_eq!(c.history.len(), 2);
    }

    #[test]
    fn given_repeat_or_late_report_when_applied_then_no_entry_and_status_kept() {
        let mut c = connector();
        assert!(c.apply(&report(ConnectorStatus::Available, t0() + Duration::seconds(5)), t0()).is_none());
        assert!(c.apply(&report(ConnectorStatus::Faulted, t0() - Duration::seconds(5)), t0()).is_none());
        assert_eq!(c.status, ConnectorStatus::Available);
    }

    #[test]
    fn given_same_status_with_new_error_code_when_applied_then_entry() {
        let mut c = connector();
        let mut r = report(ConnectorStatus::Available, t0());
        r.error_code = ConnectorErrorCode::WeakSignal;
        assert!(c.apply(&r, t0()).is_some());
        assert_eq!(c.error_code, ConnectorErrorCode::WeakSignal);
    }
}
