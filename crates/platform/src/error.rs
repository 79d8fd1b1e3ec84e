//! Refusals of the platform use cases, each with a stable machine-readable code.

use mgc_commands::CommandError;
use mgc_kernel::RepoError;

/// Why a platform request was refused.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// A field of the request is not valid.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// No pile of this id or identity in the caller's scope.
    #[error("no device '{0}' in your scope")]
    UnknownDevice(String),
    /// The pile is linked to no masterdata device, so no command can reach it.
    #[error("device '{0}' is not linked to a masterdata device yet; commands cannot reach it")]
    NotLinked(String),
    /// The pile is not connected: nothing could reach it now.
    #[error("device '{0}' is offline")]
    Offline(String),
    /// The pile's protocol cannot end a charge by itself in this mode.
    #[error("mode: {protocol} piles do not support mode {mode}")]
    ModeNotSupported {
        /// The pile's protocol.
        protocol: String,
        /// The mode asked for.
        mode: &'static str,
    },
    /// The pile's protocol has no such operation.
    #[error("{protocol} piles do not support {operation} through this API")]
    NotSupported {
        /// The pile's protocol.
        protocol: String,
        /// The operation asked for.
        operation: &'static str,
    },
    /// The order number was used before for another charge.
    #[error("order_no '{0}' was already used for another device, port, mode or id tag")]
    OrderConflict(String),
    /// No order of this number on this pile.
    #[error("no order '{0}' on this device")]
    UnknownOrder(String),
    /// The order's port has no open session to stop (OCPP needs its transaction).
    #[error("port {0} has no open session to stop")]
    NoOpenSession(u32),
    /// The commands context refused the command.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl PlatformError {
    /// An invalid field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { field: "order_no", .. } => "invalid_order",
            Self::Invalid { .. } => "invalid_charge_request",
            Self::UnknownDevice(_) => "unknown_device",
            Self::NotLinked(_) => "device_not_linked",
            Self::Offline(_) => "device_offline",
            Self::ModeNotSupported { .. } => "mode_not_supported",
            Self::NotSupported { .. } => "not_supported_by_protocol",
            Self::OrderConflict(_) => "order_conflict",
            Self::UnknownOrder(_) => "unknown_order",
            Self::NoOpenSession(_) => "no_open_session",
            Self::Command(e) => e.code(),
            Self::Repo(_) => "storage_error",
        }
    }
}
