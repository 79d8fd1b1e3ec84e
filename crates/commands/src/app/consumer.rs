//! The idempotent consumer of `CommandRequested`: a strategy's decision becomes a command.

use crate::app::issue::{issue, IssueRequest, Issued};
use crate::app::record;
use crate::domain::adapter::AdapterRegistry;
use crate::domain::ports::CommandTx;
use crate::{CommandError, CommandSettings, CommandState};
use async_trait::async_trait;
use mgc_contracts::{CommandOrigin, CommandRequested, EventEnvelope, IntegrationEvent};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::{Scope, SharedClock};

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
            queue_until_online: false,
            origin: CommandOrigin::Strategy {
                strategy_id: ev.strategy_id,
                strategy_version: ev.strategy_version,
                execution_id: ev.execution_id,
            },
        };
        let now = self.clock.now();
        let timeout = chrono::Duration::seconds(i64::from(ev.timeout_s.max(1)));
        // Strategy commands are checked by the device's adapter when they are sent.
        match issue(tx, &Scope::tenant_wide(event.tenant_id.clone()), req, &self.settings, &AdapterRegistry::new(), now)
            .await
        {
            // A decision older than its own timeout (an outbox backlog, a dead letter replayed
            // hours later) must not move hardware now: the command is recorded and expires at
            // once, and its state change tells the strategy to decide again.
            Ok(Issued::Created(mut command)) if now - event.occurred_at >= timeout => {
                let reason = format!(
                    "decided at {} by execution {}, older than its {} s timeout when it reached the commands context",
                    event.occurred_at.to_rfc3339(),
                    ev.execution_id,
                    ev.timeout_s
                );
                let t = command.transition(CommandState::Expired, reason, now).map_err(HandlerError::new)?;
                let new = [t];
                record::save(tx, &command, CommandState::Pending, &new).await.map_err(HandlerError::new)?;
                record::count_transitions(&new);
                Ok(())
            }
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
