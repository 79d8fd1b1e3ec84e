//! Saving a changed command with its events (same unit of work) and counting its states.

use crate::domain::command::{Command, Transition};
use crate::domain::ports::CommandTx;
use crate::CommandState;
use chrono::{DateTime, Utc};
use mgc_contracts::{CommandIssued, CommandStateChanged};
use mgc_eventing::emit;
use mgc_kernel::RepoError;

/// Counts commands entering `state` (`mgc_commands_total{state}`).
pub fn count_state(state: CommandState) {
    metrics::counter!("mgc_commands_total", "state" => state.as_str()).increment(1);
}

/// Inserts a new command and appends `CommandIssued`.
pub async fn insert<T: CommandTx>(tx: &mut T, command: &Command, at: DateTime<Utc>) -> Result<(), RepoError> {
    tx.insert_command(command).await?;
    let ev = CommandIssued {
        command_id: command.id.as_uuid(),
        device_id: command.device_id,
        station_id: command.station_id,
        method: command.method.clone(),
        params: command.params.clone(),
        deadline: command.deadline,
        origin: command.origin.clone(),
    };
    emit(tx, &command.tenant, &ev, at).await
}

/// Saves `command` (stored state must still be `expected`) with `new` transitions and appends
/// one `CommandStateChanged` per transition.
pub async fn save<T: CommandTx>(
    tx: &mut T,
    command: &Command,
    expected: CommandState,
    new: &[Transition],
) -> Result<(), RepoError> {
    tx.save_command(command, expected, new).await?;
    for t in new {
        let ev = CommandStateChanged {
            command_id: command.id.as_uuid(),
            device_id: command.device_id,
            station_id: command.station_id,
            from: t.from.map(|s| s.as_str()).unwrap_or("none").to_owned(),
            to: t.to.as_str().to_owned(),
            reason: t.reason.clone(),
            at: t.at,
            origin: command.origin.clone(),
        };
        emit(tx, &command.tenant, &ev, t.at).await?;
    }
    Ok(())
}

/// Counts the states of committed transitions.
pub fn count_transitions(new: &[Transition]) {
    for t in new {
        count_state(t.to);
    }
}
