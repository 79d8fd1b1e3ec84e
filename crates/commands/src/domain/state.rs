//! The states of a command and the legal moves between them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a command is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandState {
    /// Accepted, not yet handed to the device's platform (or waiting for a retry).
    Pending,
    /// Handed to the platform (ThingsBoard accepted the RPC).
    Sent,
    /// The device received it (one-way delivered, or persistent RPC reported DELIVERED).
    Delivered,
    /// The device carried it out (reply stored when there was one).
    Succeeded,
    /// Refused or failed (bad reply, bad request, no adapter, ...).
    Failed,
    /// Sent (or attempted) but no final answer before the deadline.
    TimedOut,
    /// The deadline passed before it could be sent.
    Expired,
    /// Cancelled by an operator while pending.
    Cancelled,
}

impl CommandState {
    /// Every state, in life order.
    pub const ALL: [CommandState; 8] = [
        Self::Pending,
        Self::Sent,
        Self::Delivered,
        Self::Succeeded,
        Self::Failed,
        Self::TimedOut,
        Self::Expired,
        Self::Cancelled,
    ];

    /// The snake_case name used in the API, the database and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::TimedOut => "timed_out",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    /// True for the end states (nothing moves a command out of them).
    pub fn is_terminal(self) -> bool {
        !matches!(self, Self::Pending | Self::Sent | Self::Delivered)
    }

    /// True while the platform has the command and no final answer came (holds the device lock).
    pub fn is_in_flight(self) -> bool {
        matches!(self, Self::Sent | Self::Delivered)
    }

    /// Whether `self → to` is a legal transition.
    pub fn may_become(self, to: CommandState) -> bool {
        use CommandState::*;
        match self {
            Pending => matches!(to, Sent | Failed | TimedOut | Expired | Cancelled),
            Sent => matches!(to, Delivered | Succeeded | Failed | TimedOut | Expired),
            Delivered => matches!(to, Succeeded | Failed | TimedOut),
            Succeeded | Failed | TimedOut | Expired | Cancelled => false,
        }
    }
}

impl fmt::Display for CommandState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CommandState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown command state '{s}' (expected one of pending, sent, delivered, succeeded, failed, timed_out, expired, cancelled)"))
    }
}
