//! Settlement context: tariffs (fixed or time-of-use with seasons and day types), the daily
//! settlement of a station's grid import and export priced slot by slot, freezing, versions and
//! adjustments, and monthly statements.
//!
//! The context consumes only day `StatisticCalculated` events (see [`app::consumer`]); it keeps
//! the day's input in its own table so a day can be re-priced without analytics.
//!
//! # Pricing a day without a database
//!
//! [`TariffSpec`] is the tariff as an operator writes it (the JSON of `POST /api/v1/tariffs`);
//! [`TariffSpec::validate`] turns it into [`TariffRules`], and
//! [`domain::pricing::price_day`] prices a local day's 15-minute energy slots into
//! [`DayFigures`] — per band, rounded once per band and day, in minor units:
//!
//! ```
//! use chrono::{Duration, NaiveDate, TimeZone, Utc};
//! use mgc_contracts::{EnergySlot, FlowEnergy};
//! use mgc_kernel::StationTz;
//! use mgc_settlement::domain::pricing::price_day;
//! use mgc_settlement::TariffSpec;
//!
//! // Valley 0.30 CNY/kWh at night, peak 1.00 in the morning, flat 0.60 after; feed-in 0.30.
//! let spec: TariffSpec = serde_json::from_value(serde_json::json!({
//!     "name": "three bands", "currency": "CNY", "valid_from": "2026-01-01",
//!     "import": {"kind": "time_of_use", "bands": {"peak": "1.00", "flat": "0.60", "valley": "0.30"},
//!         "seasons": [{"name": "all year", "from_month": 1, "to_month": 12, "days": [
//!             {"days": "all", "periods": [
//!                 {"from": "00:00", "to": "08:00", "band": "valley"},
//!                 {"from": "08:00", "to": "12:00", "band": "peak"},
//!                 {"from": "12:00", "to": "24:00", "band": "flat"}]}]}]},
//!     "export": {"kind": "fixed", "price": "0.30"}
//! }))?;
//! let rules = spec.validate()?;
//!
//! // Local day 2026-03-10 in Shanghai (UTC+8): 1 kW drawn all day (250 Wh per slot), and
//! // 100 Wh per slot fed in from noon.
//! let tz = StationTz::parse("Asia/Shanghai")?;
//! let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
//! let start = Utc.with_ymd_and_hms(2026, 3, 9, 16, 0, 0).unwrap();
//! let slots: Vec<EnergySlot> = (0..96)
//!     .map(|i| EnergySlot {
//!         start: start + Duration::minutes(15 * i),
//!         end: start + Duration::minutes(15 * (i + 1)),
//!         energy: FlowEnergy { grid_import_wh: 250, grid_export_wh: if i >= 48 { 100 } else { 0 }, ..FlowEnergy::default() },
//!     })
//!     .collect();
//!
//! let figures = price_day(&rules, day, tz, &slots)?;
//! // valley 8000 Wh × 0.30 = 240 fen, peak 4000 Wh × 1.00 = 400, flat 12000 Wh × 0.60 = 720
//! let bands: Vec<(&str, i64, i64)> = figures.import.iter().map(|l| (l.band.as_str(), l.wh, l.amount_minor)).collect();
//! assert_eq!(bands, [("peak", 4000, 400), ("flat", 12000, 720), ("valley", 8000, 240)]);
//! assert_eq!(figures.import_cost_minor, 1360);
//! assert_eq!(figures.export_revenue_minor, 144); // 4800 Wh × 0.30
//! assert_eq!(figures.net_minor, 1216);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
