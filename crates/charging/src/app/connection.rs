//! Connection state: a closed connection, and the sweep that marks silent charge points offline.

use crate::app::{events, trail};
use crate::{
    ChargePointRepository, ChargingError, ChargingSettings, ChargingTx, ChargingUnits, Connection, OcppIdentity,
    TimelineKind,
};
use chrono::{DateTime, Utc};
use mgc_eventing::{emit, UnitOfWork};
use mgc_kernel::TenantId;
use serde_json::{json, Value};

/// Records that the connection of `identity` closed at `now` (offline event when it was online),
/// and commits; false when it was already offline or is unknown.
pub async fn disconnected<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    let Some(mut cp) = tx.charge_point_by_identity(tenant, identity).await? else {
        return Ok(false);
    };
    let went_offline = cp.mark_offline(now);
    if went_offline {
        tx.save_charge_point(&cp).await?;
        emit(&mut tx, tenant, &events::connection_changed(&cp, false, "connection closed", now), now).await?;
        let details = json!({ "reason": "connection closed" });
        trail::of_charge_point(&mut tx, &cp, TimelineKind::Disconnected, details, now).await?;
        tx.commit().await?;
    }
    Ok(went_offline)
}

/// Records on the timeline that a connection of `identity` opened at `now` (`details`: what the
/// adapter knows of it, e.g. protocol and peer), and commits; false when the identity is not
/// known yet (its boot will register it).
pub async fn connected<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    details: Value,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    let Some(cp) = tx.charge_point_by_identity(tenant, identity).await? else {
        return Ok(false);
    };
    trail::of_charge_point(&mut tx, &cp, TimelineKind::Connected, details, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SweepReport {
    /// Silent charge points looked at.
    pub checked: usize,
    /// Of those, marked offline.
    pub marked_offline: usize,
}

/// Marks offline (one unit of work each) up to `limit` connected charge points silent for longer
/// than the offline timeout at `now`.
pub async fn sweep_offline<U: ChargingUnits>(
    units: &U,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<SweepReport, ChargingError> {
    let timeout = settings.offline_after();
    let silent = units.silent_charge_points(now - timeout, limit).await?;
    let mut report = SweepReport { checked: silent.len(), marked_offline: 0 };
    for (tenant, identity) in silent {
        let mut tx = units.begin_charging_tx().await?;
        let Some(mut cp) = tx.charge_point_by_identity(&tenant, &identity).await? else { continue };
        if cp.connection(now, timeout) == Connection::Offline && cp.mark_offline(now) {
            tx.save_charge_point(&cp).await?;
            let why = format!("no message for {} s", settings.offline_after_s);
            emit(&mut tx, &tenant, &events::connection_changed(&cp, false, why.clone(), now), now).await?;
            trail::of_charge_point(&mut tx, &cp, TimelineKind::Disconnected, json!({ "reason": why }), now).await?;
            UnitOfWork::commit(tx).await?;
            report.marked_offline += 1;
        }
    }
    Ok(report)
}
