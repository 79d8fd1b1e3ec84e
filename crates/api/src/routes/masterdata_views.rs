//! Schema-only responses of masterdata: the OpenAPI statement of how `mgc_masterdata::Station`,
//! `Device`, `PointMapping`, `ProvisionOutcome`, the point catalogue's `PointDef` and telemetry's
//! `UnmappedKey` serialize (the handlers return those types; these only describe them, so they
//! must follow them field by field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use crate::routes::masterdata_schemas::{DeviceKindName, GeoPointBody};
use serde::Deserialize;
use utoipa::ToSchema;

/// A station (`mgc_masterdata::Station`).
#[derive(Deserialize, ToSchema)]
pub struct StationView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// The caller's stable key.
    code: String,
    /// Display name.
    name: String,
    /// IANA time zone.
    time_zone: String,
    /// Where it is.
    #[schema(required = true)]
    location: Option<GeoPointBody>,
    /// Rated capacity, kW.
    #[schema(required = true)]
    capacity_kw: Option<f64>,
    /// ThingsBoard asset id.
    #[schema(required = true)]
    tb_asset_id: Option<String>,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// A device (`mgc_masterdata::Device`).
#[derive(Deserialize, ToSchema)]
pub struct DeviceView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Station it belongs to.
    #[schema(format = Uuid)]
    station_id: String,
    /// What it is.
    kind: DeviceKindName,
    /// Name, unique in the tenant.
    name: String,
    /// ThingsBoard device id.
    #[schema(required = true)]
    tb_device_id: Option<String>,
    /// How it talks to us.
    protocol: String,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One raw key → point rule (`mgc_masterdata::PointMapping`): `value = raw * scale + offset`.
#[derive(Deserialize, ToSchema)]
pub struct PointMappingView {
    /// `kind:<kind>` or `device:<device id>`.
    #[schema(pattern = "^(kind|device):.+$")]
    scope: String,
    /// Key as the device sends it.
    raw_key: String,
    /// Catalogue point it becomes.
    point: String,
    /// Multiplier.
    scale: f64,
    /// Added after scaling.
    offset: f64,
    /// Unit of the raw value.
    #[schema(required = true)]
    unit: Option<String>,
    /// Bumped each time the rule changes.
    version: i64,
}

/// How a point's values relate over time (`mgc_contracts::PointNature`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PointNatureName {
    /// A sampled instantaneous value.
    Instantaneous,
    /// An ever-growing meter reading.
    Cumulative,
    /// A state or level.
    State,
}

/// One semantic point of the catalogue (`mgc_contracts::PointDef`).
#[derive(Deserialize, ToSchema)]
pub struct PointDefView {
    /// Stable name, e.g. `active_power_w`.
    name: String,
    /// Unit of its values (empty for codes).
    unit: String,
    /// How values relate over time.
    nature: PointNatureName,
    /// What it measures.
    description: String,
}

/// A raw key no mapping turns into a point (`mgc_telemetry::UnmappedKey`).
#[derive(Deserialize, ToSchema)]
pub struct UnmappedKeyView {
    /// The key as the device sends it.
    raw_key: String,
    /// Points stored under it.
    points: i64,
    /// Time of the latest of them.
    #[schema(format = DateTime)]
    last_ts: String,
}

/// What provisioning did (`mgc_masterdata::ProvisionOutcome`).
#[derive(Deserialize, ToSchema)]
pub struct ProvisionOutcomeView {
    /// The station as stored.
    station: StationView,
    /// The devices named in the request, as stored.
    devices: Vec<DeviceView>,
    /// True when the station was created.
    created: bool,
    /// True when anything changed.
    changed: bool,
}
