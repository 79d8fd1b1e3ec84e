//! Strategy context: what a station's battery, PCS and PV should do, decided by pure functions
//! of (inputs, parameters, time) — schedules, peak shaving, anti-backflow and time-of-use
//! arbitrage — run on schedule (executions that request commands through the outbox) and
//! replayed over history with a simulated battery (shadow runs).
//!
//! # Deciding a peak-shaving step
//!
//! [`decide`] is a pure function of the parameters and the station's inputs at one moment:
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use mgc_strategy::{decide, BatteryLimits, PeakShavingParams, StationInputs, StrategyParams};
//!
//! let params = StrategyParams::PeakShaving(PeakShavingParams {
//!     import_limit_w: 50_000,
//!     recharge_below_w: 30_000,
//!     battery: BatteryLimits { min_soc_pct: 10.0, max_soc_pct: 90.0, max_charge_w: 15_000, max_discharge_w: 20_000 },
//! });
//! let local = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(18, 0, 0).unwrap();
//! let mut inputs = StationInputs {
//!     at: Utc.from_utc_datetime(&local),
//!     local,
//!     grid_power_w: Some(62_000.0), // the site draws 62 kW from the grid
//!     pv_power_w: None,
//!     battery_power_w: Some(0.0),
//!     soc_pct: Some(55.0),
//!     band: None,
//! };
//! // 12 kW over the limit: discharge 12 kW (positive battery power discharges).
//! assert_eq!(decide(&params, &inputs).battery_power_w(), Some(12_000));
//!
//! // 20 kW drawn is under the recharge level (30 kW): charge at 10 kW, keeping import at 30 kW.
//! inputs.grid_power_w = Some(20_000.0);
//! assert_eq!(decide(&params, &inputs).battery_power_w(), Some(-10_000));
//!
//! // An empty battery does not discharge, and the decision says why.
//! inputs.grid_power_w = Some(62_000.0);
//! inputs.soc_pct = Some(10.0);
//! let decision = decide(&params, &inputs);
//! assert_eq!(decision.battery_power_w(), Some(0));
//! assert!(decision.reason.contains("min"), "{}", decision.reason);
//! ```

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
