//! Masterdata context: the stations and devices of a tenant, the catalogue of semantic points,
//! and the mappings from the raw keys devices send to those points.

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::edit::{delete_device, delete_station, update_device, update_station};
pub use app::ensure::{ensure_device, EnsuredDevice};
pub use app::provision::{provision_station, set_mappings, ProvisionOutcome};
pub use domain::catalogue::{catalogue, lookup_point, PointDef, PointNature};
pub use domain::device::{Device, DeviceKind};
pub use domain::edits::{DevicePatch, StationPatch};
pub use domain::error::MasterdataError;
pub use domain::mapping::{MappingScope, MappingSet, PointMapping, ResolvedKey};
pub use domain::provisioning::{DeviceSpec, MappingSpec, ProvisionRequest};
pub use domain::repository::{MasterdataQueries, MasterdataRepository};
pub use domain::station::{GeoPoint, Station};
