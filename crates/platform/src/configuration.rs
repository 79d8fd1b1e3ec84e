//! A pile's configuration as last read (read only: nothing is sent to the pile). The read is the
//! newest succeeded OCPP GetConfiguration command of the pile, found through the commands
//! context's scoped query; its stored answer (`configurationKey`, `unknownKey`) is the
//! configuration. A fresh read is [`crate::operate`] with [`DeviceOperation::ReadParams`].

use crate::start::resolve;
use crate::{operation_command, DeviceOperation, DeviceRef, PlatformError, PlatformUnits};
use chrono::{DateTime, Utc};
use mgc_charging::ChargePoint;
use mgc_commands::{Command, CommandFilter, CommandId, CommandQueries, CommandState};
use mgc_kernel::page::PageRequest;
use mgc_kernel::Scope;
use serde::Deserialize;

/// One configuration key as the pile reported it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConfigurationKey {
    /// The key.
    pub key: String,
    /// Its value (the pile may report none).
    #[serde(default)]
    pub value: Option<String>,
    /// True when the pile does not let it be changed.
    pub readonly: bool,
}

/// The answer of one succeeded configuration read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationRead {
    /// The GetConfiguration command that read it.
    pub command_id: CommandId,
    /// When the pile's answer was recorded.
    pub read_at: DateTime<Utc>,
    /// The keys the pile reported.
    pub keys: Vec<ConfigurationKey>,
    /// Keys asked for that the pile does not know.
    pub unknown_keys: Vec<String>,
}

/// A pile and its configuration as last read.
#[derive(Debug, Clone, PartialEq)]
pub struct PileConfiguration {
    /// The pile.
    pub charge_point: ChargePoint,
    /// The newest succeeded read (none: never read, or not linked yet so no command reached it).
    pub read: Option<ConfigurationRead>,
}

/// OCPP GetConfiguration.conf as stored in the command's response.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    #[serde(default)]
    configuration_key: Vec<ConfigurationKey>,
    #[serde(default)]
    unknown_key: Vec<String>,
}

/// The configuration of the pile `device` names, as its newest succeeded read answered, keeping
/// only `keys` when some are given (compared without case, as OCPP's CiString is). Piles whose
/// protocol has no key/value configuration are refused as a read would be.
pub async fn last_configuration<U: PlatformUnits + CommandQueries>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    keys: &[String],
) -> Result<PileConfiguration, PlatformError> {
    let charge_point = {
        let mut tx = units.begin_platform_tx().await?;
        resolve(&mut tx, scope, device).await?
    };
    let read = operation_command(charge_point.protocol, &DeviceOperation::ReadParams { keys: Vec::new() })?;
    let Some(device_id) = charge_point.device_id else {
        return Ok(PileConfiguration { charge_point, read: None });
    };
    let filter = CommandFilter {
        device_id: Some(device_id),
        method: Some(read.method.to_owned()),
        state: Some(CommandState::Succeeded),
        ..CommandFilter::default()
    };
    let newest = PageRequest { limit: 1, cursor: None };
    let found = units.list_commands(scope, &filter, &newest).await?.items.into_iter().next();
    Ok(PileConfiguration { charge_point, read: found.map(|c| read_of(&c, keys)) })
}

fn read_of(command: &Command, keys: &[String]) -> ConfigurationRead {
    let answer = match command.response.clone().map(serde_json::from_value::<Answer>).transpose() {
        Ok(a) => a.unwrap_or_default(),
        Err(e) => {
            // The adapter checked the answer against the OCPP schema before storing it.
            tracing::warn!(command = %command.id, error = %e, "GetConfiguration answer does not parse");
            Answer::default()
        }
    };
    let read_at =
        command.transitions.iter().rev().find(|t| t.to == CommandState::Succeeded).map_or(command.updated_at, |t| t.at);
    let (keys, unknown_keys) = kept(answer, keys);
    ConfigurationRead { command_id: command.id, read_at, keys, unknown_keys }
}

/// The answer's known and unknown keys among `keys` (all of them when none are given).
fn kept(answer: Answer, keys: &[String]) -> (Vec<ConfigurationKey>, Vec<String>) {
    let wanted = |k: &str| keys.is_empty() || keys.iter().any(|w| w.eq_ignore_ascii_case(k));
    (
        answer.configuration_key.into_iter().filter(|k| wanted(&k.key)).collect(),
        answer.unknown_key.into_iter().filter(|k| wanted(k)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn given_a_stored_answer_when_kept_then_keys_match_without_case_and_none_keeps_all() {
        let stored = json!({
            "configurationKey": [{"key": "HeartbeatInterval", "readonly": false, "value": "60"},
                {"key": "NumberOfConnectors", "readonly": true}],
            "unknownKey": ["Nope"]
        });
        let answer = || serde_json::from_value::<Answer>(stored.clone()).unwrap();
        let (all, unknown) = kept(answer(), &[]);
        assert_eq!((all.len(), unknown), (2, vec!["Nope".to_owned()]));
        assert_eq!((all[1].value.as_deref(), all[1].readonly), (None, true));
        let (some, unknown) = kept(answer(), &["heartbeatinterval".to_owned(), "NOPE".to_owned()]);
        assert_eq!(some.iter().map(|k| k.key.as_str()).collect::<Vec<_>>(), ["HeartbeatInterval"]);
        assert_eq!(unknown, ["Nope"]);
        let (none, unknown) = kept(answer(), &["Other".to_owned()]);
        assert!(none.is_empty() && unknown.is_empty());
        let empty: Answer = serde_json::from_value(json!({})).unwrap();
        assert_eq!(kept(empty, &[]), (vec![], vec![]));
    }
}
