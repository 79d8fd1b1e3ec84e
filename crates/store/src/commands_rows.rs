//! Column lists and row mapping of commands and their transitions.

use crate::rows::{tenant_of, to_u32, RowExt};
use mgc_commands::{Command, CommandId, CommandState, RpcOptions, Transition};
use mgc_kernel::{DeviceId, RepoError, StationId};

/// Columns of `commands` read into a [`Command`] (plus `seq`).
pub(crate) const COMMAND_COLUMNS: &str = "seq, id, tenant_id, device_id, station_id, method, params, timeout_s, oneway, parallel,
    persistent, protocol, target, state, origin, idempotency_key, fingerprint, created_at, deadline, updated_at, attempts,
    next_attempt_at, last_error, lease_owner, lease_until, rpc_id, response, reason, queue_until_online";

/// Columns of `command_transitions`.
pub(crate) const TRANSITION_COLUMNS: &str = "command_id, position, from_state, to_state, at, reason";

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> RepoError {
    RepoError::Backend(format!("stored {what} is corrupt: {e}"))
}

fn state_of(s: &str) -> Result<CommandState, RepoError> {
    s.parse().map_err(|e| corrupt("command state", e))
}

/// A command row (transitions empty; see [`transition_from_row`]) and its `seq`.
pub(crate) fn command_from_row(r: &impl RowExt) -> Result<(i64, Command), RepoError> {
    let origin = serde_json::from_value(r.json("origin")?).map_err(|e| corrupt("command origin", e))?;
    Ok((
        r.int("seq")?,
        Command {
            id: CommandId::from_uuid(r.uuid("id")?),
            tenant: tenant_of(r)?,
            device_id: DeviceId::from_uuid(r.uuid("device_id")?),
            station_id: StationId::from_uuid(r.uuid("station_id")?),
            method: r.text("method")?,
            params: r.json("params")?,
            timeout_s: to_u32(r.int("timeout_s")?, "timeout_s")?,
            options: RpcOptions {
                oneway: r.boolean("oneway")?,
                parallel: r.boolean("parallel")?,
                persistent: r.boolean("persistent")?,
                queue_until_online: r.boolean("queue_until_online")?,
            },
            protocol: r.text("protocol")?,
            target: r.text("target")?,
            state: state_of(&r.text("state")?)?,
            origin,
            idempotency_key: r.opt_text("idempotency_key")?,
            fingerprint: r.text("fingerprint")?,
            created_at: r.time("created_at")?,
            deadline: r.time("deadline")?,
            updated_at: r.time("updated_at")?,
            attempts: to_u32(r.int("attempts")?, "attempts")?,
            next_attempt_at: r.time("next_attempt_at")?,
            last_error: r.opt_text("last_error")?,
            leased_until: r.opt_time("lease_until")?,
            lease_owner: r.opt_text("lease_owner")?,
            rpc_id: r.opt_text("rpc_id")?,
            response: r.opt_text_json("response")?,
            reason: r.text("reason")?,
            transitions: Vec::new(),
        },
    ))
}

/// A transition row with its command id.
pub(crate) fn transition_from_row(r: &impl RowExt) -> Result<(CommandId, Transition), RepoError> {
    Ok((
        CommandId::from_uuid(r.uuid("command_id")?),
        Transition {
            from: r.opt_text("from_state")?.as_deref().map(state_of).transpose()?,
            to: state_of(&r.text("to_state")?)?,
            at: r.time("at")?,
            reason: r.text("reason")?,
        },
    ))
}

/// Attaches loaded transitions (ordered by position) to their commands.
pub(crate) fn attach(commands: &mut [Command], transitions: Vec<(CommandId, Transition)>) {
    for (id, t) in transitions {
        if let Some(c) = commands.iter_mut().find(|c| c.id == id) {
            c.transitions.push(t);
        }
    }
}

/// `$first, $first+1, ...` for `n` values.
pub(crate) fn marks(first: usize, n: usize) -> String {
    (0..n).map(|i| format!("${}", first + i)).collect::<Vec<_>>().join(", ")
}

/// Serializes a value to JSON for a JSON column.
pub(crate) fn json_of<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, RepoError> {
    serde_json::to_value(v).map_err(|e| RepoError::Backend(e.to_string()))
}
