//! Reconciliation of persistent RPCs: a persistent command that stays `sent`/`delivered` (its
//! state messages were lost: ThingsBoard's default queue drops failed calls) is checked with
//! the platform and advanced from the state it reports.

use crate::app::record;
use crate::domain::adapter::{AdapterRegistry, RpcStatusLookup};
use crate::domain::command::Transition;
use crate::domain::ports::{CommandRepository, CommandUnits, EarlyRpcUpdates, RpcCheck};
use crate::CommandSettings;
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, SharedClock};

/// What one reconciliation round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Commands checked with the platform.
    pub checked: usize,
    /// Commands whose state changed.
    pub advanced: usize,
    /// Checks without an answer (platform unreachable, RPC unknown to it).
    pub unanswered: usize,
}

/// Reason suffix of transitions found by asking.
const ASKED: &str = " (found by asking the platform)";

/// Checks up to `limit` quiet persistent commands with the platform and applies what it
/// reports (never backwards); does nothing when `settings.rpc_check_after` is None.
pub async fn reconcile_persistent_rpcs<U: CommandUnits>(
    units: &U,
    adapters: &AdapterRegistry,
    settings: &CommandSettings,
    clock: &SharedClock,
    limit: u32,
) -> Result<ReconcileReport, RepoError> {
    let Some(after) = settings.rpc_check_after else { return Ok(ReconcileReport::default()) };
    let now = clock.now();
    let quiet_since = now - chrono::Duration::from_std(after).unwrap_or(chrono::Duration::seconds(60));
    let mut report = ReconcileReport::default();
    for check in units.claim_rpc_checks(now, quiet_since, limit).await? {
        report.checked += 1;
        let lookup = match adapters.get(&check.protocol) {
            Some(adapter) => adapter.rpc_status(&check.rpc_id).await,
            None => RpcStatusLookup::Unavailable { reason: format!("no adapter for protocol '{}'", check.protocol) },
        };
        let (status, response) = match lookup {
            RpcStatusLookup::Found { status, response } => (status, response),
            RpcStatusLookup::NotFound => {
                tracing::warn!(command_id = %check.id, rpc_id = %check.rpc_id, "the platform does not know this RPC; the deadline decides");
                report.unanswered += 1;
                continue;
            }
            RpcStatusLookup::Unavailable { reason } => {
                tracing::info!(command_id = %check.id, rpc_id = %check.rpc_id, %reason, "RPC state not available; asked again later");
                report.unanswered += 1;
                continue;
            }
        };
        match apply_reported(units, &check, status, response, clock.now()).await {
            Ok(true) => report.advanced += 1,
            Ok(false) => {}
            Err(RepoError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// Applies a reported state under the RPC id's lock; true when the command changed.
async fn apply_reported<U: CommandUnits>(
    units: &U,
    check: &RpcCheck,
    status: crate::RemoteRpcState,
    response: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let mut tx = units.begin_command_tx().await?;
    tx.lock_rpc_id(&check.tenant, &check.rpc_id).await?;
    let Some(mut command) = tx.command(&check.tenant, check.id).await? else { return Ok(false) };
    if command.rpc_id.as_deref() != Some(check.rpc_id.as_str()) || command.state.is_terminal() {
        return Ok(false);
    }
    let expected = command.state;
    let mut new = match command.apply_remote(status, response, now) {
        Ok(new) => new,
        Err(e) => {
            tracing::error!(command_id = %check.id, error = %e, "reported RPC state not applicable");
            return Ok(false);
        }
    };
    if new.is_empty() {
        return Ok(false);
    }
    mark_asked(&mut command.transitions, &mut new);
    command.reason = new.last().map(|t| t.reason.clone()).unwrap_or_default();
    record::save(&mut tx, &command, expected, &new).await?;
    tx.commit().await?;
    record::count_transitions(&new);
    Ok(true)
}

/// Says in the reasons of the new transitions (the last ones of `all`) that they were asked for.
fn mark_asked(all: &mut [Transition], new: &mut [Transition]) {
    let first = all.len().saturating_sub(new.len());
    for (t, n) in all[first..].iter_mut().zip(new.iter_mut()) {
        t.reason.push_str(ASKED);
        n.reason.push_str(ASKED);
    }
}
