//! The event consumers a running service registers with its outbox dispatcher.

use crate::ApiConfig;
use mgc_eventing::Dispatcher;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;

/// Registers every production consumer (used by `mgc serve` and by the tests' event pump).
pub fn register_consumers(dispatcher: &mut Dispatcher<Store>, config: &ApiConfig, clock: &SharedClock) {
    dispatcher.register(Arc::new(mgc_adapter_thingsboard::UnroutedReplay));
    dispatcher
        .register(Arc::new(mgc_analytics::app::late_data::TelemetryArrivals { config: config.analytics.clone() }));
    dispatcher.register(Arc::new(mgc_settlement::DaySettlementConsumer::new(clock.clone())));
    dispatcher.register(Arc::new(mgc_strategy::CommandOutcomeConsumer));
    dispatcher.register(Arc::new(mgc_commands::CommandRequestedConsumer::new(clock.clone(), config.commands.clone())));
}
