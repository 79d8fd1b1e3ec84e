//! The idempotent consumer of `ChargingSessionStarted`: a session that starts on a port where a
//! platform just placed an order is that order's session, so the platform can reconcile by its
//! order number (the order shows its `session_id`).

use crate::OrderRepository;
use async_trait::async_trait;
use mgc_charging::{ChargePointId, SessionId};
use mgc_contracts::{ChargingSessionStarted, EventEnvelope, IntegrationEvent};
use mgc_eventing::{EventHandler, HandlerError};

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "platform.order_sessions";

/// Links started sessions to the orders that asked for them.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderSessionLinker;

#[async_trait]
impl<T: OrderRepository> EventHandler<T> for OrderSessionLinker {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![ChargingSessionStarted::TYPE]
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: ChargingSessionStarted = event.decode().map_err(HandlerError::new)?;
        let cp = ChargePointId::from_uuid(ev.charge_point_id);
        let session = SessionId::from_uuid(ev.session_id);
        let linked = tx
            .link_session(&event.tenant_id, cp, ev.connector, session, ev.started_at)
            .await
            .map_err(HandlerError::new)?;
        if let Some(order) = linked {
            tracing::debug!(%order, session = %session, "platform order linked to its session");
        }
        Ok(())
    }
}
