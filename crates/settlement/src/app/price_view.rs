//! Read-only pricing for other contexts' adapters: which import band a station is in at a
//! moment, and what a day of slot energies would cost under the station's tariff (the same
//! rules and rounding as a real settlement, nothing stored).

use crate::domain::figures::DayFigures;
use crate::domain::ports::{StationDirectory, TariffRepository};
use crate::domain::pricing::price_day;
use crate::domain::schedule::CELL_MINUTES;
use crate::domain::tariff::{assignment_on, TariffRules};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use mgc_contracts::EnergySlot;
use mgc_kernel::{RepoError, StationId, StationTz, TenantId};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// The validated tariff in force on the station's local `day`, or `None` when no tariff
/// prices that day.
pub async fn rules_on<U>(
    uow: &mut U,
    tenant: &TenantId,
    station: StationId,
    day: NaiveDate,
) -> Result<Option<TariffRules>, RepoError>
where
    U: TariffRepository,
{
    let assignments = uow.assignments(tenant, station).await?;
    let Some(a) = assignment_on(&assignments, day) else { return Ok(None) };
    let Some(tariff) = uow.tariff(tenant, a.tariff_id).await? else { return Ok(None) };
    let rules = tariff
        .spec
        .validate()
        .map_err(|e| RepoError::Backend(format!("stored tariff {} v{} is invalid: {e}", tariff.id, tariff.version)))?;
    Ok(if rules.not_covering(day).is_some() { None } else { Some(rules) })
}

/// The import band of every 15-minute slot starting in `[from, to)` (slot starts aligned to
/// the quarter hour in UTC, which is the station's quarter hour in every real zone); slots of
/// days no tariff prices are left out. `Ok(None)` when the tenant has no such station.
pub async fn import_bands<U>(
    uow: &mut U,
    tenant: &TenantId,
    station: StationId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<Vec<(DateTime<Utc>, String)>>, RepoError>
where
    U: TariffRepository + StationDirectory,
{
    let Some(tz) = uow.station_zone(tenant, station).await? else { return Ok(None) };
    let step = i64::from(CELL_MINUTES) * 60;
    let first = from.timestamp().div_euclid(step) * step;
    let mut days: BTreeMap<NaiveDate, Option<TariffRules>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut t =
        DateTime::<Utc>::from_timestamp(first, 0).ok_or_else(|| RepoError::Invalid("from out of range".into()))?;
    while t < to {
        let local = tz.0.from_utc_datetime(&t.naive_utc());
        let day = local.date_naive();
        if let Entry::Vacant(slot) = days.entry(day) {
            slot.insert(rules_on(uow, tenant, station, day).await?);
        }
        if let Some(Some(rules)) = days.get(&day) {
            let cell = ((local.hour() * 60 + local.minute()) / CELL_MINUTES) as usize;
            let (band, _) = rules.import.band_at(day, rules.day_type(day), cell);
            out.push((t, band.to_owned()));
        }
        t += Duration::seconds(step);
    }
    Ok(Some(out))
}

/// What the slots of the station's local `day` would cost under the tariff in force that day
/// (`Ok(None)` when no tariff prices it or the station is unknown).
pub async fn price_station_day<U>(
    uow: &mut U,
    tenant: &TenantId,
    station: StationId,
    day: NaiveDate,
    slots: &[EnergySlot],
) -> Result<Option<DayFigures>, RepoError>
where
    U: TariffRepository + StationDirectory,
{
    let Some(tz): Option<StationTz> = uow.station_zone(tenant, station).await? else { return Ok(None) };
    let Some(rules) = rules_on(uow, tenant, station, day).await? else { return Ok(None) };
    price_day(&rules, day, tz, slots).map(Some).map_err(RepoError::Invalid)
}
