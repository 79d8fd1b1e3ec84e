//! Safety net for the quarantine: points that arrived for a device while it was being
//! provisioned (after its replay already ran) are moved in by a periodic sweep.

use super::units::IngestUnits;
use crate::replay_unrouted::reingest_device;
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::RepoError;
use mgc_masterdata::MasterdataRepository;

/// Devices handled per sweep; the rest wait for the next one.
const DEVICES_PER_SWEEP: u32 = 100;

/// Moves quarantined points of devices that exist by now into their telemetry, one
/// transaction per device; returns how many points moved.
pub async fn sweep_quarantine<U: IngestUnits>(units: &U, now: DateTime<Utc>) -> Result<usize, RepoError> {
    let mut moved = 0;
    for (tenant, id) in units.quarantined_known_devices(DEVICES_PER_SWEEP).await? {
        let mut uow = units.begin().await?;
        let Some(device) = uow.device_by_id(&tenant, id).await? else { continue };
        let n = reingest_device(&mut uow, &tenant, &device, now).await?;
        uow.commit().await?;
        if n > 0 {
            tracing::info!(%tenant, device = %device.name, points = n, "quarantined telemetry swept in");
        }
        moved += n;
    }
    Ok(moved)
}
