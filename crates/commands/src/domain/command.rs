//! The command aggregate: what to send to which device, and every state change with its reason.

use crate::domain::error::CommandError;
use crate::domain::remote::RemoteRpcState;
use crate::{CommandId, CommandState};
use chrono::{DateTime, Utc};
use mgc_contracts::CommandOrigin;
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};

/// How a command's method is delivered (from the `[commands]` method settings, fixed at issue).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpcOptions {
    /// One-way RPC (no reply expected) instead of two-way.
    pub oneway: bool,
    /// May run while another command of the device is in flight (does not take the device lock).
    pub parallel: bool,
    /// Persistent RPC: the platform queues it and reports its states later.
    pub persistent: bool,
    /// A device that is not connected is waited for (retried until the deadline) instead of
    /// failing the command at once (asked for by the issuer, for charge points).
    #[serde(default)]
    pub queue_until_online: bool,
}

/// One state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// State before (none for the creation).
    pub from: Option<CommandState>,
    /// State after.
    pub to: CommandState,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in words.
    pub reason: String,
}

/// A command to a device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Command {
    /// Id.
    pub id: CommandId,
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Target device.
    pub device_id: DeviceId,
    /// Station of the device.
    pub station_id: StationId,
    /// RPC method.
    pub method: String,
    /// RPC parameters (a JSON object, `{}` when none were given).
    pub params: serde_json::Value,
    /// Seconds the command may take from issue.
    pub timeout_s: u32,
    /// Delivery options of the method.
    pub options: RpcOptions,
    /// Protocol of the device when issued (chooses the adapter).
    pub protocol: String,
    /// Device id on the platform (ThingsBoard UUID).
    pub target: String,
    /// Current state.
    pub state: CommandState,
    /// What caused it.
    pub origin: CommandOrigin,
    /// Client's idempotency key.
    pub idempotency_key: Option<String>,
    /// Hash of the request, to tell a replay from a different request under the same key.
    #[serde(skip)]
    pub fingerprint: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it must have finished.
    pub deadline: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Send attempts that failed for a retryable reason.
    pub attempts: u32,
    /// Earliest time of the next send attempt (pending only).
    pub next_attempt_at: DateTime<Utc>,
    /// The last retryable error.
    pub last_error: Option<String>,
    /// A dispatcher is sending it until then (set by the store's claim).
    #[serde(skip)]
    pub leased_until: Option<DateTime<Utc>>,
    /// The dispatcher holding (or last holding) the lease, as loaded; saves check it is unchanged.
    #[serde(skip)]
    pub lease_owner: Option<String>,
    /// Platform id of a persistent RPC.
    pub rpc_id: Option<String>,
    /// The device's reply.
    pub response: Option<serde_json::Value>,
    /// Reason of the last transition.
    pub reason: String,
    /// Every state change, oldest first.
    pub transitions: Vec<Transition>,
}

/// What a new command is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommand {
    /// Owner tenant.
    pub tenant: TenantId,
    /// Target device.
    pub device_id: DeviceId,
    /// Its station.
    pub station_id: StationId,
    /// Method.
    pub method: String,
    /// Parameters.
    pub params: serde_json::Value,
    /// Seconds it may take.
    pub timeout_s: u32,
    /// Delivery options.
    pub options: RpcOptions,
    /// Device protocol.
    pub protocol: String,
    /// Platform device id.
    pub target: String,
    /// Cause.
    pub origin: CommandOrigin,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
    /// Request hash.
    pub fingerprint: String,
}

impl Command {
    /// A fresh pending command issued at `now`.
    pub fn issue(new: NewCommand, now: DateTime<Utc>) -> Self {
        let reason = match &new.origin {
            CommandOrigin::Api { subject } => format!("issued through the API by {subject}"),
            CommandOrigin::Strategy { strategy_id, strategy_version, .. } => {
                format!("requested by strategy {strategy_id} v{strategy_version}")
            }
        };
        Self {
            id: CommandId::new(),
            tenant: new.tenant,
            device_id: new.device_id,
            station_id: new.station_id,
            method: new.method,
            params: new.params,
            timeout_s: new.timeout_s,
            options: new.options,
            protocol: new.protocol,
            target: new.target,
            state: CommandState::Pending,
            origin: new.origin,
            idempotency_key: new.idempotency_key,
            fingerprint: new.fingerprint,
            created_at: now,
            deadline: now + chrono::Duration::seconds(i64::from(new.timeout_s)),
            updated_at: now,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            leased_until: None,
            lease_owner: None,
            rpc_id: None,
            response: None,
            reason: reason.clone(),
            transitions: vec![Transition { from: None, to: CommandState::Pending, at: now, reason }],
        }
    }

    /// Moves to `to`; an illegal move is an error and changes nothing.
    pub fn transition(
        &mut self,
        to: CommandState,
        reason: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<Transition, CommandError> {
        if !self.state.may_become(to) {
            return Err(CommandError::IllegalTransition { from: self.state, to });
        }
        let t = Transition { from: Some(self.state), to, at, reason: reason.into() };
        self.state = to;
        self.updated_at = at;
        self.reason = t.reason.clone();
        self.transitions.push(t.clone());
        Ok(t)
    }

    /// True while a dispatcher holds it for sending.
    pub fn is_being_sent(&self, now: DateTime<Utc>) -> bool {
        self.leased_until.is_some_and(|l| l > now)
    }

    /// Cancels a pending command that is not being sent.
    pub fn cancel(&mut self, by: &str, at: DateTime<Utc>) -> Result<Transition, CommandError> {
        if self.state != CommandState::Pending || self.is_being_sent(at) {
            return Err(CommandError::NotCancellable { id: self.id, state: self.state });
        }
        self.transition(CommandState::Cancelled, format!("cancelled by {by}"), at)
    }

    /// A retryable failure: stays pending, counts the attempt, waits until `next_at`.
    pub fn retry_later(&mut self, error: impl Into<String>, next_at: DateTime<Utc>, at: DateTime<Utc>) {
        self.attempts = self.attempts.saturating_add(1);
        self.last_error = Some(error.into());
        self.next_attempt_at = next_at;
        self.updated_at = at;
    }

    /// The deadline passed: never attempted → `expired`; attempted, interrupted while being
    /// sent (a dispatcher claimed it and recorded no outcome) or sent → `timed_out`.
    pub fn on_deadline(&mut self, at: DateTime<Utc>) -> Result<Transition, CommandError> {
        match self.state {
            CommandState::Pending if self.lease_owner.is_some() => self.transition(
                CommandState::TimedOut,
                "the deadline passed while the command was being sent; its outcome is unknown",
                at,
            ),
            CommandState::Pending if self.attempts == 0 => {
                self.transition(CommandState::Expired, "the deadline passed before the command could be sent", at)
            }
            CommandState::Pending => {
                let last = self.last_error.clone().unwrap_or_default();
                let reason = format!(
                    "no answer before the deadline after {} failed attempts; last error: {last}",
                    self.attempts
                );
                self.transition(CommandState::TimedOut, reason, at)
            }
            _ => self.transition(CommandState::TimedOut, "no final answer before the deadline", at),
        }
    }

    /// Applies a persistent-RPC state reported by the platform; never moves backwards and
    /// ignores repeats (returns no transition then).
    pub fn apply_remote(
        &mut self,
        remote: RemoteRpcState,
        response: Option<serde_json::Value>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Transition>, CommandError> {
        let mut out = Vec::new();
        if self.state.is_terminal() {
            return Ok(out);
        }
        let label = remote.as_str();
        match remote {
            RemoteRpcState::Queued | RemoteRpcState::Sent => {
                if self.state == CommandState::Pending {
                    out.push(self.transition(CommandState::Sent, format!("platform reported {label}"), at)?);
                }
            }
            RemoteRpcState::Delivered => {
                if self.state != CommandState::Delivered {
                    if self.state == CommandState::Pending {
                        out.push(self.transition(CommandState::Sent, format!("platform reported {label}"), at)?);
                    }
                    out.push(self.transition(CommandState::Delivered, "platform reported DELIVERED", at)?);
                }
                if self.options.oneway {
                    out.push(self.transition(
                        CommandState::Succeeded,
                        "one-way command delivered to the device",
                        at,
                    )?);
                }
            }
            RemoteRpcState::Successful => {
                if self.state == CommandState::Pending {
                    out.push(self.transition(CommandState::Sent, format!("platform reported {label}"), at)?);
                }
                self.response = response;
                out.push(self.transition(
                    CommandState::Succeeded,
                    "platform reported SUCCESSFUL (device replied)",
                    at,
                )?);
            }
            RemoteRpcState::Timeout => out.push(self.transition(
                CommandState::TimedOut,
                "platform reported TIMEOUT: device did not reply in time",
                at,
            )?),
            RemoteRpcState::Expired => {
                let to =
                    if self.state == CommandState::Delivered { CommandState::TimedOut } else { CommandState::Expired };
                out.push(self.transition(
                    to,
                    "platform reported EXPIRED: not delivered before its expiration time",
                    at,
                )?);
            }
            RemoteRpcState::Failed => {
                if response.is_some() {
                    self.response = response;
                }
                out.push(self.transition(CommandState::Failed, "platform reported FAILED", at)?);
            }
        }
        Ok(out)
    }
}
