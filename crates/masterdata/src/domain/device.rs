//! Devices: meters, inverters, batteries, chargers ... of a station.

use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Energy meter (grid connection point, sub-meter).
    Meter,
    /// Photovoltaic inverter.
    PvInverter,
    /// Battery (BMS).
    Battery,
    /// Power conversion system of a battery.
    Pcs,
    /// EV charger.
    Charger,
    /// Uninterruptible power supply.
    Ups,
    /// A load.
    Load,
    /// A gateway or management system other devices are read through (a collector source).
    Gateway,
    /// Anything else.
    Other,
}

impl DeviceKind {
    /// Every kind.
    pub const ALL: [DeviceKind; 9] = [
        DeviceKind::Meter,
        DeviceKind::PvInverter,
        DeviceKind::Battery,
        DeviceKind::Pcs,
        DeviceKind::Charger,
        DeviceKind::Ups,
        DeviceKind::Load,
        DeviceKind::Gateway,
        DeviceKind::Other,
    ];

    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Meter => "meter",
            DeviceKind::PvInverter => "pv_inverter",
            DeviceKind::Battery => "battery",
            DeviceKind::Pcs => "pcs",
            DeviceKind::Charger => "charger",
            DeviceKind::Ups => "ups",
            DeviceKind::Load => "load",
            DeviceKind::Gateway => "gateway",
            DeviceKind::Other => "other",
        }
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeviceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeviceKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<_> = DeviceKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown device kind '{s}': expected one of {}", names.join(", "))
        })
    }
}

/// A device of a station.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    /// Id.
    pub id: DeviceId,
    /// Owner.
    pub tenant: TenantId,
    /// Station it belongs to.
    pub station_id: StationId,
    /// What it is.
    pub kind: DeviceKind,
    /// Name, unique in the tenant (ThingsBoard's device name).
    pub name: String,
    /// ThingsBoard device UUID, for RPC.
    pub tb_device_id: Option<String>,
    /// How it talks to us (`thingsboard` for now).
    pub protocol: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Device {
    /// True when the descriptive fields equal `other`'s (ids and times aside).
    pub fn same_content(&self, other: &Device) -> bool {
        self.station_id == other.station_id
            && self.kind == other.kind
            && self.name == other.name
            && self.tb_device_id == other.tb_device_id
            && self.protocol == other.protocol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_kind_names_when_parsed_then_round_trip_and_unknown_lists_choices() {
        for k in DeviceKind::ALL {
            assert_eq!(k.as_str().parse::<DeviceKind>().unwrap(), k);
        }
        let err = "inverter".parse::<DeviceKind>().unwrap_err();
        assert!(err.contains("pv_inverter") && err.contains("'inverter'"));
    }
}
