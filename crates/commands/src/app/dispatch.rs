//! The dispatch round: claim due pending commands, send each through its protocol's adapter,
//! record the outcome (or schedule a retry with backoff and jitter until the deadline).

use crate::app::record;
use crate::domain::adapter::{AdapterOutcome, AdapterRegistry, RpcRequest};
use crate::domain::command::{Command, Transition};
use crate::domain::ports::{CommandRepository, CommandUnits, EarlyRpcUpdates};
use crate::{CommandSettings, CommandState};
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::{RepoError, SharedClock};

/// What one dispatch round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Commands claimed.
    pub claimed: usize,
    /// Commands that reached a final state or `sent`/`delivered`.
    pub advanced: usize,
    /// Commands left pending for another attempt.
    pub retried: usize,
    /// Outcomes dropped because the command changed meanwhile.
    pub stale: usize,
}

/// The platform's minimum RPC timeout (ThingsBoard silently raises smaller ones).
pub const MIN_RPC_TIMEOUT_MS: u64 = 5000;

/// Claims due commands and sends them concurrently; returns what happened.
pub async fn run_dispatch_round<U: CommandUnits>(
    units: &U,
    adapters: &AdapterRegistry,
    settings: &CommandSettings,
    clock: &SharedClock,
    owner: &str,
) -> Result<DispatchReport, RepoError> {
    let now = clock.now();
    let lease = chrono::Duration::from_std(settings.lease_margin).unwrap_or(chrono::Duration::seconds(30))
        + chrono::Duration::seconds(i64::from(settings.max_timeout_s));
    let claimed = units.claim_due_commands(owner, now, now + lease, settings.batch_size).await?;
    let mut report = DispatchReport { claimed: claimed.len(), ..DispatchReport::default() };
    let sends = claimed.into_iter().map(|c| send_one(units, adapters, settings, clock, owner, c));
    for result in futures_util::future::join_all(sends).await {
        match result {
            Ok(Step::Advanced) => report.advanced += 1,
            Ok(Step::Retried) => report.retried += 1,
            Ok(Step::Stale) => report.stale += 1,
            Err(e) => {
                tracing::error!(error = %e, "recording a command outcome failed; the lease will expire and it is retried")
            }
        }
    }
    Ok(report)
}

enum Step {
    Advanced,
    Retried,
    Stale,
}

/// Remaining milliseconds to the deadline, at least the platform minimum.
fn rpc_timeout_ms(deadline: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let left = (deadline - now).num_milliseconds().max(0);
    u64::try_from(left).unwrap_or(0).max(MIN_RPC_TIMEOUT_MS)
}

async fn send_one<U: CommandUnits>(
    units: &U,
    adapters: &AdapterRegistry,
    settings: &CommandSettings,
    clock: &SharedClock,
    owner: &str,
    command: Command,
) -> Result<Step, RepoError> {
    let started = clock.now();
    let outcome = match adapters.get(&command.protocol) {
        None => AdapterOutcome::NotSent { reason: format!("no adapter for device protocol '{}'", command.protocol) },
        Some(adapter) => {
            let request = RpcRequest {
                tenant: command.tenant.clone(),
                target: command.target.clone(),
                method: command.method.clone(),
                params: command.params.clone(),
                options: command.options,
                remaining_ms: rpc_timeout_ms(command.deadline, started),
                deadline: command.deadline,
            };
            adapter.send(&request).await
        }
    };
    let now = clock.now();
    let mut tx = units.begin_command_tx().await?;
    let Some(mut current) = tx.command(&command.tenant, command.id).await? else { return Ok(Step::Stale) };
    if current.state != CommandState::Pending || current.lease_owner.as_deref() != Some(owner) {
        tracing::warn!(command_id = %command.id, state = %current.state, "command changed while it was sent; outcome dropped");
        return Ok(Step::Stale);
    }
    let accepted = matches!(outcome, AdapterOutcome::Accepted { .. });
    let (step, mut new) = match apply(&mut current, outcome, started, now, settings) {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(command_id = %command.id, error = %e, "outcome not applicable");
            return Ok(Step::Stale);
        }
    };
    if let (true, Some(rpc_id)) = (accepted, current.rpc_id.clone()) {
        // State messages the platform forwarded before this id was stored wait in the buffer:
        // take them under the id's lock, so one arriving now either is found here or finds the id.
        tx.lock_rpc_id(&current.tenant, &rpc_id).await?;
        let early = tx.take_early_updates(&current.tenant, &rpc_id).await?;
        if !early.is_empty() {
            let before = current.clone();
            match current.apply_early_updates(early, started) {
                Ok(more) => new.extend(more),
                Err(e) => {
                    tracing::error!(command_id = %command.id, error = %e, "early RPC state not applicable");
                    current = before;
                }
            }
        }
    }
    match record::save(&mut tx, &current, CommandState::Pending, &new).await {
        Ok(()) => {}
        Err(RepoError::Conflict(_)) => return Ok(Step::Stale),
        Err(e) => return Err(e),
    }
    tx.commit().await?;
    record::count_transitions(&new);
    Ok(step)
}

/// Applies an adapter outcome to a pending command: the transitions to store.
fn apply(
    c: &mut Command,
    outcome: AdapterOutcome,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &CommandSettings,
) -> Result<(Step, Vec<Transition>), crate::CommandError> {
    let mut new = Vec::new();
    let platform = if c.protocol == "thingsboard" { "ThingsBoard".to_owned() } else { c.protocol.clone() };
    match outcome {
        AdapterOutcome::Retry { reason } => {
            let attempt = c.attempts.saturating_add(1);
            let delay = settings.backoff.delay(attempt, rand::random::<f64>());
            let next = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(1));
            c.retry_later(reason, next, now);
            return Ok((Step::Retried, new));
        }
        AdapterOutcome::NotSent { reason } => {
            new.push(c.transition(CommandState::Failed, reason, now)?);
            return Ok((Step::Advanced, new));
        }
        _ => {}
    }
    let sent = match &outcome {
        AdapterOutcome::Accepted { rpc_id } => format!("queued by {platform} as persistent RPC {rpc_id}"),
        _ => format!("sent to {platform}"),
    };
    new.push(c.transition(CommandState::Sent, sent, started)?);
    match outcome {
        AdapterOutcome::Succeeded { response } => {
            let why = if response.is_some() { "device replied" } else { "device replied without a body" };
            c.response = response;
            new.push(c.transition(CommandState::Succeeded, why, now)?);
        }
        AdapterOutcome::Delivered => {
            new.push(c.transition(CommandState::Delivered, "one-way command accepted by the device", now)?);
            new.push(c.transition(CommandState::Succeeded, "one-way command delivered", now)?);
        }
        AdapterOutcome::Accepted { rpc_id } => {
            c.rpc_id = Some(rpc_id);
        }
        AdapterOutcome::Failed { reason } => new.push(c.transition(CommandState::Failed, reason, now)?),
        AdapterOutcome::Refused { reason, response } => {
            c.response = Some(response);
            new.push(c.transition(CommandState::Failed, reason, now)?);
        }
        AdapterOutcome::TimedOut { reason } => new.push(c.transition(CommandState::TimedOut, reason, now)?),
        AdapterOutcome::Retry { .. } | AdapterOutcome::NotSent { .. } => {}
    }
    Ok((Step::Advanced, new))
}
