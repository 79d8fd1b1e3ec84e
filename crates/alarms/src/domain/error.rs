//! Why the alarms context refused an operator's change: one variant per refusal with a stable
//! code; storage failures stay `Repo`.

use crate::{AlarmId, ChannelId, RuleId};
use mgc_kernel::{DeviceId, RepoError};

/// A refusal of the alarms context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlarmError {
    /// A rule definition does not validate (the message names the field).
    #[error("{0}")]
    InvalidRule(String),
    /// A channel definition does not validate (the message names the field).
    #[error("{0}")]
    InvalidChannel(String),
    /// A rule names a channel the tenant does not have.
    #[error("channels: no notification channel {0} in this tenant")]
    UnknownChannel(ChannelId),
    /// A rule's scope names a device the tenant does not have.
    #[error("scope.device_id: no device {0} in this tenant")]
    UnknownDevice(DeviceId),
    /// No such alarm in the tenant.
    #[error("alarm {0} not found")]
    AlarmNotFound(AlarmId),
    /// No such rule in the tenant.
    #[error("alarm rule {0} not found")]
    RuleNotFound(RuleId),
    /// No such channel in the tenant.
    #[error("notification channel {0} not found")]
    ChannelNotFound(ChannelId),
    /// Acknowledge of an acknowledged alarm.
    #[error("alarm {0} is already acknowledged")]
    AlreadyAcknowledged(AlarmId),
    /// Clear of a cleared alarm.
    #[error("alarm {0} is already cleared")]
    AlreadyCleared(AlarmId),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl AlarmError {
    /// Stable machine-readable code (docs/api.md lists them).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRule(_) => "invalid_alarm_rule",
            Self::InvalidChannel(_) => "invalid_channel",
            Self::UnknownChannel(_) => "unknown_channel",
            Self::UnknownDevice(_) => "unknown_device",
            Self::AlarmNotFound(_) | Self::RuleNotFound(_) | Self::ChannelNotFound(_) => "not_found",
            Self::AlreadyAcknowledged(_) => "alarm_already_acknowledged",
            Self::AlreadyCleared(_) => "alarm_already_cleared",
            Self::Repo(_) => "storage_error",
        }
    }
}
