//! Schema-only responses of shadow runs: the OpenAPI statement of how
//! `mgc_strategy::ShadowReport` and its figures serialize (`report.json` and a run's `totals`;
//! the handlers return those types, these only describe them, so they must follow them field by
//! field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// Grid figures of one side (baseline or strategy) of a day or run (`GridFigures`).
#[derive(Deserialize, ToSchema)]
pub struct GridFiguresView {
    /// Energy drawn from the grid, Wh.
    import_wh: i64,
    /// Energy fed into the grid, Wh.
    export_wh: i64,
    /// Largest 15-minute average import, W.
    peak_demand_w: i64,
    /// Import cost, minor units (null when unpriced).
    #[schema(required = true)]
    import_cost_minor: Option<i64>,
    /// Export revenue, minor units (null when unpriced).
    #[schema(required = true)]
    export_revenue_minor: Option<i64>,
    /// Import cost − export revenue, minor units (null when unpriced).
    #[schema(required = true)]
    net_cost_minor: Option<i64>,
}

/// Battery figures of a day or run (`BatteryFigures`).
#[derive(Deserialize, ToSchema)]
pub struct BatteryFiguresView {
    /// Energy put into the battery, Wh.
    charged_wh: i64,
    /// Energy taken out of the battery, Wh.
    discharged_wh: i64,
    /// Equivalent full cycles.
    cycles: f64,
    /// Lowest state of charge, %.
    soc_min: f64,
    /// Highest state of charge, %.
    soc_max: f64,
    /// State of charge at the end, %.
    soc_end: f64,
}

/// One local day of the report (`DayReport`).
#[derive(Deserialize, ToSchema)]
pub struct DayReportView {
    /// Local date.
    #[schema(format = Date)]
    date: String,
    /// False when no tariff prices the day.
    priced: bool,
    /// History as it was.
    baseline: GridFiguresView,
    /// Under the strategy.
    strategy: GridFiguresView,
    /// Baseline net cost − strategy net cost, minor units (null when unpriced).
    #[schema(required = true)]
    savings_minor: Option<i64>,
    /// Baseline peak − strategy peak, W.
    peak_reduction_w: i64,
    /// The simulated battery.
    battery: BatteryFiguresView,
    /// PV energy curtailed by the strategy, Wh.
    curtailed_wh: i64,
    /// Minutes without a usable grid reading.
    gap_minutes: i64,
}

/// Figures over the whole run (`RunTotals`).
#[derive(Deserialize, ToSchema)]
pub struct RunTotalsView {
    /// Days replayed.
    days: u32,
    /// Days no tariff priced.
    unpriced_days: u32,
    /// Currency of the costs (null when no day was priced).
    #[schema(required = true)]
    currency: Option<String>,
    /// History as it was.
    baseline: GridFiguresView,
    /// Under the strategy.
    strategy: GridFiguresView,
    /// Sum of the priced days' savings, minor units.
    savings_minor: i64,
    /// Baseline peak − strategy peak over the run, W.
    peak_reduction_w: i64,
    /// Battery over the run.
    battery: BatteryFiguresView,
    /// PV curtailed, Wh.
    curtailed_wh: i64,
    /// Minutes without a usable grid reading.
    gap_minutes: i64,
}

/// The full report of a finished run (`ShadowReport`, `report.json`).
#[derive(Deserialize, ToSchema)]
pub struct ShadowReportView {
    /// Per local day.
    days: Vec<DayReportView>,
    /// Over the run.
    totals: RunTotalsView,
}

/// The saved strategy and version a run's parameters were taken from (`SavedStrategyRef`).
#[derive(Deserialize, ToSchema)]
pub struct SavedStrategyRefView {
    /// The strategy.
    #[schema(format = Uuid)]
    id: String,
    /// Its version whose parameters are replayed.
    version: i64,
}
