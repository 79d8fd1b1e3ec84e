//! Row mapping of strategies, last-sent set-points and executions.

use crate::rows::{tenant_of, to_u32, RowExt};
use mgc_kernel::{RepoError, StationId, StationTz};
use mgc_strategy::{
    Actuator, Execution, ExecutionId, LastSent, Outcome, SentSetpoint, SiteDevice, StationSite, Strategy, StrategyId,
};
use serde::de::DeserializeOwned;

pub(crate) const STRATEGY_COLUMNS: &str = "id, tenant_id, station_id, name, type, params, enabled, version, targets, \
     deadband_w, command_timeout_s, deleted_at, created_at, updated_at";

pub(crate) const EXECUTION_COLUMNS: &str =
    "id, strategy_id, strategy_version, station_id, at, outcome, note, inputs, decision, commands";

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(format!("stored {what} unreadable: {e}"))
}

pub(crate) fn json_of<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}

fn from_json<T: DeserializeOwned>(what: &str, v: serde_json::Value) -> Result<T, RepoError> {
    serde_json::from_value(v).map_err(|e| corrupt(what, e))
}

pub(crate) fn strategy_from_row(r: &impl RowExt) -> Result<Strategy, RepoError> {
    Ok(Strategy {
        id: StrategyId::from_uuid(r.uuid("id")?),
        tenant: tenant_of(r)?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        name: r.text("name")?,
        params: from_json("strategy parameters", r.json("params")?)?,
        enabled: r.boolean("enabled")?,
        version: r.int("version")?,
        targets: r.opt_text_json("targets")?.map(|v| from_json("strategy targets", v)).transpose()?,
        deadband_w: r.int("deadband_w")?,
        command_timeout_s: to_u32(r.int("command_timeout_s")?, "command_timeout_s")?,
        deleted_at: r.opt_time("deleted_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub(crate) fn actuator_name(a: Actuator) -> &'static str {
    match a {
        Actuator::Battery => "battery",
        Actuator::PcsMode => "pcs_mode",
        Actuator::Pv => "pv",
    }
}

pub(crate) fn last_sent_from_row(r: &impl RowExt) -> Result<LastSent, RepoError> {
    let actuator = match r.text("actuator")?.as_str() {
        "battery" => Actuator::Battery,
        "pcs_mode" => Actuator::PcsMode,
        "pv" => Actuator::Pv,
        other => return Err(corrupt("actuator", other)),
    };
    Ok(LastSent {
        actuator,
        sent: SentSetpoint {
            setpoint: from_json("set-point", r.json("setpoint")?)?,
            device_ids: from_json("set-point devices", r.json("device_ids")?)?,
        },
        execution_id: ExecutionId::from_uuid(r.uuid("execution_id")?),
    })
}

pub(crate) fn execution_from_row(r: &impl RowExt) -> Result<Execution, RepoError> {
    let outcome = r.text("outcome")?;
    Ok(Execution {
        id: ExecutionId::from_uuid(r.uuid("id")?),
        strategy_id: StrategyId::from_uuid(r.uuid("strategy_id")?),
        strategy_version: r.int("strategy_version")?,
        station_id: StationId::from_uuid(r.uuid("station_id")?),
        at: r.time("at")?,
        outcome: Outcome::parse(&outcome).ok_or_else(|| corrupt("execution outcome", &outcome))?,
        note: r.opt_text("note")?,
        inputs: from_json("execution inputs", r.json("inputs")?)?,
        decision: from_json("execution decision", r.json("decision")?)?,
        commands: from_json("execution commands", r.json("commands")?)?,
    })
}

/// Builds a station's site from (time zone, device rows); `None` when the station row is missing.
pub(crate) fn site_of(
    zone: Option<String>,
    devices: Vec<(uuid::Uuid, String)>,
) -> Result<Option<StationSite>, RepoError> {
    let Some(zone) = zone else { return Ok(None) };
    let time_zone = StationTz::parse(&zone).map_err(|e| corrupt("station time zone", e))?;
    let devices =
        devices.into_iter().map(|(id, kind)| SiteDevice { id: mgc_kernel::DeviceId::from_uuid(id), kind }).collect();
    Ok(Some(StationSite { time_zone, devices }))
}
