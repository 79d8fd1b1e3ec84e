//! A platform's charge order: its order number (the idempotency key), the port and the mode.

use crate::PlatformError;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePointId, IdToken, SessionId};
use mgc_commands::CommandId;
use mgc_kernel::TenantId;
use serde::Serialize;

/// Id tag a start uses when the platform names none (the tenant registers it as an id tag).
pub const DEFAULT_ID_TAG: &str = "PLATFORM";

/// Longest order number.
const MAX_ORDER_NO: usize = 64;

/// A platform's order number: 1 to 64 characters of letters, digits and `-_.:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrderNo(String);

impl OrderNo {
    /// Checks `text`.
    pub fn parse(text: &str) -> Result<Self, PlatformError> {
        let ok = (1..=MAX_ORDER_NO).contains(&text.chars().count())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(PlatformError::invalid(
                "order_no",
                format!("must be 1 to {MAX_ORDER_NO} characters of letters, digits and -_.: (got '{text}')"),
            ))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OrderNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a charge ends by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", content = "limit", rename_all = "snake_case")]
pub enum ChargeMode {
    /// Until the vehicle is full or the charge is stopped.
    Full,
    /// For this many seconds.
    Time(u32),
    /// Until this much energy (Wh) was delivered.
    Energy(u32),
    /// Full, at most this power (W).
    Power(u32),
}

impl ChargeMode {
    /// Reads `mode` and `limit` as a platform sends them: `full` ignores a limit, the others need
    /// one above 0 (seconds, Wh, W).
    pub fn parse(mode: &str, limit: Option<u32>) -> Result<Self, PlatformError> {
        let need = |unit: &str| match limit {
            Some(l) if l > 0 => Ok(l),
            _ => Err(PlatformError::invalid("limit", format!("mode {mode} needs a limit above 0 ({unit})"))),
        };
        match mode {
            "full" => Ok(Self::Full),
            "time" => need("seconds").map(Self::Time),
            "energy" => need("Wh").map(Self::Energy),
            "power" => need("W").map(Self::Power),
            _ => Err(PlatformError::invalid("mode", format!("must be time, energy, power or full (got '{mode}')"))),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Time(_) => "time",
            Self::Energy(_) => "energy",
            Self::Power(_) => "power",
        }
    }

    /// Its limit (none for full).
    pub fn limit(self) -> Option<u32> {
        match self {
            Self::Full => None,
            Self::Time(l) | Self::Energy(l) | Self::Power(l) => Some(l),
        }
    }
}

/// What a platform asks for when it starts a charge.
#[derive(Debug, Clone, PartialEq)]
pub struct StartCharge {
    /// Connector number (1-based).
    pub port: u32,
    /// How it ends by itself.
    pub mode: ChargeMode,
    /// The platform's order number.
    pub order_no: OrderNo,
    /// Id tag the session runs under ([`DEFAULT_ID_TAG`] when the platform names none).
    pub id_tag: IdToken,
}

/// A charge order as stored: one per order number and tenant, for ever.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeOrder {
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// The platform's order number.
    pub order_no: OrderNo,
    /// The pile.
    pub charge_point_id: ChargePointId,
    /// Connector number.
    pub port: u32,
    /// How it ends by itself.
    #[serde(flatten)]
    pub mode: ChargeMode,
    /// Id tag it started with.
    pub id_tag: String,
    /// The start command.
    pub start_command_id: CommandId,
    /// The stop command, once stopped by the platform.
    pub stop_command_id: Option<CommandId>,
    /// The session the order started, once its start was seen.
    pub session_id: Option<SessionId>,
    /// When the platform placed it.
    pub created_at: DateTime<Utc>,
}

impl ChargeOrder {
    /// True when `request` on `charge_point_id` asks for exactly this order (a repeat).
    pub fn is_repeat_of(&self, charge_point_id: ChargePointId, request: &StartCharge) -> bool {
        self.charge_point_id == charge_point_id
            && self.port == request.port
            && self.mode == request.mode
            && self.id_tag.eq_ignore_ascii_case(request.id_tag.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_order_numbers_when_parsed_then_only_short_plain_ones_pass() {
        assert!(OrderNo::parse("ORD-2026:12.07_1").is_ok());
        for bad in ["", "has space", "ü", &"9".repeat(65), "a/b", "nul\0"] {
            let err = OrderNo::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_order", "{bad:?}");
        }
        assert!(OrderNo::parse(&"9".repeat(64)).is_ok());
    }

    #[test]
    fn given_modes_and_limits_when_parsed_then_limits_are_required_above_zero() {
        assert_eq!(ChargeMode::parse("full", None).unwrap(), ChargeMode::Full);
        assert_eq!(ChargeMode::parse("full", Some(5)).unwrap(), ChargeMode::Full, "a limit means nothing when full");
        assert_eq!(ChargeMode::parse("time", Some(600)).unwrap(), ChargeMode::Time(600));
        assert_eq!(ChargeMode::parse("energy", Some(5000)).unwrap(), ChargeMode::Energy(5000));
        assert_eq!(ChargeMode::parse("power", Some(3500)).unwrap(), ChargeMode::Power(3500));
        for (mode, limit, field) in [("time", None, "limit"), ("energy", Some(0), "limit"), ("boost", Some(1), "mode")]
        {
            let err = ChargeMode::parse(mode, limit).unwrap_err();
            assert!(err.to_string().starts_with(field), "{mode} {limit:?}: {err}");
        }
    }
}
