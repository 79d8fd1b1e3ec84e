//! Why a command operation was refused.

use crate::{CommandId, CommandState};
use mgc_kernel::{DeviceId, RepoError};

/// A refused command operation; [`CommandError::code`] is the machine-readable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    /// A field of the request is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (`params.idTag` for a field inside the parameters).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The device does not exist in the tenant.
    #[error("device {0} not found")]
    UnknownDevice(DeviceId),
    /// The device cannot receive commands (a ThingsBoard device without its ThingsBoard id).
    #[error("device {0} has no ThingsBoard device id (tb_device_id); it cannot receive commands")]
    NotControllable(DeviceId),
    /// The idempotency key was used within 24 h for a different request.
    #[error("idempotency key '{0}' was already used for a different command within 24 h")]
    IdempotencyConflict(String),
    /// Only pending commands can be cancelled.
    #[error("command {id} is {state}; only a pending command that is not being sent can be cancelled")]
    NotCancellable {
        /// The command.
        id: CommandId,
        /// Its state.
        state: CommandState,
    },
    /// The command does not exist in the tenant.
    #[error("command {0} not found")]
    NotFound(CommandId),
    /// No command carries this platform RPC id.
    #[error("no command has RPC id '{0}'")]
    UnknownRpcId(String),
    /// Too many state messages of unknown RPC ids are waiting for their command in the tenant.
    #[error("{0} state messages of RPC ids not yet recorded are already waiting; RPC id '{1}' is not known")]
    EarlyUpdatesFull(u32, String),
    /// The state machine forbids the move.
    #[error("command cannot move from {from} to {to}")]
    IllegalTransition {
        /// Current state.
        from: CommandState,
        /// Wanted state.
        to: CommandState,
    },
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl CommandError {
    /// Stable snake_case code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid_command",
            Self::UnknownDevice(_) => "unknown_device",
            Self::NotControllable(_) => "device_not_controllable",
            Self::IdempotencyConflict(_) => "idempotency_key_reused",
            Self::NotCancellable { .. } => "command_not_cancellable",
            Self::NotFound(_) => "not_found",
            Self::UnknownRpcId(_) => "unknown_rpc_id",
            Self::EarlyUpdatesFull(..) => "rpc_update_buffer_full",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::Repo(_) => "storage_error",
        }
    }

    /// An invalid-field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), message: message.into() }
    }
}
