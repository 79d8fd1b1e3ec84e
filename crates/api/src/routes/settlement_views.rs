//! Schema-only responses of settlements: the OpenAPI statement of how `mgc_settlement::Settlement`,
//! `SettlementVersion`, `Adjustment` and their figures serialize (the handlers return those types;
//! these only describe them, so they must follow them field by field: an `Option` serializes as
//! `null`, so it is required and nullable).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// Lifecycle of a daily settlement (`mgc_settlement::SettlementState`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SettlementStateName {
    /// No tariff could price the day.
    Unpriced,
    /// Priced; a newer day statistic makes a new version.
    Calculated,
    /// Final; a newer day statistic makes an adjustment instead.
    Frozen,
}

/// Which tariff version priced a figure (`TariffRef`).
#[derive(Deserialize, ToSchema)]
pub struct TariffRefView {
    /// Tariff.
    #[schema(format = Uuid)]
    tariff_id: String,
    /// Its version.
    tariff_version: u32,
}

/// Which hour statistic version a figure was built from (`mgc_contracts::SourceVersion`).
#[derive(Deserialize, ToSchema)]
pub struct SourceVersionView {
    /// Local label of the source window (`2026-03-08T02`).
    period: String,
    /// First instant of the source window.
    #[schema(format = DateTime)]
    start: String,
    /// Version of the source statistic.
    version: u32,
}

/// Energy and amount of one price band (`BandLine`).
#[derive(Deserialize, ToSchema)]
pub struct BandLineView {
    /// Band name (`sharp`, `peak`, `flat`, `valley`, ...).
    band: String,
    /// Energy, Wh.
    wh: i64,
    /// Price, ten-thousandths of the currency unit per kWh.
    price_ten_thousandths: i64,
    /// Amount, minor units.
    amount_minor: i64,
}

/// The priced figures of a day (`DayFigures`).
#[derive(Deserialize, ToSchema)]
pub struct DayFiguresView {
    /// ISO 4217 code.
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    /// Import per band.
    import: Vec<BandLineView>,
    /// Export per band.
    export: Vec<BandLineView>,
    /// Imported energy, Wh.
    import_wh: i64,
    /// Exported energy, Wh.
    export_wh: i64,
    /// Import cost, minor units.
    import_cost_minor: i64,
    /// Export revenue, minor units.
    export_revenue_minor: i64,
    /// Import cost − export revenue, minor units.
    net_minor: i64,
}

/// The change of one band (`BandDelta`).
#[derive(Deserialize, ToSchema)]
pub struct BandDeltaView {
    /// Band name.
    band: String,
    /// Energy change, Wh.
    wh: i64,
    /// Amount change, minor units.
    amount_minor: i64,
}

/// The difference of an adjustment (`FigureDelta`).
#[derive(Deserialize, ToSchema)]
pub struct FigureDeltaView {
    /// ISO 4217 code.
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    /// Import changes per band.
    import: Vec<BandDeltaView>,
    /// Export changes per band.
    export: Vec<BandDeltaView>,
    /// Imported energy change, Wh.
    import_wh: i64,
    /// Exported energy change, Wh.
    export_wh: i64,
    /// Import cost change, minor units.
    import_cost_minor: i64,
    /// Export revenue change, minor units.
    export_revenue_minor: i64,
    /// Net change, minor units.
    net_minor: i64,
}

/// A daily settlement (`mgc_settlement::Settlement`).
#[derive(Deserialize, ToSchema)]
pub struct SettlementView {
    /// Id shared by all versions.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Local date.
    #[schema(format = Date)]
    day: String,
    /// Station time zone.
    time_zone: String,
    /// First instant of the day.
    #[schema(format = DateTime)]
    day_start: String,
    /// First instant after the day.
    #[schema(format = DateTime)]
    day_end: String,
    /// Lifecycle state.
    state: SettlementStateName,
    /// Current version number.
    version: u32,
    /// When it was frozen.
    #[schema(format = DateTime, required = true)]
    frozen_at: Option<String>,
    /// When version 1 was made.
    #[schema(format = DateTime)]
    created_at: String,
    /// When the state or version last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One version of a daily settlement (`SettlementVersion`).
#[derive(Deserialize, ToSchema)]
pub struct SettlementVersionView {
    /// Version number.
    version: u32,
    /// Why this version was made.
    cause: String,
    /// Day statistic version priced.
    stat_version: u32,
    /// Hour statistic versions behind it.
    sources: Vec<SourceVersionView>,
    /// Tariff version used (null when unpriced).
    #[schema(required = true)]
    tariff: Option<TariffRefView>,
    /// The figures (null when unpriced).
    #[schema(required = true)]
    figures: Option<DayFiguresView>,
    /// Why the day could not be priced.
    #[schema(required = true)]
    unpriced_reason: Option<String>,
    /// When the version was made.
    #[schema(format = DateTime)]
    calculated_at: String,
}

/// A correction of a frozen day (`Adjustment`).
#[derive(Deserialize, ToSchema)]
pub struct AdjustmentView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// The frozen settlement.
    #[schema(format = Uuid)]
    settlement_id: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Local date.
    #[schema(format = Date)]
    day: String,
    /// Frozen settlement version the difference is against.
    frozen_version: u32,
    /// Why.
    reason: String,
    /// New day statistic version.
    stat_version: u32,
    /// New hour statistic versions.
    sources: Vec<SourceVersionView>,
    /// Tariff version used.
    tariff: TariffRefView,
    /// The recomputed figures.
    figures: DayFiguresView,
    /// The difference against what was frozen plus earlier adjustments.
    delta: FigureDeltaView,
    /// When it was made.
    #[schema(format = DateTime)]
    created_at: String,
    /// Issued statement that consumed it (pending while null).
    #[schema(format = Uuid, required = true)]
    statement_id: Option<String>,
}
