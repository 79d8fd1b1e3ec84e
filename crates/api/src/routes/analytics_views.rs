//! Schema-only responses of analytics: the OpenAPI statement of how `mgc_analytics`'s
//! `StationStat`, `PointStat`, `SaveReport` and `Job` serialize (the handlers return those types;
//! these only describe them, so they must follow them field by field: an `Option` serializes as
//! `null`, so it is required and nullable; a field skipped when empty is not required).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// Size of a calendar window (`mgc_kernel::Granularity`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GranularityName {
    /// An hour of local time.
    Hour,
    /// A local day.
    Day,
    /// A local month.
    Month,
    /// A local year.
    Year,
}

/// Energy per flow, Wh (`mgc_contracts::FlowEnergy`).
#[derive(Deserialize, ToSchema)]
pub struct FlowEnergyView {
    /// Drawn from the grid.
    grid_import_wh: i64,
    /// Fed into the grid.
    grid_export_wh: i64,
    /// Photovoltaic generation.
    pv_generation_wh: i64,
    /// Put into batteries.
    battery_charge_wh: i64,
    /// Taken out of batteries.
    battery_discharge_wh: i64,
    /// Site load.
    load_wh: i64,
    /// Delivered to EV chargers.
    charging_wh: i64,
}

/// Station energy in one 15-minute slot (`mgc_contracts::EnergySlot`).
#[derive(Deserialize, ToSchema)]
pub struct EnergySlotView {
    /// First instant of the slot.
    #[schema(format = DateTime)]
    start: String,
    /// First instant after the slot.
    #[schema(format = DateTime)]
    end: String,
    /// Energy per flow inside the slot.
    energy: FlowEnergyView,
}

/// One station statistic window (`StationStat`).
#[derive(Deserialize, ToSchema)]
pub struct StationStatView {
    /// Local label (`2026-03-08T02`, `2026-03-08`, `2026-03`, `2026`).
    period: String,
    /// First instant of the window.
    #[schema(format = DateTime)]
    start: String,
    /// First instant after the window.
    #[schema(format = DateTime)]
    end: String,
    /// Version, 1 when first closed.
    version: u32,
    /// Whether this is the version queries serve.
    current: bool,
    /// Energy per flow.
    energy: FlowEnergyView,
    /// Share of the window backed by data, 0..=1.
    coverage: f64,
    /// Why coverage is below 100 % (absent at full coverage).
    #[serde(default)]
    quality: String,
    /// 15-minute energy slots (absent when none are served).
    #[serde(default)]
    slots: Vec<EnergySlotView>,
    /// Finer statistics it was built from (absent when none).
    #[serde(default)]
    sources: Vec<crate::routes::settlement_views::SourceVersionView>,
    /// When it was calculated.
    #[schema(format = DateTime)]
    calculated_at: String,
}

/// One device point statistic window (`PointStat`).
#[derive(Deserialize, ToSchema)]
pub struct PointStatView {
    /// Device.
    #[schema(format = Uuid)]
    device_id: String,
    /// Semantic point.
    point: String,
    /// Window size.
    granularity: GranularityName,
    /// Local label.
    period: String,
    /// First instant of the window.
    #[schema(format = DateTime)]
    start: String,
    /// First instant after the window.
    #[schema(format = DateTime)]
    end: String,
    /// Version (that of the station window it was computed with).
    version: u32,
    /// Samples inside the window.
    count: i64,
    /// Smallest sample.
    #[schema(required = true)]
    min: Option<f64>,
    /// Largest sample.
    #[schema(required = true)]
    max: Option<f64>,
    /// Time-weighted mean (null for meters and without coverage).
    #[schema(required = true)]
    mean: Option<f64>,
    /// First sample.
    #[schema(required = true)]
    first: Option<f64>,
    /// Last sample.
    #[schema(required = true)]
    last: Option<f64>,
    /// Energy, Wh (null for points that are not power or energy).
    #[schema(required = true)]
    energy_wh: Option<i64>,
    /// Share of the window backed by data, 0..=1.
    coverage: f64,
    /// Why coverage is below 100 %.
    #[schema(required = true)]
    quality: Option<String>,
}

/// New statistic versions saved, per granularity (`SaveReport`).
#[derive(Deserialize, ToSchema)]
pub struct SaveReportView {
    /// Hours computed.
    hours_computed: u64,
    /// Hour versions saved (new or changed).
    hours_saved: u64,
    /// Day versions saved.
    days_saved: u64,
    /// Month versions saved.
    months_saved: u64,
    /// Year versions saved.
    years_saved: u64,
}

/// State of a background job (`JobState`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStateName {
    /// Waiting for a runner.
    Queued,
    /// Being worked on.
    Running,
    /// Finished without errors.
    Succeeded,
    /// Finished with errors.
    Failed,
}

/// Parameters of an `analytics.recompute` job (`RecomputeParams`).
#[derive(Deserialize, ToSchema)]
pub struct RecomputeJobParams {
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// Its zone when the job was asked for.
    time_zone: String,
    /// Start of the range.
    #[schema(format = DateTime)]
    from: String,
    /// End of the range.
    #[schema(format = DateTime)]
    to: String,
}

/// Parameters of a `shadow_run` job.
#[derive(Deserialize, ToSchema)]
pub struct ShadowRunJobParams {
    /// The run.
    #[schema(format = Uuid)]
    shadow_run_id: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// First local day.
    #[schema(format = Date)]
    from: String,
    /// Last local day.
    #[schema(format = Date)]
    to: String,
    /// Strategy type replayed.
    strategy: String,
}

/// A job's parameters, by its kind.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum JobParamsView {
    /// `analytics.recompute`.
    Recompute(RecomputeJobParams),
    /// `shadow_run`.
    ShadowRun(ShadowRunJobParams),
}

/// What a finished job produced, by its kind.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum JobResultView {
    /// `analytics.recompute`: the versions saved.
    Recompute(SaveReportView),
    /// `shadow_run`: the report's totals.
    ShadowRun(Box<crate::routes::shadow_report_views::RunTotalsView>),
}

/// A background job with progress (`mgc_analytics::Job`).
#[derive(Deserialize, ToSchema)]
pub struct JobView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// What it does: `analytics.recompute` or `shadow_run`.
    kind: String,
    /// Its parameters.
    params: JobParamsView,
    /// State.
    state: JobStateName,
    /// Units of work done.
    done: u64,
    /// Units of work in all.
    total: u64,
    /// Errors met (unit and message).
    errors: Vec<String>,
    /// What the job produced, once finished (null before).
    #[schema(required = true)]
    result: Option<JobResultView>,
    /// Who asked for it.
    created_by: String,
    /// When it was asked for.
    #[schema(format = DateTime)]
    created_at: String,
    /// When a runner started it.
    #[schema(format = DateTime, required = true)]
    started_at: Option<String>,
    /// When it finished.
    #[schema(format = DateTime, required = true)]
    finished_at: Option<String>,
}
