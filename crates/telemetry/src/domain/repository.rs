//! Ports of the telemetry context, implemented by the store.

use crate::domain::stored::{StoreOutcome, StoredPoint, UnroutedPoint};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};
use serde::Serialize;

/// Write side, on the unit of work.
#[async_trait]
pub trait TelemetryRepository: Send {
    /// Stores points idempotently: same key and value is a no-op, a new value an upsert.
    async fn store_points(
        &mut self,
        tenant: &TenantId,
        points: &[&StoredPoint],
        received_at: DateTime<Utc>,
    ) -> Result<StoreOutcome, RepoError>;
    /// Moves the latest-value read model forward (never backwards in time).
    async fn advance_latest(&mut self, tenant: &TenantId, points: &[&StoredPoint]) -> Result<(), RepoError>;
    /// Keeps points of unknown devices.
    async fn quarantine(
        &mut self,
        tenant: &TenantId,
        points: &[UnroutedPoint],
        received_at: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
    /// The device's stored points with `from <= ts < to`, at most `max` (None when there are
    /// more), for re-mapping.
    async fn device_points(
        &mut self,
        tenant: &TenantId,
        q: &PointQuery,
        max: u32,
    ) -> Result<Option<Vec<StoredPoint>>, RepoError>;
    /// Removes the device's points with these (point, ts) keys.
    async fn remove_points(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        keys: &[(String, DateTime<Utc>)],
    ) -> Result<(), RepoError>;
    /// Drops the latest value of each of the device's `points` that has no stored point left.
    async fn drop_orphan_latest(
        &mut self,
        tenant: &TenantId,
        device: DeviceId,
        points: &[String],
    ) -> Result<(), RepoError>;
    /// Removes and returns the quarantined points of a device reference (for re-ingest).
    async fn take_unrouted(&mut self, tenant: &TenantId, device: &str) -> Result<Vec<UnroutedPoint>, RepoError>;
}

/// A stored point as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointRow {
    /// Device.
    pub device_id: DeviceId,
    /// Point name.
    pub point: String,
    /// Time.
    pub ts: DateTime<Utc>,
    /// Numeric value (mapped).
    pub num_value: Option<f64>,
    /// Value as received.
    pub value: crate::RawValue,
}

/// A raw key of a device that no mapping turns into a semantic point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmappedKey {
    /// The key as the device sends it (its points are stored under it).
    pub raw_key: String,
    /// Points stored under it.
    pub points: i64,
    /// Time of the latest of them.
    pub last_ts: DateTime<Utc>,
}

/// Filter of a raw telemetry query.
#[derive(Debug, Clone, PartialEq)]
pub struct PointQuery {
    /// Device.
    pub device_id: DeviceId,
    /// Only this point, when given.
    pub point: Option<String>,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
}

/// Read side, on the pool.
#[async_trait]
pub trait TelemetryQueries: Send + Sync {
    /// Raw points in time order.
    async fn list_points(
        &self,
        tenant: &TenantId,
        q: &PointQuery,
        page: &PageRequest,
    ) -> Result<Page<PointRow>, RepoError>;
    /// Numeric samples `(point, ts, value)` of a query, at most `max` (None when there are more).
    async fn numeric_samples(
        &self,
        tenant: &TenantId,
        q: &PointQuery,
        max: u32,
    ) -> Result<Option<Vec<(String, DateTime<Utc>, f64)>>, RepoError>;
    /// Latest value of every point of the station's devices.
    async fn latest_for_station(&self, tenant: &TenantId, station: StationId) -> Result<Vec<PointRow>, RepoError>;
    /// Keys of the device stored under their raw name (candidates for a mapping); catalogue
    /// points sent under their own name are not listed.
    async fn stored_raw_keys(&self, tenant: &TenantId, device: DeviceId) -> Result<Vec<UnmappedKey>, RepoError>;
    /// Quarantined points, newest first.
    async fn list_unrouted(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<UnroutedPoint>, RepoError>;
    /// Devices that quarantined points name (by name or ThingsBoard id) although the device
    /// exists by now, at most `max`: points that arrived while the device was being provisioned.
    async fn quarantined_known_devices(&self, max: u32) -> Result<Vec<(TenantId, DeviceId)>, RepoError>;
}
