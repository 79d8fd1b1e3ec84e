//! Issuing a command: validation, idempotency, device lookup, storage with `CommandIssued`.

use crate::app::record;
use crate::domain::adapter::{AdapterRegistry, PROTOCOL_AP3000, PROTOCOL_OCPP16};
use crate::domain::command::{Command, NewCommand};
use crate::domain::ports::{CommandTx, DeviceTarget};
use crate::domain::rules::{fingerprint_of, key_reuse, KeyReuse};
use crate::{CommandError, CommandSettings};
use chrono::{DateTime, Utc};
use mgc_contracts::CommandOrigin;
use mgc_kernel::{DeviceId, RepoError, Scope};

/// Longest method name.
pub const MAX_METHOD_LEN: usize = 100;
/// Longest idempotency key.
pub const MAX_KEY_LEN: usize = 200;

/// What a client (or a strategy) asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueRequest {
    /// Target device.
    pub device_id: DeviceId,
    /// RPC method.
    pub method: String,
    /// RPC parameters: a JSON object, or none.
    pub params: Option<serde_json::Value>,
    /// Seconds the command may take (default from the settings).
    pub timeout_s: Option<u32>,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
    /// Wait for a device that is not connected (retry until the deadline) instead of failing.
    pub queue_until_online: bool,
    /// Cause.
    pub origin: CommandOrigin,
}

/// The result of an issue.
#[derive(Debug, Clone, PartialEq)]
pub enum Issued {
    /// A new command.
    Created(Command),
    /// The command already issued under the same idempotency key.
    Existing(Command),
}

impl Issued {
    /// The command either way.
    pub fn command(&self) -> &Command {
        match self {
            Self::Created(c) | Self::Existing(c) => c,
        }
    }
}

fn validate(req: &IssueRequest, settings: &CommandSettings) -> Result<(String, serde_json::Value, u32), CommandError> {
    let method = req.method.trim();
    if method.is_empty() {
        return Err(CommandError::invalid("method", "must not be empty"));
    }
    if method.chars().count() > MAX_METHOD_LEN {
        return Err(CommandError::invalid("method", format!("at most {MAX_METHOD_LEN} characters")));
    }
    if method.chars().any(char::is_control) {
        return Err(CommandError::invalid("method", "must not contain control characters"));
    }
    let params = match &req.params {
        None | Some(serde_json::Value::Null) => serde_json::json!({}),
        Some(v @ serde_json::Value::Object(_)) => v.clone(),
        Some(_) => return Err(CommandError::invalid("params", "must be a JSON object or absent")),
    };
    let timeout_s = req.timeout_s.unwrap_or(settings.default_timeout_s);
    if timeout_s == 0 || timeout_s > settings.max_timeout_s {
        return Err(CommandError::invalid(
            "timeout_s",
            format!("must be between 1 and {}, got {timeout_s}", settings.max_timeout_s),
        ));
    }
    if let Some(key) = &req.idempotency_key {
        if key.trim().is_empty() || key.chars().count() > MAX_KEY_LEN || key.chars().any(char::is_control) {
            return Err(CommandError::invalid(
                "idempotency_key",
                format!("must be 1 to {MAX_KEY_LEN} printable characters when given"),
            ));
        }
    }
    Ok((method.to_owned(), params, timeout_s))
}

/// The device's address on its platform: a charge point's OCPP identity or an AP3000 pile's
/// physical id (its device name), the
/// ThingsBoard device id, or the device id for other protocols.
fn target_of(device: &DeviceTarget) -> Result<String, CommandError> {
    match (device.protocol.as_str(), &device.tb_device_id) {
        (PROTOCOL_OCPP16 | PROTOCOL_AP3000, _) => Ok(device.name.clone()),
        (_, Some(tb)) if !tb.trim().is_empty() => Ok(tb.clone()),
        ("thingsboard", _) => Err(CommandError::NotControllable(device.device_id)),
        _ => Ok(device.device_id.to_string()),
    }
}

/// Issues a command inside `tx` (the caller commits) for a device in `scope` (any other device is
/// unknown to the caller): a replay of the same request under the
/// same key within 24 h returns the existing command, a different one is a conflict. The
/// method and parameters are checked by the adapter of the device's protocol in `adapters`
/// (an empty registry checks nothing; the adapter checks again when sending).
pub async fn issue<T: CommandTx>(
    tx: &mut T,
    scope: &Scope,
    req: IssueRequest,
    settings: &CommandSettings,
    adapters: &AdapterRegistry,
    now: DateTime<Utc>,
) -> Result<Issued, CommandError> {
    let (method, params, timeout_s) = validate(&req, settings)?;
    let tenant = &scope.tenant;
    let print = fingerprint_of(req.device_id, &method, &params, timeout_s, req.queue_until_online);
    if let Some(key) = &req.idempotency_key {
        if let Some(existing) = tx.command_by_key(tenant, key).await? {
            match key_reuse(&existing, &print, now) {
                KeyReuse::Replay => return Ok(Issued::Existing(existing)),
                KeyReuse::Conflict => return Err(CommandError::IdempotencyConflict(key.clone())),
                KeyReuse::Expired => tx.release_key(tenant, existing.id).await?,
            }
        }
    }
    let device = tx.device_target(scope, req.device_id).await?.ok_or(CommandError::UnknownDevice(req.device_id))?;
    let target = target_of(&device)?;
    adapters
        .validate(&device.protocol, &method, &params)
        .map_err(|invalid| CommandError::invalid(invalid.field, invalid.message))?;
    let options = crate::RpcOptions { queue_until_online: req.queue_until_online, ..settings.options_for(&method) };
    let command = Command::issue(
        NewCommand {
            tenant: tenant.clone(),
            device_id: device.device_id,
            station_id: device.station_id,
            options,
            method,
            params,
            timeout_s,
            protocol: device.protocol,
            target,
            origin: req.origin,
            idempotency_key: req.idempotency_key,
            fingerprint: print,
        },
        now,
    );
    match record::insert(tx, &command, now).await {
        Ok(()) => {
            record::count_state(crate::CommandState::Pending);
            Ok(Issued::Created(command))
        }
        // A concurrent issue with the same key won the race: answer like a replay would.
        Err(RepoError::Conflict(_)) if command.idempotency_key.is_some() => Err(CommandError::Repo(
            RepoError::Conflict("a command with this idempotency key is being issued concurrently; retry".into()),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Issues a command in a unit of work of its own and commits it when created (a replay of an
/// idempotency key commits nothing); what the API's handlers call.
pub async fn issue_committed<U: crate::CommandUnits>(
    units: &U,
    scope: &Scope,
    req: IssueRequest,
    settings: &CommandSettings,
    adapters: &AdapterRegistry,
    now: DateTime<Utc>,
) -> Result<Issued, CommandError> {
    let mut tx = units.begin_command_tx().await?;
    let issued = issue(&mut tx, scope, req, settings, adapters, now).await?;
    if matches!(issued, Issued::Created(_)) {
        mgc_eventing::UnitOfWork::commit(tx).await?;
    }
    Ok(issued)
}
