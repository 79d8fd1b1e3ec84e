//! Schema-only responses of strategies: the OpenAPI statement of how `mgc_strategy::Strategy` and
//! `StrategyParams` serialize (the handlers return those types; these only describe them, so they
//! must follow them field by field). The parameters are those the request bodies describe: what
//! the service stores is what it accepted.

#![allow(dead_code)]

use crate::routes::strategy_schemas::{
    AntiBackflowParamsBody, AntiBackflowType, PeakShavingParamsBody, PeakShavingType, ScheduleParamsBody, ScheduleType,
    TargetsBody, TouArbitrageParamsBody, TouArbitrageType,
};
use serde::Deserialize;
use utoipa::ToSchema;

/// `type: schedule` with its parameters.
#[derive(Deserialize, ToSchema)]
pub struct ScheduleParamsView {
    /// The type.
    #[serde(rename = "type")]
    type_name: ScheduleType,
    /// Its parameters.
    params: ScheduleParamsBody,
}

/// `type: peak_shaving` with its parameters.
#[derive(Deserialize, ToSchema)]
pub struct PeakShavingParamsView {
    /// The type.
    #[serde(rename = "type")]
    type_name: PeakShavingType,
    /// Its parameters.
    params: PeakShavingParamsBody,
}

/// `type: anti_backflow` with its parameters.
#[derive(Deserialize, ToSchema)]
pub struct AntiBackflowParamsView {
    /// The type.
    #[serde(rename = "type")]
    type_name: AntiBackflowType,
    /// Its parameters.
    params: AntiBackflowParamsBody,
}

/// `type: tou_arbitrage` with its parameters.
#[derive(Deserialize, ToSchema)]
pub struct TouArbitrageParamsView {
    /// The type.
    #[serde(rename = "type")]
    type_name: TouArbitrageType,
    /// Its parameters.
    params: TouArbitrageParamsBody,
}

/// A strategy type and its parameters (`mgc_strategy::StrategyParams`): `{"type", "params"}`.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StrategyParamsView {
    /// `schedule`.
    Schedule(ScheduleParamsView),
    /// `peak_shaving`.
    PeakShaving(PeakShavingParamsView),
    /// `anti_backflow`.
    AntiBackflow(AntiBackflowParamsView),
    /// `tou_arbitrage`.
    TouArbitrage(TouArbitrageParamsView),
}

/// A strategy of one station (`mgc_strategy::Strategy`).
#[derive(Deserialize, ToSchema)]
pub struct StrategyView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Owning tenant.
    tenant: String,
    /// The station it controls.
    #[schema(format = Uuid)]
    station_id: String,
    /// Display name.
    name: String,
    /// `type` and `params`.
    #[serde(flatten)]
    params: StrategyParamsView,
    /// Evaluated by the scheduler when true.
    enabled: bool,
    /// 1 on creation, + 1 per change.
    version: i64,
    /// Target devices given by the client (absent: the station's defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    targets: Option<TargetsBody>,
    /// Battery power or PV limit moves within this many watts are not sent again.
    deadband_w: i64,
    /// Seconds each requested command may take.
    command_timeout_s: u32,
    /// When it was deleted (only on the versions of a deleted strategy).
    #[serde(default)]
    #[schema(format = DateTime)]
    deleted_at: String,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Last changed.
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One page of strategies.
#[derive(Deserialize, ToSchema)]
pub struct StrategyPage {
    /// Strategies.
    items: Vec<StrategyView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
