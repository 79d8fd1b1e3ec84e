//! Reading and changing a pile's configuration and updating its firmware: the protocol's command
//! for each (OCPP GetConfiguration, ChangeConfiguration, UpdateFirmware), or a refusal naming the
//! protocol that has none (AP3000 piles have no key/value configuration nor download-by-URL
//! firmware update; their run parameters and upgrade chunks go through the commands API).

use crate::start::{commit, reachable, resolve};
use crate::stop::send;
use crate::{Controls, DeviceRef, Downlink, Issuer, PlatformError, PlatformUnits};
use chrono::{DateTime, Utc};
use mgc_charging::Protocol;
use mgc_kernel::Scope;
use serde_json::json;

/// A configuration or firmware operation on one pile.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceOperation {
    /// Read configuration keys (none: every key).
    ReadParams {
        /// Keys wanted.
        keys: Vec<String>,
    },
    /// Change one configuration key.
    SetParam {
        /// The key.
        key: String,
        /// Its new value.
        value: String,
    },
    /// Download and install firmware.
    UpdateFirmware {
        /// Where the pile downloads it from.
        location: String,
        /// Not before.
        retrieve_at: DateTime<Utc>,
        /// Download attempts.
        retries: Option<u32>,
        /// Seconds between attempts.
        retry_interval_s: Option<u32>,
    },
}

impl DeviceOperation {
    /// Name of the operation in refusals.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ReadParams { .. } => "read_params",
            Self::SetParam { .. } => "set_params",
            Self::UpdateFirmware { .. } => "firmware_update",
        }
    }
}

fn int(field: &'static str, v: Option<u32>) -> Result<Option<i32>, PlatformError> {
    v.map(|n| i32::try_from(n).map_err(|_| PlatformError::invalid(field, format!("at most {} (got {n})", i32::MAX))))
        .transpose()
}

/// The command of `op` for a pile speaking `protocol`.
pub fn operation_command(protocol: Protocol, op: &DeviceOperation) -> Result<Downlink, PlatformError> {
    if protocol != Protocol::Ocpp16J {
        return Err(PlatformError::NotSupported { protocol: protocol.to_string(), operation: op.name() });
    }
    Ok(match op {
        DeviceOperation::ReadParams { keys } if keys.is_empty() => {
            Downlink { method: "GetConfiguration", params: json!({}) }
        }
        DeviceOperation::ReadParams { keys } => Downlink { method: "GetConfiguration", params: json!({ "key": keys }) },
        DeviceOperation::SetParam { key, value } => {
            Downlink { method: "ChangeConfiguration", params: json!({ "key": key, "value": value }) }
        }
        DeviceOperation::UpdateFirmware { location, retrieve_at, retries, retry_interval_s } => {
            let mut params = json!({ "location": location, "retrieveDate": retrieve_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) });
            if let Some(r) = int("retries", *retries)? {
                params["retries"] = json!(r);
            }
            if let Some(r) = int("retry_interval_s", *retry_interval_s)? {
                params["retryInterval"] = json!(r);
            }
            Downlink { method: "UpdateFirmware", params }
        }
    })
}

/// Sends `op` to the pile `device` names, inside the caller's scope; the pile must be linked and
/// connected, and its protocol must have the operation.
pub async fn operate<U: PlatformUnits>(
    units: &U,
    scope: &Scope,
    device: &DeviceRef,
    op: &DeviceOperation,
    issuer: Issuer<'_>,
) -> Result<Controls, PlatformError> {
    let mut tx = units.begin_platform_tx().await?;
    let cp = resolve(&mut tx, scope, device).await?;
    let downlink = operation_command(cp.protocol, op)?;
    let device_id = reachable(&cp)?;
    let command = send(&mut tx, scope, device_id, downlink, None, issuer).await?;
    commit(tx).await?;
    Ok(Controls { command, created: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_ocpp_when_operating_then_the_ocpp_command_and_ap3000_refused() {
        let read = operation_command(Protocol::Ocpp16J, &DeviceOperation::ReadParams { keys: vec![] }).unwrap();
        assert_eq!((read.method, read.params), ("GetConfiguration", json!({})));
        let set = DeviceOperation::SetParam { key: "HeartbeatInterval".into(), value: "60".into() };
        let set = operation_command(Protocol::Ocpp16J, &set).unwrap();
        assert_eq!(set.params, json!({"key": "HeartbeatInterval", "value": "60"}));
        let at = DateTime::parse_from_rfc3339("2026-03-29T01:00:00Z").unwrap().with_timezone(&Utc);
        let fw = DeviceOperation::UpdateFirmware {
            location: "https://fw.example/1.bin".into(),
            retrieve_at: at,
            retries: Some(3),
            retry_interval_s: None,
        };
        let cmd = operation_command(Protocol::Ocpp16J, &fw).unwrap();
        assert_eq!(cmd.method, "UpdateFirmware");
        assert_eq!(cmd.params["retries"], 3);
        assert_eq!(cmd.params["retrieveDate"], "2026-03-29T01:00:00Z");
        let refused = operation_command(Protocol::Ap3000, &fw).unwrap_err();
        assert_eq!(refused.code(), "not_supported_by_protocol");
        let big = DeviceOperation::UpdateFirmware {
            location: "x".into(),
            retrieve_at: at,
            retries: Some(u32::MAX),
            retry_interval_s: None,
        };
        assert_eq!(operation_command(Protocol::Ocpp16J, &big).unwrap_err().code(), "invalid_charge_request");
    }
}
