//! A charge point is a masterdata device of kind `charger`, protocol `ocpp16`, named by its
//! OCPP identity: when such a device exists, the charge point takes its device and station.

use crate::{ChargePoint, ChargingError, ChargingTx};
use chrono::{DateTime, Utc};

/// Links `cp` to its masterdata charger when one exists (the caller saves `cp`); true when changed.
pub async fn link_charger<T: ChargingTx>(
    tx: &mut T,
    cp: &mut ChargePoint,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    Ok(match tx.charger_device(&cp.tenant, &cp.identity).await? {
        Some((device, station)) => cp.link_device(device, station, now),
        None => false,
    })
}
