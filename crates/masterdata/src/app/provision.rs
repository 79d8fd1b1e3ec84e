//! `provision_station`: create or update a station with its devices and mappings, idempotently.
//!
//! Matching is by the caller's keys: the station by `code`, devices by `name` (unique in the
//! tenant). Sending the same body twice changes nothing and emits no events the second time.
//! Devices not named in the body are left as they are (provisioning adds and updates, it never
//! deletes); a device's `mappings`, when present, replace that device's overrides.

use super::edit::{device_event, station_event};
use crate::MasterdataError;
use crate::{Device, MappingScope, MappingSpec, MasterdataRepository, PointMapping, ProvisionRequest, Station};
use chrono::{DateTime, Utc};
use mgc_contracts::MappingsChanged;
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, RepoError, StationId, TenantId};
use serde::Serialize;

/// What provisioning did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvisionOutcome {
    /// The station as stored.
    pub station: Station,
    /// The devices named in the request, as stored.
    pub devices: Vec<Device>,
    /// True when the station was created.
    pub created: bool,
    /// True when anything (station, device or mapping) changed.
    pub changed: bool,
}

/// Provisions the station described by `request` for `tenant`.
pub async fn provision_station<U>(
    mut uow: U,
    tenant: &TenantId,
    request: ProvisionRequest,
    now: DateTime<Utc>,
) -> Result<ProvisionOutcome, MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let time_zone = request.validate().map_err(MasterdataError::Invalid)?;
    let existing = uow.station_by_code(tenant, request.code.trim()).await?;
    let mut station = existing.clone().unwrap_or_else(|| Station {
        id: StationId::new(),
        tenant: tenant.clone(),
        code: request.code.trim().to_owned(),
        name: String::new(),
        time_zone,
        location: None,
        capacity_kw: None,
        tb_asset_id: None,
        created_at: now,
        updated_at: now,
    });
    station.name = request.name.trim().to_owned();
    station.time_zone = time_zone;
    station.location = request.location;
    station.capacity_kw = request.capacity_kw;
    station.tb_asset_id = request.tb_asset_id.clone();
    let created = existing.is_none();
    let mut changed = existing.as_ref().is_none_or(|old| !old.same_content(&station));
    if changed {
        if let Some(old) = &existing {
            super::edit::check_zone_change(&mut uow, old, &station).await?;
        }
        station.updated_at = now;
        uow.save_station(&station, created).await?;
        emit(&mut uow, tenant, &station_event(&station, created), now).await?;
    }

    let mut devices = Vec::with_capacity(request.devices.len());
    for spec in &request.devices {
        let name = spec.name.trim();
        let old = uow.device_by_name(tenant, name).await?;
        let mut device = old.clone().unwrap_or_else(|| Device {
            id: DeviceId::new(),
            tenant: tenant.clone(),
            station_id: station.id,
            kind: spec.kind,
            name: name.to_owned(),
            tb_device_id: None,
            protocol: "thingsboard".into(),
            created_at: now,
            updated_at: now,
        });
        device.station_id = station.id;
        device.kind = spec.kind;
        device.tb_device_id = spec.tb_device_id.clone();
        let device_created = old.is_none();
        if old.as_ref().is_none_or(|o| !o.same_content(&device)) {
            device.updated_at = now;
            uow.save_device(&device, device_created).await?;
            emit(&mut uow, tenant, &device_event(&device, device_created), now).await?;
            changed = true;
        }
        if let Some(specs) = &spec.mappings {
            changed |= replace_scope_mappings(&mut uow, tenant, MappingScope::Device(device.id), specs, now).await?;
        }
        devices.push(device);
    }
    uow.commit().await?;
    Ok(ProvisionOutcome { station, devices, created, changed })
}

/// Replaces the rules of `scope` (a kind template, or a device's overrides) with `specs`;
/// unchanged rules keep their version, changed ones get the next. Returns whether anything
/// changed (nothing is written, and no event emitted, otherwise).
pub async fn set_mappings<U>(
    mut uow: U,
    tenant: &TenantId,
    scope: MappingScope,
    specs: &[MappingSpec],
    now: DateTime<Utc>,
) -> Result<bool, MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    let mut keys = std::collections::HashSet::new();
    for (i, m) in specs.iter().enumerate() {
        if !keys.insert(m.raw_key.trim()) {
            return Err(MasterdataError::InvalidMapping(format!(
                "mappings[{i}].raw_key: '{}' appears twice",
                m.raw_key
            )));
        }
        rule(scope, m, 1).validate().map_err(|e| MasterdataError::InvalidMapping(format!("mappings[{i}]: {e}")))?;
    }
    let changed = replace_scope_mappings(&mut uow, tenant, scope, specs, now).await?;
    uow.commit().await?;
    Ok(changed)
}

fn rule(scope: MappingScope, s: &MappingSpec, version: i64) -> PointMapping {
    PointMapping {
        scope,
        raw_key: s.raw_key.trim().to_owned(),
        point: s.point.clone(),
        scale: s.scale,
        offset: s.offset,
        unit: s.unit.clone(),
        version,
    }
}

/// Replaces the rules of a scope when they differ; keeps versions of unchanged rules.
async fn replace_scope_mappings<U>(
    uow: &mut U,
    tenant: &TenantId,
    scope: MappingScope,
    specs: &[MappingSpec],
    now: DateTime<Utc>,
) -> Result<bool, RepoError>
where
    U: MasterdataRepository + OutboxWriter,
{
    let current = uow.mappings_of(tenant, scope).await?;
    let mut desired = Vec::with_capacity(specs.len());
    let mut changed_keys = Vec::new();
    for s in specs {
        let mut rule = rule(scope, s, 1);
        match current.iter().find(|c| c.raw_key == rule.raw_key) {
            Some(c) if c.same_rule(&rule) => rule.version = c.version,
            Some(c) => {
                rule.version = c.version + 1;
                changed_keys.push(rule.raw_key.clone());
            }
            None => changed_keys.push(rule.raw_key.clone()),
        }
        desired.push(rule);
    }
    for c in &current {
        if !desired.iter().any(|d| d.raw_key == c.raw_key) {
            changed_keys.push(c.raw_key.clone());
        }
    }
    if changed_keys.is_empty() {
        return Ok(false);
    }
    uow.replace_mappings(tenant, scope, &desired, now).await?;
    changed_keys.sort();
    emit(uow, tenant, &MappingsChanged { scope: scope.to_string(), raw_keys: changed_keys }, now).await?;
    Ok(true)
}
