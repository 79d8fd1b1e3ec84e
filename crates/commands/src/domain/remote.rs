//! Persistent-RPC states as the device platform reports them (ThingsBoard's RPC statuses).

use std::str::FromStr;

/// A state of a persistent RPC on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteRpcState {
    /// Queued on the platform.
    Queued,
    /// Sent to the device.
    Sent,
    /// The device received it (end for one-way).
    Delivered,
    /// The device replied (two-way).
    Successful,
    /// No reply in time.
    Timeout,
    /// Not delivered before its expiration time.
    Expired,
    /// Failed.
    Failed,
}

impl RemoteRpcState {
    /// Position in the RPC's life: QUEUED < SENT < DELIVERED < the final states (all equal).
    pub fn rank(self) -> u8 {
        match self {
            Self::Queued => 0,
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Successful | Self::Timeout | Self::Expired | Self::Failed => 3,
        }
    }

    /// The platform's upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "QUEUED",
            Self::Sent => "SENT",
            Self::Delivered => "DELIVERED",
            Self::Successful => "SUCCESSFUL",
            Self::Timeout => "TIMEOUT",
            Self::Expired => "EXPIRED",
            Self::Failed => "FAILED",
        }
    }
}

impl FromStr for RemoteRpcState {
    type Err = String;

    /// Accepts the status names (any case) and the rule-engine message types (`RPC_DELIVERED`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let name = upper.strip_prefix("RPC_").unwrap_or(&upper);
        Ok(match name {
            "QUEUED" => Self::Queued,
            "SENT" => Self::Sent,
            "DELIVERED" => Self::Delivered,
            "SUCCESSFUL" | "SUCCESS" => Self::Successful,
            "TIMEOUT" => Self::Timeout,
            "EXPIRED" => Self::Expired,
            "FAILED" => Self::Failed,
            _ => {
                return Err(format!(
                "unknown RPC status '{s}' (expected QUEUED, SENT, DELIVERED, SUCCESSFUL, TIMEOUT, EXPIRED or FAILED)"
            ))
            }
        })
    }
}
