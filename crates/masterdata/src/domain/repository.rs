//! Ports of the masterdata context, implemented by the store.

use crate::{Device, DeviceKind, MappingScope, MappingSet, PointMapping, Station};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, RepoError, Scope, StationId, TenantId};

/// Write side, on the unit of work.
#[async_trait]
pub trait MasterdataRepository: Send {
    /// The tenant's station with this code.
    async fn station_by_code(&mut self, tenant: &TenantId, code: &str) -> Result<Option<Station>, RepoError>;
    /// Inserts (`is_new`) or updates a station.
    async fn save_station(&mut self, station: &Station, is_new: bool) -> Result<(), RepoError>;
    /// The tenant's device with this name.
    async fn device_by_name(&mut self, tenant: &TenantId, name: &str) -> Result<Option<Device>, RepoError>;
    /// Inserts (`is_new`) or updates a device.
    async fn save_device(&mut self, device: &Device, is_new: bool) -> Result<(), RepoError>;
    /// The tenant's station with this id.
    async fn station_by_id(&mut self, tenant: &TenantId, id: StationId) -> Result<Option<Station>, RepoError>;
    /// The tenant's device with this id.
    async fn device_by_id(&mut self, tenant: &TenantId, id: DeviceId) -> Result<Option<Device>, RepoError>;
    /// Start of the station's statistics (its first analysed local day), if it has any: its
    /// time zone is then fixed.
    async fn statistics_since(&mut self, tenant: &TenantId, id: StationId) -> Result<Option<DateTime<Utc>>, RepoError>;
    /// How many devices the station has.
    async fn count_station_devices(&mut self, tenant: &TenantId, id: StationId) -> Result<u64, RepoError>;
    /// Removes a device with its own mappings and latest values (its telemetry history stays).
    async fn delete_device(&mut self, tenant: &TenantId, id: DeviceId) -> Result<(), RepoError>;
    /// Removes a station that has no devices.
    async fn delete_station(&mut self, tenant: &TenantId, id: StationId) -> Result<(), RepoError>;
    /// The mappings of one scope.
    async fn mappings_of(&mut self, tenant: &TenantId, scope: MappingScope) -> Result<Vec<PointMapping>, RepoError>;
    /// Replaces the mappings of one scope with `mappings`.
    async fn replace_mappings(
        &mut self,
        tenant: &TenantId,
        scope: MappingScope,
        mappings: &[PointMapping],
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
}

/// Read side, on the pool.
#[async_trait]
pub trait MasterdataQueries: Send + Sync {
    /// Stations in `scope`, newest first.
    async fn list_stations(&self, scope: &Scope, page: &PageRequest) -> Result<Page<Station>, RepoError>;
    /// One station in `scope` (NotFound outside it).
    async fn get_station(&self, scope: &Scope, id: StationId) -> Result<Station, RepoError>;
    /// Devices in `scope`, optionally of one station and/or kind, newest first.
    async fn list_devices(
        &self,
        scope: &Scope,
        station: Option<StationId>,
        kind: Option<DeviceKind>,
        page: &PageRequest,
    ) -> Result<Page<Device>, RepoError>;
    /// One device in `scope` (NotFound outside it).
    async fn get_device(&self, scope: &Scope, id: DeviceId) -> Result<Device, RepoError>;
    /// The device named, or with this ThingsBoard id, or with this id (ingest resolution).
    async fn find_device(&self, tenant: &TenantId, reference: &str) -> Result<Option<Device>, RepoError>;
    /// Mappings visible in `scope` (kind mappings, and device mappings of devices in it),
    /// optionally of one mapping scope.
    async fn list_mappings(
        &self,
        scope: &Scope,
        mapping_scope: Option<MappingScope>,
    ) -> Result<Vec<PointMapping>, RepoError>;
    /// Everything that maps keys for `device` (ingest: the whole tenant).
    async fn mapping_set(&self, tenant: &TenantId, device: &Device) -> Result<MappingSet, RepoError> {
        let scope = Scope::tenant_wide(tenant.clone());
        let own = self.list_mappings(&scope, Some(MappingScope::Device(device.id))).await?;
        let kind = self.list_mappings(&scope, Some(MappingScope::Kind(device.kind))).await?;
        Ok(MappingSet::new(own, kind))
    }
}
