//! Strategy context: what a station's battery, PCS and PV should do, decided by pure functions
//! of (inputs, parameters, time) — schedules, peak shaving, anti-backflow and time-of-use
//! arbitrage — run on schedule (executions that request commands through the outbox) and
//! replayed over history with a simulated battery (shadow runs).

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use domain::decide::decide;
pub use domain::decision::{Actuator, Decision, Setpoint};
pub use domain::inputs::StationInputs;
pub use domain::params::{
    AntiBackflowParams, BatteryLimits, DaySelector, PeakShavingParams, ScheduleEntry, ScheduleParams, StrategyParams,
    TouArbitrageParams,
};
pub use domain::ports::{DayCost, TariffView};
pub use domain::readings::{assemble, DeviceReading};
pub use domain::shadow::battery::BatteryModel;
pub use domain::shadow::ports::{HistoryReader, ShadowRunStore};
pub use domain::shadow::report::ShadowReport;
pub use domain::shadow::run::{RunNotice, RunState, ShadowRun, ShadowRunId, ShadowRunSpec};
