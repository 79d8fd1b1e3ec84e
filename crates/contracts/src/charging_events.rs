//! Events about charge points, their connectors and charging sessions (OCPP charging context).

use crate::IntegrationEvent;
use chrono::{DateTime, Utc};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{DeviceId, StationId, Wh};
use serde::{Deserialize, Serialize};

/// A charge point booted: first registration or a refresh of its identity data and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargePointRegistered {
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its OCPP identity (last segment of its connection URL).
    pub identity: String,
    /// Station it belongs to, once an operator assigned one.
    pub station_id: Option<StationId>,
    /// Masterdata device it is, once an operator linked one.
    pub device_id: Option<DeviceId>,
    /// Registration status answered to the boot: `accepted`, `pending` or `rejected`.
    pub registration: String,
    /// Vendor from the BootNotification.
    pub vendor: String,
    /// Model from the BootNotification.
    pub model: String,
    /// Serial number, when the charge point sent one.
    pub serial_number: Option<String>,
    /// Firmware version, when the charge point sent one.
    pub firmware_version: Option<String>,
    /// True when the identity was not known before this boot.
    pub first_boot: bool,
    /// When the boot was received.
    pub booted_at: DateTime<Utc>,
}

impl IntegrationEvent for ChargePointRegistered {
    const TYPE: &'static str = "charging.charge_point_registered";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charge_point", self.charge_point_id.to_string())
    }
}

/// A charge point came online or went offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargePointConnectionChanged {
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its OCPP identity.
    pub identity: String,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// True when it is online now.
    pub online: bool,
    /// Why, in words (e.g. "no message for 660 s").
    pub reason: String,
    /// When the change was noticed.
    pub at: DateTime<Utc>,
}

impl IntegrationEvent for ChargePointConnectionChanged {
    const TYPE: &'static str = "charging.charge_point_connection_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charge_point", self.charge_point_id.to_string())
    }
}

/// A connector reported a new status or error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorStatusChanged {
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its OCPP identity.
    pub identity: String,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// Connector number (0 = the charge point as a whole).
    pub connector: u32,
    /// Status before (none for the first report), snake_case.
    pub from: Option<String>,
    /// Status now, snake_case (`available`, `charging`, `suspended_ev`, `faulted`, ...).
    pub to: String,
    /// Error code, snake_case (`no_error`, `ground_failure`, ...).
    pub error_code: String,
    /// Free text the charge point added.
    pub info: Option<String>,
    /// Vendor-specific error code.
    pub vendor_error_code: Option<String>,
    /// When the status took effect (the charge point's timestamp, or receipt time).
    pub at: DateTime<Utc>,
}

impl IntegrationEvent for ConnectorStatusChanged {
    const TYPE: &'static str = "charging.connector_status_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charge_point", self.charge_point_id.to_string())
    }
}

/// A charging session (OCPP transaction) started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargingSessionStarted {
    /// The session.
    pub session_id: Uuid,
    /// OCPP transaction id, unique per tenant.
    pub transaction_id: i32,
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// Connector number.
    pub connector: u32,
    /// Id tag that started it.
    pub id_tag: String,
    /// Authorization answered for the tag, snake_case (`accepted`, `invalid`, ...).
    pub authorization: String,
    /// Meter register at start.
    pub meter_start_wh: Wh,
    /// When it started (the charge point's timestamp).
    pub started_at: DateTime<Utc>,
}

impl IntegrationEvent for ChargingSessionStarted {
    const TYPE: &'static str = "charging.session_started";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charging_session", self.session_id.to_string())
    }
}

/// A running session changed state or has new meter values (throttled per session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargingSessionUpdated {
    /// The session.
    pub session_id: Uuid,
    /// OCPP transaction id.
    pub transaction_id: i32,
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// State now, snake_case (`starting`, `charging`, `suspended_ev`, ...).
    pub state: String,
    /// Energy so far (last register minus start, never negative).
    pub energy_wh: Wh,
    /// Highest active import power seen so far, in W.
    pub max_power_w: Option<i64>,
    /// As of when.
    pub at: DateTime<Utc>,
}

impl IntegrationEvent for ChargingSessionUpdated {
    const TYPE: &'static str = "charging.session_updated";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charging_session", self.session_id.to_string())
    }
}

/// A session ended (`completed`, or `failed` when refused, superseded or closed by a reboot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargingSessionEnded {
    /// The session.
    pub session_id: Uuid,
    /// OCPP transaction id.
    pub transaction_id: i32,
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// Connector number.
    pub connector: u32,
    /// Id tag that started it.
    pub id_tag: String,
    /// End state: `completed` or `failed`.
    pub state: String,
    /// Energy delivered: stop minus start register, never negative.
    pub energy_wh: Wh,
    /// Seconds from start to stop (0 when the clock of the charge point went backwards).
    pub duration_s: i64,
    /// Why it ended, snake_case (`local`, `ev_disconnected`, `closed_at_boot`, ...).
    pub reason: String,
    /// Meter register at start.
    pub meter_start_wh: Wh,
    /// Meter register at stop.
    pub meter_stop_wh: Wh,
    /// True when a register went below an earlier one: hold for review (energy is stop − start, floored at 0).
    pub meter_went_backwards: bool,
    /// Highest active import power seen, in W.
    pub max_power_w: Option<i64>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it stopped.
    pub stopped_at: DateTime<Utc>,
}

impl IntegrationEvent for ChargingSessionEnded {
    const TYPE: &'static str = "charging.session_ended";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("charging_session", self.session_id.to_string())
    }
}

/// A pile uploaded its settlement record of a charge (AP3000 0x03): its own figures next to the
/// computed ones, on the session it settles when one matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargingSettlementUploaded {
    /// The charge point.
    pub charge_point_id: Uuid,
    /// Its protocol identity.
    pub identity: String,
    /// Its station, when assigned.
    pub station_id: Option<StationId>,
    /// Connector (port) number.
    pub connector: u32,
    /// The session it settles, when one matches.
    pub session_id: Option<Uuid>,
    /// The pile's and the computed figures, as recorded.
    pub figures: serde_json::Value,
    /// True when the pile's figures disagree with the computed ones.
    pub mismatch: bool,
    /// When it was received.
    pub at: DateTime<Utc>,
}

impl IntegrationEvent for ChargingSettlementUploaded {
    const TYPE: &'static str = "charging.settlement_uploaded";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        match self.session_id {
            Some(s) => ("charging_session", s.to_string()),
            None => ("charge_point", self.charge_point_id.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventEnvelope;
    use chrono::TimeZone;
    use mgc_kernel::TenantId;

    #[test]
    fn given_session_ended_when_wrapped_then_decodes_back_on_the_session_aggregate() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ev = ChargingSessionEnded {
            session_id: Uuid::nil(),
            transaction_id: 7,
            charge_point_id: Uuid::nil(),
            station_id: None,
            connector: 1,
            id_tag: "TAG1".into(),
            state: "completed".into(),
            energy_wh: Wh(12_345),
            duration_s: 3600,
            reason: "local".into(),
            meter_start_wh: Wh(1000),
            meter_stop_wh: Wh(13_345),
            meter_went_backwards: false,
            max_power_w: Some(11_000),
            started_at: at,
            stopped_at: at,
        };
        let env = EventEnvelope::wrap(&TenantId::parse("acme").unwrap(), &ev, at).unwrap();
        assert_eq!(env.event_type, "charging.session_ended");
        assert_eq!(env.aggregate_type, "charging_session");
        assert_eq!(env.payload["energy_wh"], 12_345);
        assert_eq!(env.decode::<ChargingSessionEnded>().unwrap(), ev);
    }
}
