//! The composition root's event wiring: every consumer of the outbox, registered in one place
//! that `mgc serve` and the test harness both call, so a consumer can never be wired in
//! production and missing in tests, or the reverse.

use mgc_api::ApiConfig;
use mgc_eventing::Dispatcher;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;

/// Registers every production consumer with `dispatcher`.
pub fn register_consumers(dispatcher: &mut Dispatcher<Store>, config: &ApiConfig, clock: &SharedClock) {
    dispatcher.register(Arc::new(mgc_adapter_thingsboard::UnroutedReplay));
    dispatcher
        .register(Arc::new(mgc_analytics::app::late_data::TelemetryArrivals { config: config.analytics.clone() }));
    dispatcher.register(Arc::new(mgc_settlement::DaySettlementConsumer::new(clock.clone())));
    dispatcher.register(Arc::new(mgc_strategy::CommandOutcomeConsumer));
    dispatcher.register(Arc::new(mgc_commands::CommandRequestedConsumer::new(clock.clone(), config.commands.clone())));
    dispatcher.register(Arc::new(mgc_alarms::TelemetryAlarmConsumer::new(clock.clone())));
    dispatcher.register(Arc::new(mgc_alarms::ChargingAlarmConsumer::new(clock.clone())));
    dispatcher.register(Arc::new(mgc_platform::OrderSessionLinker));
    // After the linker: a session's start is told to platforms with the order it just linked.
    dispatcher.register(Arc::new(mgc_platform::SubscriptionNotifier::new(clock.clone())));
}
