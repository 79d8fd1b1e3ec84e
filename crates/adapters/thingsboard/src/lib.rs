//! ThingsBoard adapter: owns the ingest pipeline ([`pipeline`]: integration authentication,
//! parsing of the bodies ThingsBoard sends ([`payload`]), routing, group commit), turns parsed ThingsBoard telemetry into stored points of
//! known devices (through their point mappings), quarantines points of unknown devices, and
//! re-ingests them when such a device is provisioned; [`rpc`] sends commands as ThingsBoard
//! server-side RPC.

#![warn(missing_docs)]

pub mod ingest;
pub mod payload;
pub mod pipeline;
pub mod remap;
pub mod replay_unrouted;
pub mod routing;
pub mod rpc;

pub use ingest::{forget_tenant, route_batch, RouteCache};
pub use pipeline::{
    IngestConfig, IngestCredentials, IngestError, IngestService, IngestUnits, TelemetryReceipt, TelemetryRequest,
};
pub use remap::{remap_device, remap_device_now, RemapReport, REMAP_MAX_POINTS};
pub use replay_unrouted::{reingest_device, UnroutedReplay};
pub use routing::{route_points, to_stored, RoutedBatch};
pub use rpc::{ThingsBoardRpc, ThingsBoardSettings};
