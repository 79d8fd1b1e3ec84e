//! An operator adopts (accepts), parks (pending) or refuses (rejects) a charge point, and types it (AC, DC, two-wheeler).

use crate::app::arrival::known;
use crate::app::link::link_charger;
use crate::app::trail;
use crate::{ChargePoint, ChargerType, ChargingError, ChargingTx, OcppIdentity, RegistrationStatus, TimelineKind};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Sets the registration of the tenant's charge point `identity` at `now`, links it to its
/// masterdata charger when one exists, commits, and returns it. The charge point learns the
/// new status at its next BootNotification (a pending one retries its boot on its own).
pub async fn set_registration<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    registration: RegistrationStatus,
    now: DateTime<Utc>,
) -> Result<ChargePoint, ChargingError> {
    let mut cp = known(&mut tx, tenant, identity).await?;
    cp.set_registration(registration, now);
    link_charger(&mut tx, &mut cp, now).await?;
    tx.save_charge_point(&cp).await?;
    let details = serde_json::json!({ "status": registration.as_str(), "by": "operator" });
    trail::of_charge_point(&mut tx, &cp, TimelineKind::Registered, details, now).await?;
    tx.commit().await?;
    Ok(cp)
}

/// Sets what the tenant's charge point `identity` charges at `now`, commits, and returns it
/// (nothing is written when it already had that type).
pub async fn set_charger_type<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    charger_type: ChargerType,
    now: DateTime<Utc>,
) -> Result<ChargePoint, ChargingError> {
    let mut cp = known(&mut tx, tenant, identity).await?;
    if cp.set_charger_type(charger_type, now) {
        tx.save_charge_point(&cp).await?;
        tx.commit().await?;
    }
    Ok(cp)
}
