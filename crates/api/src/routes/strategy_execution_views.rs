//! Schema-only responses of strategy executions: the OpenAPI statement of how
//! `mgc_strategy::Execution` serializes (the handlers return it; these only describe it, so they
//! must follow it field by field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// A station's state at one moment (`StationInputs`).
#[derive(Deserialize, ToSchema)]
pub struct StationInputsView {
    /// The moment (UTC).
    #[schema(format = DateTime)]
    at: String,
    /// The same moment on the station's wall clock (no offset).
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$")]
    local: String,
    /// Net power at the grid connection (W): positive imports.
    #[schema(required = true)]
    grid_power_w: Option<f64>,
    /// PV generation (W).
    #[schema(required = true)]
    pv_power_w: Option<f64>,
    /// Battery power (W): positive discharges.
    #[schema(required = true)]
    battery_power_w: Option<f64>,
    /// Battery state of charge (%).
    #[schema(required = true)]
    soc_pct: Option<f64>,
    /// Import band of the station's tariff now.
    #[schema(required = true)]
    band: Option<String>,
}

/// One set-point (`Setpoint`), by `kind`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetpointView {
    /// Battery power (W): positive discharges, negative charges.
    BatteryPower {
        /// Watts.
        power_w: i64,
    },
    /// PV output limit (W); null lifts the limit.
    PvLimit {
        /// Watts, or null.
        #[schema(required = true)]
        limit_w: Option<i64>,
    },
    /// PCS operating mode.
    PcsMode {
        /// Mode name.
        mode: String,
    },
}

/// What a strategy decided and why (`Decision`).
#[derive(Deserialize, ToSchema)]
pub struct DecisionView {
    /// Set-points that should hold now.
    setpoints: Vec<SetpointView>,
    /// Why, in words.
    reason: String,
}

/// What a set-point acts on (`Actuator`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActuatorName {
    /// The battery.
    Battery,
    /// The PCS's operating mode.
    PcsMode,
    /// The PV inverters' output limit.
    Pv,
}

/// RPC parameters of `setBatteryPower`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatteryPowerParams {
    /// Watts.
    power_w: i64,
}

/// RPC parameters of `setPvPowerLimit`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PvLimitParams {
    /// Watts, or null (no limit).
    #[schema(required = true)]
    limit_w: Option<i64>,
}

/// RPC parameters of `setPcsMode`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PcsModeParams {
    /// Mode name.
    mode: String,
}

/// RPC parameters of a set-point, by method.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SetpointRpcParams {
    /// `setBatteryPower`.
    BatteryPower(BatteryPowerParams),
    /// `setPvPowerLimit`.
    PvLimit(PvLimitParams),
    /// `setPcsMode`.
    PcsMode(PcsModeParams),
}

/// A command an execution requested of one device (`RequestedCommand`).
#[derive(Deserialize, ToSchema)]
pub struct RequestedCommandView {
    /// Target device.
    #[schema(format = Uuid)]
    device_id: String,
    /// What it acts on.
    actuator: ActuatorName,
    /// RPC method.
    #[schema(pattern = "^(setBatteryPower|setPvPowerLimit|setPcsMode)$")]
    method: String,
    /// RPC parameters.
    params: SetpointRpcParams,
    /// Key the commands context deduplicates on.
    idempotency_key: String,
}

/// What an execution came to (`Outcome`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeName {
    /// Commands were requested.
    CommandsRequested,
    /// The decision equals what was last sent.
    NoChange,
    /// An input the strategy needs is unknown or stale.
    InputsMissing,
    /// The decision holds no set-point.
    NoSetpoint,
    /// The set-points have no device to go to.
    NoTarget,
}

/// One recorded evaluation of a strategy (`mgc_strategy::Execution`).
#[derive(Deserialize, ToSchema)]
pub struct ExecutionView {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// The strategy.
    #[schema(format = Uuid)]
    strategy_id: String,
    /// Its version when it decided.
    strategy_version: i64,
    /// Its station.
    #[schema(format = Uuid)]
    station_id: String,
    /// When it ran.
    #[schema(format = DateTime)]
    at: String,
    /// What it saw.
    inputs: StationInputsView,
    /// What it decided and why.
    decision: DecisionView,
    /// What came of it.
    outcome: OutcomeName,
    /// Why no (or not every) command was requested (absent otherwise).
    #[serde(default)]
    note: String,
    /// Commands requested, one per (set-point, device).
    commands: Vec<RequestedCommandView>,
}

/// One page of executions.
#[derive(Deserialize, ToSchema)]
pub struct ExecutionPage {
    /// Executions, newest first.
    items: Vec<ExecutionView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
