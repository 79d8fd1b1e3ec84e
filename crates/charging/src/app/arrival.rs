//! Every charge-point message but the boot starts here: find the charge point, check its
//! registration, and record that it is alive.

use crate::app::events;
use crate::{ChargePoint, ChargingError, ChargingTx, OcppIdentity, RegistrationStatus};
use chrono::{DateTime, Utc};
use mgc_eventing::emit;
use mgc_kernel::TenantId;

/// What registration a message needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Any known charge point that is not rejected (heartbeat, status, meter values, stop).
    Known,
    /// An accepted charge point (authorize, start).
    Accepted,
}

/// Loads the charge point, refuses it when its registration does not allow the message, marks it
/// seen at `now` and saves it (with `ChargePointConnectionChanged` when it came online).
pub async fn arrive<T: ChargingTx>(
    tx: &mut T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    needs: Needs,
    now: DateTime<Utc>,
) -> Result<ChargePoint, ChargingError> {
    let mut cp = known(tx, tenant, identity).await?;
    let allowed = match needs {
        Needs::Known => cp.registration != RegistrationStatus::Rejected,
        Needs::Accepted => cp.registration == RegistrationStatus::Accepted,
    };
    if !allowed {
        return Err(ChargingError::NotAccepted { identity: identity.clone(), status: cp.registration });
    }
    mark_seen(tx, &mut cp, "message received", now).await?;
    Ok(cp)
}

/// The tenant's charge point `identity`, or `UnknownChargePoint`.
pub async fn known<T: ChargingTx>(
    tx: &mut T,
    tenant: &TenantId,
    identity: &OcppIdentity,
) -> Result<ChargePoint, ChargingError> {
    tx.charge_point_by_identity(tenant, identity)
        .await?
        .ok_or_else(|| ChargingError::UnknownChargePoint(identity.clone()))
}

/// Marks `cp` seen, saves it, and emits `ChargePointConnectionChanged` when it came online.
pub async fn mark_seen<T: ChargingTx>(
    tx: &mut T,
    cp: &mut ChargePoint,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let came_online = cp.seen(now);
    tx.save_charge_point(cp).await?;
    if came_online {
        emit(tx, &cp.tenant, &events::connection_changed(cp, true, why, now), now).await?;
    }
    Ok(())
}
