//! An operator provisions a charge point's HTTP Basic password (OCPP security profile 1).

use crate::app::link::link_charger;
use crate::{ChargePoint, ChargingError, ChargingTx, OcppIdentity, PasswordHash, RegistrationStatus};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// Sets the password of `identity` and commits; a charge point not recorded yet is recorded
/// `accepted` (the operator who gives it credentials accepts it). True when it was created.
pub async fn set_password<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    password: &str,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    let created = apply(&mut tx, tenant, identity, PasswordHash::new(password)?, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// Sets the same password for every identity in one unit of work (provisioning a fleet, e.g.
/// for the simulator); each gets its own salt. Returns how many were created; nothing is
/// committed when one fails.
pub async fn set_passwords<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identities: &[OcppIdentity],
    password: &str,
    now: DateTime<Utc>,
) -> Result<usize, ChargingError> {
    PasswordHash::new(password)?;
    let mut created = 0;
    for identity in identities {
        if apply(&mut tx, tenant, identity, PasswordHash::new(password)?, now).await? {
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}

async fn apply<T: ChargingTx>(
    tx: &mut T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    hash: PasswordHash,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    Ok(match tx.charge_point_by_identity(tenant, identity).await? {
        Some(mut cp) => {
            cp.set_password(hash, now);
            link_charger(tx, &mut cp, now).await?;
            tx.save_charge_point(&cp).await?;
            false
        }
        None => {
            let mut cp = ChargePoint::register(tenant.clone(), identity.clone(), RegistrationStatus::Accepted, now);
            cp.set_password(hash, now);
            link_charger(tx, &mut cp, now).await?;
            tx.insert_charge_point(&cp).await?;
            true
        }
    })
}
