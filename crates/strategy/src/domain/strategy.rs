//! The strategy aggregate: a typed, validated strategy of one station, versioned (every change
//! makes version n + 1; every version is kept), enabled or disabled, soft-deleted.

use super::params::StrategyParams;
use crate::StrategyId;
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};

/// Default no-repeat deadband (W).
pub const DEFAULT_DEADBAND_W: i64 = 100;
/// Default time a requested command may take (s).
pub const DEFAULT_COMMAND_TIMEOUT_S: u32 = 30;
/// Largest deadband (W).
const MAX_DEADBAND_W: i64 = 1_000_000;
/// Largest command timeout (s).
const MAX_COMMAND_TIMEOUT_S: u32 = 3600;
/// Most PV inverters one strategy may target.
const MAX_PV_TARGETS: usize = 200;

/// Which devices receive the set-points; a field left out takes the station's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Receives battery power and PCS mode (default: the station's PCS, else its battery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery_device_id: Option<DeviceId>,
    /// Receive the PV limit (default: every PV inverter of the station).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pv_device_ids: Option<Vec<DeviceId>>,
}

/// What a client gives to create or replace a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyInput {
    /// The station it controls.
    pub station_id: StationId,
    /// Display name.
    pub name: String,
    /// Type and parameters.
    pub params: StrategyParams,
    /// Enabled (create: default false; replace: default unchanged).
    pub enabled: Option<bool>,
    /// Target devices (default: the station's).
    pub targets: Option<Targets>,
    /// No-repeat deadband (W, default 100).
    pub deadband_w: Option<i64>,
    /// Seconds each requested command may take (default 30).
    pub command_timeout_s: Option<u32>,
}

/// A strategy of one station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    /// Id.
    pub id: StrategyId,
    /// Owner.
    pub tenant: TenantId,
    /// The station it controls.
    pub station_id: StationId,
    /// Display name.
    pub name: String,
    /// `type` and `params`.
    #[serde(flatten)]
    pub params: StrategyParams,
    /// Evaluated by the scheduler when true.
    pub enabled: bool,
    /// 1 on creation, + 1 per change.
    pub version: i64,
    /// Target devices given by the client (`None`: the station's defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
    /// Battery power or PV limit moves within this many watts are not sent again.
    pub deadband_w: i64,
    /// Seconds each requested command may take.
    pub command_timeout_s: u32,
    /// When it was deleted (deleted strategies are never evaluated nor listed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Settings checked the same way on create and replace.
struct Checked {
    name: String,
    deadband_w: i64,
    command_timeout_s: u32,
}

fn check(input: &StrategyInput) -> Result<Checked, String> {
    let name = input.name.trim();
    if name.is_empty() || input.name.chars().count() > 120 || input.name.chars().any(char::is_control) {
        return Err("name: must be 1-120 printable characters".to_owned());
    }
    input.params.validate()?;
    let deadband_w = input.deadband_w.unwrap_or(DEFAULT_DEADBAND_W);
    if !(0..=MAX_DEADBAND_W).contains(&deadband_w) {
        return Err(format!("deadband_w: must be between 0 and {MAX_DEADBAND_W} W, got {deadband_w}"));
    }
    let command_timeout_s = input.command_timeout_s.unwrap_or(DEFAULT_COMMAND_TIMEOUT_S);
    if !(1..=MAX_COMMAND_TIMEOUT_S).contains(&command_timeout_s) {
        return Err(format!(
            "command_timeout_s: must be between 1 and {MAX_COMMAND_TIMEOUT_S}, got {command_timeout_s}"
        ));
    }
    if let Some(pv) = input.targets.as_ref().and_then(|t| t.pv_device_ids.as_ref()) {
        if pv.is_empty() || pv.len() > MAX_PV_TARGETS {
            return Err(format!(
                "targets.pv_device_ids: name 1-{MAX_PV_TARGETS} devices, or leave it out for every PV inverter"
            ));
        }
        if let Some((i, d)) = pv.iter().enumerate().find(|(i, d)| pv[..*i].contains(d)) {
            return Err(format!("targets.pv_device_ids[{i}]: device {d} is listed twice"));
        }
    }
    Ok(Checked { name: name.to_owned(), deadband_w, command_timeout_s })
}

impl Strategy {
    /// A new strategy (version 1, disabled unless the input enables it).
    pub fn create(
        id: StrategyId,
        tenant: TenantId,
        input: StrategyInput,
        now: DateTime<Utc>,
    ) -> Result<Strategy, String> {
        let c = check(&input)?;
        Ok(Strategy {
            id,
            tenant,
            station_id: input.station_id,
            name: c.name,
            params: input.params,
            enabled: input.enabled.unwrap_or(false),
            version: 1,
            targets: input.targets,
            deadband_w: c.deadband_w,
            command_timeout_s: c.command_timeout_s,
            deleted_at: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// Replaces the definition (version + 1); the station never changes.
    pub fn revise(&mut self, input: StrategyInput, now: DateTime<Utc>) -> Result<(), String> {
        if input.station_id != self.station_id {
            return Err(format!(
                "station_id: a strategy stays at its station {} (create a new strategy for {})",
                self.station_id, input.station_id
            ));
        }
        let c = check(&input)?;
        self.name = c.name;
        self.params = input.params;
        self.enabled = input.enabled.unwrap_or(self.enabled);
        self.targets = input.targets;
        self.deadband_w = c.deadband_w;
        self.command_timeout_s = c.command_timeout_s;
        self.bump(now);
        Ok(())
    }

    /// Enables or disables it; true (and version + 1) only when that changes something.
    pub fn set_enabled(&mut self, enabled: bool, now: DateTime<Utc>) -> bool {
        if self.enabled == enabled {
            return false;
        }
        self.enabled = enabled;
        self.bump(now);
        true
    }

    /// Soft-deletes it: disabled, marked deleted, version + 1 (its versions and executions stay).
    pub fn delete(&mut self, now: DateTime<Utc>) {
        self.enabled = false;
        self.deleted_at = Some(now);
        self.bump(now);
    }

    /// True once deleted.
    #[must_use]
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    fn bump(&mut self, now: DateTime<Utc>) {
        self.version += 1;
        self.updated_at = now;
    }
}

#[cfg(test)]
#[path = "strategy_tests.rs"]
mod tests;
