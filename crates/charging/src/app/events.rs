//! Integration events built from the charging aggregates.

use crate::{ChargePoint, ChargingSession, ConnectorStatusEntry};
use chrono::{DateTime, Utc};
use mgc_contracts::{
    ChargePointConnectionChanged, ChargePointRegistered, ChargingSessionEnded, ChargingSessionStarted,
    ChargingSessionUpdated, ConnectorStatusChanged,
};

/// `ChargePointRegistered` for a boot.
pub fn registered(cp: &ChargePoint, first_boot: bool, at: DateTime<Utc>) -> ChargePointRegistered {
    let info = cp.boot_info.clone().unwrap_or_else(|| crate::BootInfo {
        vendor: String::new(),
        model: String::new(),
        serial_number: None,
        firmware_version: None,
        meter_type: None,
        meter_serial_number: None,
    });
    ChargePointRegistered {
        charge_point_id: cp.id.as_uuid(),
        identity: cp.identity.to_string(),
        station_id: cp.station_id,
        device_id: cp.device_id,
        registration: cp.registration.as_str().to_owned(),
        vendor: info.vendor,
        model: info.model,
        serial_number: info.serial_number,
        firmware_version: info.firmware_version,
        first_boot,
        booted_at: at,
    }
}

/// `ChargePointConnectionChanged`.
pub fn connection_changed(
    cp: &ChargePoint,
    online: bool,
    reason: impl Into<String>,
    at: DateTime<Utc>,
) -> ChargePointConnectionChanged {
    ChargePointConnectionChanged {
        charge_point_id: cp.id.as_uuid(),
        identity: cp.identity.to_string(),
        station_id: cp.station_id,
        online,
        reason: reason.into(),
        at,
    }
}

/// `ConnectorStatusChanged` for a new history entry.
pub fn connector_changed(cp: &ChargePoint, connector: u32, entry: &ConnectorStatusEntry) -> ConnectorStatusChanged {
    ConnectorStatusChanged {
        charge_point_id: cp.id.as_uuid(),
        identity: cp.identity.to_string(),
        station_id: cp.station_id,
        connector,
        from: entry.from.map(|s| s.as_str().to_owned()),
        to: entry.status.as_str().to_owned(),
        error_code: entry.error_code.as_str().to_owned(),
        info: entry.info.clone(),
        vendor_error_code: entry.vendor_error_code.clone(),
        at: entry.at,
    }
}

/// `ChargingSessionStarted`.
pub fn session_started(s: &ChargingSession) -> ChargingSessionStarted {
    ChargingSessionStarted {
        session_id: s.id.as_uuid(),
        transaction_id: s.transaction_id.0,
        charge_point_id: s.charge_point_id.as_uuid(),
        station_id: s.station_id,
        connector: s.connector,
        id_tag: s.id_tag.to_string(),
        authorization: s.authorization.as_str().to_owned(),
        meter_start_wh: s.meter_start,
        started_at: s.started_at,
    }
}

/// `ChargingSessionUpdated` as of `at`.
pub fn session_updated(s: &ChargingSession, at: DateTime<Utc>) -> ChargingSessionUpdated {
    ChargingSessionUpdated {
        session_id: s.id.as_uuid(),
        transaction_id: s.transaction_id.0,
        charge_point_id: s.charge_point_id.as_uuid(),
        station_id: s.station_id,
        state: s.state.as_str().to_owned(),
        energy_wh: s.energy(),
        max_power_w: s.max_power_w,
        at,
    }
}

/// `ChargingSessionEnded` of an ended session (`at` stands in for a missing stop time).
pub fn session_ended(s: &ChargingSession, at: DateTime<Utc>) -> ChargingSessionEnded {
    ChargingSessionEnded {
        session_id: s.id.as_uuid(),
        transaction_id: s.transaction_id.0,
        charge_point_id: s.charge_point_id.as_uuid(),
        station_id: s.station_id,
        connector: s.connector,
        id_tag: s.id_tag.to_string(),
        state: s.state.as_str().to_owned(),
        energy_wh: s.energy(),
        duration_s: s.duration_s().unwrap_or(0),
        reason: s.stop_reason.map(|r| r.as_str()).unwrap_or("unknown").to_owned(),
        meter_start_wh: s.meter_start,
        meter_stop_wh: s.meter_stop.unwrap_or(s.last_register),
        meter_went_backwards: s.meter_went_backwards,
        max_power_w: s.max_power_w,
        started_at: s.started_at,
        stopped_at: s.stopped_at.unwrap_or(at),
    }
}
