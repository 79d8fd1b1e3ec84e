//! The stops the central system asks of OCPP charge points, on their sessions' timelines (the
//! AP3000 gateway records its own stops the same way before it sends them).

use async_trait::async_trait;
use mgc_charging::{ChargingUnits, OcppIdentity, TransactionId};
use mgc_kernel::{SharedClock, TenantId};
use serde_json::Value;

/// Records on a session's timeline that the central system asked its charge point to stop it.
#[async_trait]
pub trait StopTrail: Send + Sync {
    /// Appends `stop_requested` (with `details`) to the session of `transaction` on `identity`;
    /// a failure is logged, never the reason a stop is not sent.
    async fn stop_requested(
        &self,
        tenant: &TenantId,
        identity: &OcppIdentity,
        transaction: TransactionId,
        details: Value,
    );
}

/// The charging context's timeline, written in a unit of work of `units`.
#[derive(Clone)]
pub struct ChargingStopTrail<U> {
    units: U,
    clock: SharedClock,
}

impl<U> ChargingStopTrail<U> {
    /// A trail writing through `units`, stamped by `clock`.
    pub fn new(units: U, clock: SharedClock) -> Self {
        Self { units, clock }
    }
}

#[async_trait]
impl<U: ChargingUnits> StopTrail for ChargingStopTrail<U> {
    async fn stop_requested(
        &self,
        tenant: &TenantId,
        identity: &OcppIdentity,
        transaction: TransactionId,
        details: Value,
    ) {
        let recorded = async {
            let tx = self.units.begin_charging_tx().await?;
            mgc_charging::stop_requested(tx, tenant, identity, transaction, details, self.clock.now()).await
        };
        if let Err(e) = recorded.await {
            tracing::warn!(%tenant, %identity, %transaction, error = %e, "cannot record the stop request on the timeline");
        }
    }
}

/// The transaction a RemoteStopTransaction's parameters name, when they name one that fits.
pub fn remote_stop_transaction(params: &Value) -> Option<TransactionId> {
    let id = params.get("transactionId")?.as_i64()?;
    i32::try_from(id).ok().map(TransactionId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_remote_stop_params_then_the_transaction_is_read_only_when_it_fits() {
        assert_eq!(remote_stop_transaction(&json!({"transactionId": 42})), Some(TransactionId(42)));
        assert_eq!(remote_stop_transaction(&json!({"transactionId": 4_000_000_000_i64})), None);
        assert_eq!(remote_stop_transaction(&json!({"transactionId": "42"})), None);
        assert_eq!(remote_stop_transaction(&json!({})), None);
    }
}
