//! Consumer of `StatisticCalculated`: settles every day statistic (hour, month and year ones are
//! ignored). Idempotent twice over: the dispatcher's processed-event mark commits with the
//! settlement, and an input not newer than the stored one changes nothing.

use super::settle::record_day_input;
use crate::domain::settlement::DayInput;
use crate::{SettlementRepository, TariffRepository};
use async_trait::async_trait;
use mgc_contracts::{EventEnvelope, IntegrationEvent, StatisticCalculated};
use mgc_eventing::{EventHandler, HandlerError, OutboxWriter};
use mgc_kernel::SharedClock;

/// Settles each day statistic in the dispatcher's transaction.
#[derive(Clone)]
pub struct DaySettlementConsumer {
    clock: SharedClock,
}

impl DaySettlementConsumer {
    /// A consumer stamping its writes with `clock`.
    #[must_use]
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl<Tx> EventHandler<Tx> for DaySettlementConsumer
where
    Tx: SettlementRepository + TariffRepository + OutboxWriter + Send,
{
    fn consumer(&self) -> &'static str {
        "settlement.daily"
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![StatisticCalculated::TYPE]
    }

    /// Only day statistics are settled: hour, month and year events skip the transaction.
    fn accepts(&self, event: &EventEnvelope) -> bool {
        event.payload.get("granularity").and_then(|g| g.as_str()) == Some("day")
    }

    async fn handle(&self, tx: &mut Tx, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: StatisticCalculated = event.decode().map_err(HandlerError::new)?;
        let now = self.clock.now();
        let Some(input) = DayInput::from_event(&event.tenant_id, &ev, now).map_err(HandlerError::new)? else {
            return Ok(());
        };
        let outcome = record_day_input(tx, input, now).await.map_err(HandlerError::new)?;
        tracing::debug!(station = %ev.station_id, day = %ev.period, version = ev.version, ?outcome, "day settled");
        Ok(())
    }
}
