//! The idempotent consumer of `CommandStateChanged`: when a command a strategy requested ends
//! without success, the strategy forgets what it last sent to that actuator, so its next
//! evaluation sends the set-point again.

use crate::domain::repository::StrategyTx;
use crate::StrategyId;
use async_trait::async_trait;
use mgc_contracts::{CommandOrigin, CommandStateChanged, EventEnvelope, IntegrationEvent};
use mgc_eventing::{EventHandler, HandlerError};

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "strategy.command_outcomes";

/// Command states that mean the set-point did not reach the device.
pub const UNSUCCESSFUL: [&str; 4] = ["failed", "timed_out", "expired", "cancelled"];

/// Forgets last-sent set-points whose command failed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommandOutcomeConsumer;

#[async_trait]
impl<T: StrategyTx> EventHandler<T> for CommandOutcomeConsumer {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![CommandStateChanged::TYPE]
    }

    fn accepts(&self, event: &EventEnvelope) -> bool {
        // Cheap pre-filter on the raw payload: only commands of strategies that ended badly.
        let p = &event.payload;
        p["origin"]["kind"] == "strategy" && p["to"].as_str().is_some_and(|to| UNSUCCESSFUL.contains(&to))
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: CommandStateChanged = event.decode().map_err(HandlerError::new)?;
        let CommandOrigin::Strategy { strategy_id, execution_id, .. } = ev.origin else { return Ok(()) };
        if !UNSUCCESSFUL.contains(&ev.to.as_str()) {
            return Ok(());
        }
        let id = StrategyId::from_uuid(strategy_id);
        // Only the tenant's own strategy, and only set-points this very execution sent to this
        // device (a later execution's set-point stays).
        if tx.strategy(&event.tenant_id, id).await.map_err(HandlerError::new)?.is_none() {
            return Ok(());
        }
        for last in tx.last_sent(&event.tenant_id, id).await.map_err(HandlerError::new)? {
            if last.execution_id.as_uuid() == execution_id && last.sent.device_ids.contains(&ev.device_id) {
                tx.forget_last_sent(&event.tenant_id, id, last.actuator).await.map_err(HandlerError::new)?;
                tracing::info!(strategy = %id, actuator = ?last.actuator, command = %ev.command_id, state = %ev.to,
                    "strategy command ended unsuccessfully; the set-point will be sent again");
            }
        }
        Ok(())
    }
}
