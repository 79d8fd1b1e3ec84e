//! One evaluation of a strategy, as recorded: the inputs it saw, its decision, and the commands
//! it requested or why none. [`plan`] is the pure step from (strategy, inputs, what was sent
//! before, the station's devices) to the execution and the set-points now sent.

use super::decide::decide;
use super::decision::{to_send, Actuator, Decision, Setpoint};
use super::inputs::StationInputs;
use super::params::StrategyParams;
use super::strategy::Strategy;
use super::targets::StationSite;
use crate::{ExecutionId, StrategyId};
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an execution came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Commands were requested.
    CommandsRequested,
    /// The decision equals what was last sent (within the deadband).
    NoChange,
    /// An input the strategy needs is unknown or stale.
    InputsMissing,
    /// The decision holds no set-point (e.g. no schedule entry yet).
    NoSetpoint,
    /// The set-points to send have no device to go to.
    NoTarget,
}

impl Outcome {
    /// The snake_case name (metrics label, stored value).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::CommandsRequested => "commands_requested",
            Outcome::NoChange => "no_change",
            Outcome::InputsMissing => "inputs_missing",
            Outcome::NoSetpoint => "no_setpoint",
            Outcome::NoTarget => "no_target",
        }
    }

    /// Parses [`Outcome::as_str`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::CommandsRequested, Outcome::NoChange, Outcome::InputsMissing, Outcome::NoSetpoint, Outcome::NoTarget]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// A command an execution requested of one device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestedCommand {
    /// Target device.
    pub device_id: DeviceId,
    /// What it acts on.
    pub actuator: Actuator,
    /// RPC method.
    pub method: String,
    /// RPC parameters.
    pub params: Value,
    /// Key the commands context deduplicates on.
    pub idempotency_key: String,
}

/// One recorded evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// Id.
    pub id: ExecutionId,
    /// The strategy.
    pub strategy_id: StrategyId,
    /// Its version when it decided.
    pub strategy_version: i64,
    /// Its station.
    pub station_id: StationId,
    /// When it ran.
    pub at: DateTime<Utc>,
    /// What it saw.
    pub inputs: StationInputs,
    /// What it decided and why.
    pub decision: Decision,
    /// What came of it.
    pub outcome: Outcome,
    /// Why no (or not every) command was requested, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Commands requested, one per (set-point, device).
    pub commands: Vec<RequestedCommand>,
}

/// A set-point now sent for an actuator, and to which devices (the new "last sent").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentSetpoint {
    /// The set-point.
    pub setpoint: Setpoint,
    /// Devices it went to.
    pub device_ids: Vec<DeviceId>,
}

/// The inputs a strategy of these parameters cannot decide without, that are unknown now.
#[must_use]
pub fn missing_inputs(params: &StrategyParams, i: &StationInputs) -> Vec<&'static str> {
    let needed: &[(&str, bool)] = match params {
        StrategyParams::Schedule(_) => &[],
        StrategyParams::PeakShaving(_) => {
            &[("grid_power_w", i.grid_power_w.is_none()), ("soc_pct", i.soc_pct.is_none())]
        }
        StrategyParams::AntiBackflow(_) => {
            &[("grid_power_w", i.grid_power_w.is_none()), ("pv_power_w", i.pv_power_w.is_none())]
        }
        StrategyParams::TouArbitrage(_) => &[("soc_pct", i.soc_pct.is_none()), ("tariff band", i.band.is_none())],
    };
    needed.iter().filter(|(_, missing)| *missing).map(|(name, _)| *name).collect()
}

/// The idempotency key of a command: `<execution_id>:<device_id>`, with `:<method>` appended
/// when the execution sends that device more than one command.
fn key(execution: ExecutionId, device: DeviceId, method: &str, several: bool) -> String {
    if several {
        format!("{execution}:{device}:{method}")
    } else {
        format!("{execution}:{device}")
    }
}

/// Evaluates `strategy` on `inputs`: the execution to record and the set-points now sent.
/// `last_sent` holds the set-points last sent per actuator (forgotten after a failed command).
#[must_use]
pub fn plan(
    strategy: &Strategy,
    id: ExecutionId,
    inputs: StationInputs,
    site: &StationSite,
    last_sent: &[Setpoint],
    max_input_age_s: i64,
) -> (Execution, Vec<SentSetpoint>) {
    let mut ex = Execution {
        id,
        strategy_id: strategy.id,
        strategy_version: strategy.version,
        station_id: strategy.station_id,
        at: inputs.at,
        decision: Decision::none(""),
        inputs,
        outcome: Outcome::NoSetpoint,
        note: None,
        commands: Vec::new(),
    };
    let missing = missing_inputs(&strategy.params, &ex.inputs);
    if !missing.is_empty() {
        let why = format!("inputs missing: {} (none fresher than {max_input_age_s} s)", missing.join(", "));
        ex.decision = Decision::none(why.clone());
        ex.outcome = Outcome::InputsMissing;
        ex.note = Some(why);
        return (ex, Vec::new());
    }
    ex.decision = decide(&strategy.params, &ex.inputs);
    if ex.decision.setpoints.is_empty() {
        ex.note = Some(format!("no set-point decided: {}", ex.decision.reason));
        return (ex, Vec::new());
    }
    let wanted = to_send(&ex.decision.setpoints, last_sent, strategy.deadband_w);
    if wanted.is_empty() {
        ex.outcome = Outcome::NoChange;
        ex.note = Some("no change since last sent".to_owned());
        return (ex, Vec::new());
    }
    let routed: Vec<(Setpoint, Vec<DeviceId>)> = wanted
        .into_iter()
        .map(|s| {
            let devices = site.devices_for(s.actuator(), strategy.targets.as_ref());
            (s, devices)
        })
        .collect();
    let mut unrouted = Vec::new();
    let mut sent = Vec::new();
    for (setpoint, devices) in &routed {
        if devices.is_empty() {
            unrouted.push(format!("no target device for {}", setpoint.rpc().0));
            continue;
        }
        let (method, params) = setpoint.rpc();
        for device in devices {
            let several = routed.iter().filter(|(_, ds)| ds.contains(device)).count() > 1;
            ex.commands.push(RequestedCommand {
                device_id: *device,
                actuator: setpoint.actuator(),
                method: method.to_owned(),
                params: params.clone(),
                idempotency_key: key(id, *device, method, several),
            });
        }
        sent.push(SentSetpoint { setpoint: setpoint.clone(), device_ids: devices.clone() });
    }
    ex.outcome = if ex.commands.is_empty() { Outcome::NoTarget } else { Outcome::CommandsRequested };
    if !unrouted.is_empty() {
        ex.note = Some(unrouted.join("; "));
    }
    (ex, sent)
}

#[cfg(test)]
#[path = "execution_tests.rs"]
mod tests;
