//! Settlement context: tariffs (fixed or time-of-use with seasons and day types), the daily
//! settlement of a station's grid import and export priced slot by slot, freezing, versions and
//! adjustments, and monthly statements.
//!
//! The context consumes only day `StatisticCalculated` events (see [`app::consumer`]); it keeps
//! the day's input in its own table so a day can be re-priced without analytics.

#![warn(missing_docs)]

pub mod app;
pub mod domain;

pub use app::consumer::DaySettlementConsumer;
pub use domain::error::SettlementError;
pub use domain::figures::{BandLine, DayFigures, FigureDelta};
pub use domain::ids::{AdjustmentId, SettlementId, StatementId, TariffId};
pub use domain::listing::{SettlementFilter, StatementFilter};
pub use domain::ports::{
    SettlementQueries, SettlementRepository, StatementRepository, StationDirectory, TariffRepository,
};
pub use domain::schedule::{DayType, DayVariantSpec, PeriodSpec, ScheduleSpec, SeasonSpec};
pub use domain::settlement::{Adjustment, DayInput, Settlement, SettlementState, SettlementVersion, TariffRef};
pub use domain::statement::{content_hash, Statement, StatementContent, StatementState};
pub use domain::tariff::{Tariff, TariffAssignment, TariffRules, TariffSpec};
pub use domain::version_hash::settlement_content_hash;
