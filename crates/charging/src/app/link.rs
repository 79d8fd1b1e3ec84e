//! A charge point is a masterdata device of kind `charger`, named by its identity, whose
//! protocol is the charge point's (`ocpp16` for OCPP 1.6J, `ap3000`): when such a device exists, the charge point takes its device and station.

use crate::{ChargePoint, ChargingError, ChargingTx};
use chrono::{DateTime, Utc};

/// Links `cp` to its masterdata charger when one exists (the caller saves `cp`); true when changed.
pub async fn link_charger<T: ChargingTx>(
    tx: &mut T,
    cp: &mut ChargePoint,
    now: DateTime<Utc>,
) -> Result<bool, ChargingError> {
    Ok(match tx.charger_device(&cp.tenant, &cp.identity, cp.protocol).await? {
        Some((device, station)) => cp.link_device(device, station, now),
        None => false,
    })
}
