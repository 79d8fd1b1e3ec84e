//! Strategy context: what a station's battery, PCS and PV should do, decided by pure functions
//! of (inputs, parameters, time) — schedules, peak shaving, anti-backflow and time-of-use
//! arbitrage — run on schedule (executions that request commands through the outbox) and
//! replayed over history with a simulated battery (shadow runs).

#![warn(missing_docs)]

pub mod app;
pub mod domain;

mgc_kernel::define_id!(
    /// Identifies a strategy.
    StrategyId
);
mgc_kernel::define_id!(
    /// Identifies one evaluation (execution) of a strategy.
    ExecutionId
);

pub use app::command_outcomes::CommandOutcomeConsumer;
pub use app::manage::{create_strategy, delete_strategy, set_strategy_enabled, update_strategy};
pub use app::scheduler::{run_round, RoundReport, SchedulerConfig};
pub use domain::decide::decide;
pub use domain::decision::{Actuator, Decision, Setpoint};
pub use domain::error::StrategyError;
pub use domain::execution::{Execution, Outcome, RequestedCommand, SentSetpoint};
pub use domain::inputs::StationInputs;
pub use domain::params::{
    AntiBackflowParams, BatteryLimits, DaySelector, PeakShavingParams, ScheduleEntry, ScheduleParams, StrategyParams,
    TouArbitrageParams,
};
pub use domain::ports::{DayCost, TariffView};
pub use domain::readings::{assemble, DeviceReading};
pub use domain::repository::{
    LastSent, LatestReadings, StrategyFilter, StrategyQueries, StrategyRepository, StrategyTx, StrategyUnits,
};
pub use domain::shadow::battery::BatteryModel;
pub use domain::shadow::ports::{HistoryReader, ShadowRunStore};
pub use domain::shadow::report::ShadowReport;
pub use domain::shadow::run::{RunNotice, RunState, ShadowRun, ShadowRunId, ShadowRunSpec};
pub use domain::strategy::{Strategy, StrategyInput, Targets};
pub use domain::targets::{SiteDevice, StationSite};
