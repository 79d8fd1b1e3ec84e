//! Changing and removing single stations and devices (`PATCH` / `DELETE`), each in one unit of
//! work with its integration event.

use crate::MasterdataError;
use crate::{Device, DevicePatch, MasterdataRepository, Station, StationPatch};
use chrono::{DateTime, Utc};
use mgc_contracts::{DeviceProvisioned, DeviceRemoved, StationProvisioned, StationRemoved};
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, StationId, TenantId};

/// The event announcing a created or changed station.
pub(crate) fn station_event(station: &Station, created: bool) -> StationProvisioned {
    StationProvisioned {
        station_id: station.id,
        code: station.code.clone(),
        time_zone: station.time_zone.name().to_owned(),
        created,
    }
}

/// The event announcing a created or changed device.
pub(crate) fn device_event(device: &Device, created: bool) -> DeviceProvisioned {
    DeviceProvisioned {
        device_id: device.id,
        station_id: device.station_id,
        name: device.name.clone(),
        kind: device.kind.as_str().to_owned(),
        created,
    }
}

fn station_missing(id: StationId) -> MasterdataError {
    MasterdataError::StationNotFound(id)
}

fn device_missing(id: DeviceId) -> MasterdataError {
    MasterdataError::DeviceNotFound(id)
}

/// Refuses a change of `old`'s time zone to `new`'s once the station has statistics: they are
/// windows of the old zone (days, months, years and the settlement built on them), and the raw
/// data to rebuild them may be gone.
pub(crate) async fn check_zone_change<U: MasterdataRepository>(
    uow: &mut U,
    old: &Station,
    new: &Station,
) -> Result<(), MasterdataError> {
    if old.time_zone == new.time_zone {
        return Ok(());
    }
    match uow.statistics_since(&old.tenant, old.id).await? {
        Some(since) => {
            Err(MasterdataError::TimeZoneLocked { id: old.id, zone: old.time_zone.name().to_owned(), since })
        }
        None => Ok(()),
    }
}

/// Applies `patch` to the tenant's station `id`; an empty change writes and emits nothing.
pub async fn update_station<U>(
    mut uow: U,
    tenant: &TenantId,
    id: StationId,
    patch: &StationPatch,
    now: DateTime<Utc>,
) -> Result<Station, MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let old = uow.station_by_id(tenant, id).await?.ok_or_else(|| station_missing(id))?;
    let mut station = old.clone();
    patch.apply(&mut station).map_err(MasterdataError::Invalid)?;
    if station.same_content(&old) {
        return Ok(old);
    }
    check_zone_change(&mut uow, &old, &station).await?;
    station.updated_at = now;
    uow.save_station(&station, false).await?;
    emit(&mut uow, tenant, &station_event(&station, false), now).await?;
    uow.commit().await?;
    Ok(station)
}

/// Removes the tenant's station `id`; refused (conflict) while it still has devices.
pub async fn delete_station<U>(
    mut uow: U,
    tenant: &TenantId,
    id: StationId,
    now: DateTime<Utc>,
) -> Result<(), MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let station = uow.station_by_id(tenant, id).await?.ok_or_else(|| station_missing(id))?;
    let devices = uow.count_station_devices(tenant, id).await?;
    if devices > 0 {
        return Err(MasterdataError::StationHasDevices { id, devices });
    }
    uow.delete_station(tenant, id).await?;
    emit(&mut uow, tenant, &StationRemoved { station_id: id, code: station.code }, now).await?;
    Ok(uow.commit().await?)
}

/// Applies `patch` to the tenant's device `id` (a new station must be the tenant's too).
pub async fn update_device<U>(
    mut uow: U,
    tenant: &TenantId,
    id: DeviceId,
    patch: &DevicePatch,
    now: DateTime<Utc>,
) -> Result<Device, MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let old = uow.device_by_id(tenant, id).await?.ok_or_else(|| device_missing(id))?;
    let mut device = old.clone();
    patch.apply(&mut device).map_err(MasterdataError::Invalid)?;
    if device.station_id != old.station_id && uow.station_by_id(tenant, device.station_id).await?.is_none() {
        return Err(MasterdataError::UnknownStation(device.station_id));
    }
    if device.same_content(&old) {
        return Ok(old);
    }
    device.updated_at = now;
    uow.save_device(&device, false).await?;
    emit(&mut uow, tenant, &device_event(&device, false), now).await?;
    uow.commit().await?;
    Ok(device)
}

/// Removes the tenant's device `id` with its own mappings; its telemetry history stays.
pub async fn delete_device<U>(
    mut uow: U,
    tenant: &TenantId,
    id: DeviceId,
    now: DateTime<Utc>,
) -> Result<(), MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let device = uow.device_by_id(tenant, id).await?.ok_or_else(|| device_missing(id))?;
    uow.delete_device(tenant, id).await?;
    let ev = DeviceRemoved { device_id: id, station_id: device.station_id, name: device.name };
    emit(&mut uow, tenant, &ev, now).await?;
    Ok(uow.commit().await?)
}
