//! Schema-only request bodies of the masterdata edits: the OpenAPI statement of what
//! `mgc_masterdata::StationPatch` and `DevicePatch` accept (the handlers deserialize those types;
//! these only describe them, so they must follow them field by field).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// A WGS-84 position.
#[derive(Deserialize, ToSchema)]
pub struct GeoPointBody {
    /// Degrees north, -90..=90.
    #[schema(minimum = -90.0, maximum = 90.0)]
    latitude: f64,
    /// Degrees east, -180..=180.
    #[schema(minimum = -180.0, maximum = 180.0)]
    longitude: f64,
}

/// What a device is (`mgc_masterdata::DeviceKind`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKindName {
    /// Grid or sub meter.
    Meter,
    /// PV inverter.
    PvInverter,
    /// Battery.
    Battery,
    /// Power conversion system.
    Pcs,
    /// EV charger.
    Charger,
    /// UPS.
    Ups,
    /// A load.
    Load,
    /// A gateway or management system other devices are read through (a collector source).
    Gateway,
    /// Anything else.
    Other,
}

/// Body of `PATCH /api/v1/stations/{id}`: the fields to change; `null` clears an optional one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationPatchBody {
    /// New code, unique in the tenant (1..=100 characters).
    #[schema(max_length = 100, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    code: Option<String>,
    /// New display name (1..=200 characters).
    #[schema(max_length = 200, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    name: Option<String>,
    /// New IANA time zone, e.g. `Asia/Shanghai` (refused once the station has statistics).
    #[schema(value_type = Option<crate::schema_enums::TimeZoneName>)]
    time_zone: Option<String>,
    /// New location, or null to clear it.
    location: Option<GeoPointBody>,
    /// New capacity in kW (non-negative), or null to clear it.
    #[schema(minimum = 0.0)]
    capacity_kw: Option<f64>,
    /// New ThingsBoard asset id, or null to clear it.
    #[schema(pattern = "^[^\\u0000]*$")]
    tb_asset_id: Option<String>,
}

/// Body of `PATCH /api/v1/devices/{id}`: the fields to change; `null` clears `tb_device_id`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DevicePatchBody {
    /// New name, unique in the tenant (1..=200 characters).
    #[schema(max_length = 200, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    name: Option<String>,
    /// New kind.
    kind: Option<DeviceKindName>,
    /// Station (of the same tenant) to move the device to.
    #[schema(format = Uuid)]
    station_id: Option<String>,
    /// New ThingsBoard device id, or null to clear it.
    #[schema(pattern = "^[^\\u0000]*$")]
    tb_device_id: Option<String>,
    /// New protocol (1..=50 characters).
    #[schema(max_length = 50, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    protocol: Option<String>,
}
