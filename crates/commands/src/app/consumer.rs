//! The idempotent consumer of `CommandRequested`: a strategy's decision becomes a command.

use crate::app::issue::{issue, IssueRequest};
use crate::domain::ports::CommandTx;
use crate::{CommandError, CommandSettings};
use async_trait::async_trait;
use mgc_contracts::{CommandOrigin, CommandRequested, EventEnvelope, IntegrationEvent};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::SharedClock;

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "commands.requested";

/// Turns `CommandRequested` into a command (once per idempotency key).
#[derive(Debug, Clone)]
pub struct CommandRequestedConsumer {
    clock: SharedClock,
    settings: CommandSettings,
}

impl CommandRequestedConsumer {
    /// A consumer issuing with `settings` at `clock` time.
    pub fn new(clock: SharedClock, settings: CommandSettings) -> Self {
        Self { clock, settings }
    }
}

#[async_trait]
impl<T: CommandTx> EventHandler<T> for CommandRequestedConsumer {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![CommandRequested::TYPE]
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: CommandRequested = event.decode().map_err(HandlerError::new)?;
        let req = IssueRequest {
            device_id: ev.device_id,
            method: ev.method.clone(),
            params: Some(ev.params.clone()),
            timeout_s: Some(ev.timeout_s.clamp(1, self.settings.max_timeout_s)),
            idempotency_key: Some(ev.idempotency_key.clone()),
            origin: CommandOrigin::Strategy {
                strategy_id: ev.strategy_id,
                strategy_version: ev.strategy_version,
                execution_id: ev.execution_id,
            },
            station_scope: None,
        };
        match issue(tx, &event.tenant_id, req, &self.settings, self.clock.now()).await {
            Ok(_) => Ok(()),
            Err(CommandError::Repo(e)) => Err(HandlerError::new(e)),
            // A request that can never become a command is not retried: retrying changes nothing.
            Err(e) => {
                tracing::warn!(event_id = %event.id, strategy_id = %ev.strategy_id, device_id = %ev.device_id,
                    code = e.code(), error = %e, "strategy command request refused");
                Ok(())
            }
        }
    }
}
