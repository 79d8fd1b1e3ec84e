//! `ensure_device`: an adapter makes sure a device of its own exists in a station the operator
//! provisioned (the collector's device standing for a pull source). Creates it when missing;
//! leaves it as it is when it exists (an operator may have moved or renamed things since).

use super::edit::device_event;
use crate::{Device, DeviceKind, MasterdataError, MasterdataRepository};
use chrono::{DateTime, Utc};
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{DeviceId, TenantId};

/// The device an adapter wants in a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnsuredDevice<'a> {
    /// Code of the tenant's station it belongs in.
    pub station_code: &'a str,
    /// Its name, unique in the tenant.
    pub name: &'a str,
    /// What it is.
    pub kind: DeviceKind,
    /// How it talks to us (`collector`, ...).
    pub protocol: &'a str,
}

/// The tenant's device named `want.name`, created in station `want.station_code` (with its
/// `DeviceProvisioned` event) when there is none. Refused (`Invalid`) when the station does not
/// exist or the name belongs to a device of another kind. Returns the device and whether it
/// was created.
pub async fn ensure_device<U>(
    mut uow: U,
    tenant: &TenantId,
    want: &EnsuredDevice<'_>,
    now: DateTime<Utc>,
) -> Result<(Device, bool), MasterdataError>
where
    U: MasterdataRepository + OutboxWriter + UnitOfWork,
{
    if let Some(found) = uow.device_by_name(tenant, want.name).await? {
        if found.kind != want.kind {
            return Err(MasterdataError::Invalid(format!(
                "device '{}' exists with kind {}, not {}: rename one of them",
                want.name, found.kind, want.kind
            )));
        }
        return Ok((found, false));
    }
    let Some(station) = uow.station_by_code(tenant, want.station_code).await? else {
        return Err(MasterdataError::Invalid(format!(
            "no station with code '{}' in tenant {tenant}: provision it first",
            want.station_code
        )));
    };
    let device = Device {
        id: DeviceId::new(),
        tenant: tenant.clone(),
        station_id: station.id,
        kind: want.kind,
        name: want.name.to_owned(),
        tb_device_id: None,
        protocol: want.protocol.to_owned(),
        created_at: now,
        updated_at: now,
    };
    uow.save_device(&device, true).await?;
    emit(&mut uow, tenant, &device_event(&device, true), now).await?;
    uow.commit().await?;
    Ok((device, true))
}
