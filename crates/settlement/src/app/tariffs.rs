//! Tariff commands: create, update (version n+1), delete, and assign to a station by date.

use super::settle::reprice_station;
use crate::domain::ids::TariffId;
use crate::domain::tariff::{Tariff, TariffAssignment, TariffSpec};
use crate::{SettlementError, SettlementRepository, StationDirectory, TariffRepository};
use chrono::{DateTime, NaiveDate, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{StationId, TenantId};

/// Creates version 1 of a tariff.
pub async fn create_tariff<U>(
    mut uow: U,
    tenant: &TenantId,
    spec: TariffSpec,
    at: DateTime<Utc>,
) -> Result<Tariff, SettlementError>
where
    U: TariffRepository + UnitOfWork,
{
    spec.validate().map_err(SettlementError::InvalidTariff)?;
    let tariff =
        Tariff { id: TariffId::new(), tenant: tenant.clone(), version: 1, spec, created_at: at, updated_at: at };
    uow.save_tariff(&tariff).await?;
    uow.commit().await?;
    Ok(tariff)
}

/// Writes version n+1 (unless nothing changed) and re-prices the unfrozen days of the stations
/// that use it. Returns the tariff and how many days got a new settlement version.
pub async fn update_tariff<U>(
    mut uow: U,
    tenant: &TenantId,
    id: TariffId,
    spec: TariffSpec,
    at: DateTime<Utc>,
) -> Result<(Tariff, usize), SettlementError>
where
    U: TariffRepository + SettlementRepository + OutboxWriter + UnitOfWork,
{
    spec.validate().map_err(SettlementError::InvalidTariff)?;
    let mut tariff = uow.tariff(tenant, id).await?.ok_or(SettlementError::TariffNotFound(id))?;
    if tariff.spec == spec {
        return Ok((tariff, 0));
    }
    tariff.version += 1;
    tariff.spec = spec;
    tariff.updated_at = at;
    uow.save_tariff(&tariff).await?;
    let cause = format!("tariff {} updated to v{}", tariff.id, tariff.version);
    let mut repriced = 0;
    for a in uow.assignments_of_tariff(tenant, id).await? {
        repriced += reprice_station(&mut uow, tenant, a.station_id, a.effective_from, &cause, at).await?;
    }
    uow.commit().await?;
    Ok((tariff, repriced))
}

/// Deletes a tariff no station was ever assigned (409 otherwise: settlements refer to it).
pub async fn delete_tariff<U>(
    mut uow: U,
    tenant: &TenantId,
    id: TariffId,
    at: DateTime<Utc>,
) -> Result<(), SettlementError>
where
    U: TariffRepository + UnitOfWork,
{
    uow.tariff(tenant, id).await?.ok_or(SettlementError::TariffNotFound(id))?;
    if let Some(a) = uow.assignments_of_tariff(tenant, id).await?.first() {
        return Err(SettlementError::TariffInUse { id, station: a.station_id, from: a.effective_from });
    }
    uow.delete_tariff(tenant, id, at).await?;
    Ok(uow.commit().await?)
}

/// Assigns a tariff of the tenant to a station of the tenant from a local date on, then
/// re-prices the station's unfrozen days from that date (frozen days stay as they are).
pub async fn assign_tariff<U>(
    mut uow: U,
    tenant: &TenantId,
    station: StationId,
    tariff_id: TariffId,
    effective_from: NaiveDate,
    by: &str,
    at: DateTime<Utc>,
) -> Result<(TariffAssignment, usize), SettlementError>
where
    U: StationDirectory + TariffRepository + SettlementRepository + OutboxWriter + UnitOfWork,
{
    uow.station_zone(tenant, station).await?.ok_or(SettlementError::StationNotFound(station))?;
    uow.tariff(tenant, tariff_id).await?.ok_or(SettlementError::TariffNotFound(tariff_id))?;
    let assignment = TariffAssignment {
        station_id: station,
        tariff_id,
        effective_from,
        assigned_at: at,
        assigned_by: by.to_owned(),
    };
    uow.save_assignment(tenant, &assignment).await?;
    let cause = format!("tariff {tariff_id} assigned from {effective_from}");
    let repriced = reprice_station(&mut uow, tenant, station, effective_from, &cause, at).await?;
    uow.commit().await?;
    Ok((assignment, repriced))
}
