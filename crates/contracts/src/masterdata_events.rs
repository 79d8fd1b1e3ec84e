//! Events about stations, devices and point mappings.

use crate::IntegrationEvent;
use mgc_kernel::{DeviceId, StationId};
use serde::{Deserialize, Serialize};

/// A station was created or its description changed by provisioning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationProvisioned {
    /// Station.
    pub station_id: StationId,
    /// Caller's code.
    pub code: String,
    /// IANA time zone.
    pub time_zone: String,
    /// True when the station did not exist before.
    pub created: bool,
}

impl IntegrationEvent for StationProvisioned {
    const TYPE: &'static str = "masterdata.station_provisioned";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("station", self.station_id.to_string())
    }
}

/// A device was added to a station or its description changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceProvisioned {
    /// Device.
    pub device_id: DeviceId,
    /// Its station.
    pub station_id: StationId,
    /// Name (what ThingsBoard calls it).
    pub name: String,
    /// Kind.
    pub kind: String,
    /// True when the device did not exist before.
    pub created: bool,
}

impl IntegrationEvent for DeviceProvisioned {
    const TYPE: &'static str = "masterdata.device_provisioned";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("device", self.device_id.to_string())
    }
}

/// The mapping rules of a scope (`kind:<kind>` or `device:<id>`) changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingsChanged {
    /// Scope of the rules.
    pub scope: String,
    /// Raw keys whose rule was added, changed or removed.
    pub raw_keys: Vec<String>,
}

impl IntegrationEvent for MappingsChanged {
    const TYPE: &'static str = "masterdata.mappings_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("mapping_scope", self.scope.clone())
    }
}

/// A device was removed from masterdata (its telemetry history stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRemoved {
    /// Device.
    pub device_id: DeviceId,
    /// Station it belonged to.
    pub station_id: StationId,
    /// Its name (points sent under it are quarantined from now on).
    pub name: String,
}

impl IntegrationEvent for DeviceRemoved {
    const TYPE: &'static str = "masterdata.device_removed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("device", self.device_id.to_string())
    }
}

/// A station without devices was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRemoved {
    /// Station.
    pub station_id: StationId,
    /// Its code.
    pub code: String,
}

impl IntegrationEvent for StationRemoved {
    const TYPE: &'static str = "masterdata.station_removed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("station", self.station_id.to_string())
    }
}
