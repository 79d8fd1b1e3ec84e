//! Identifiers of the charging context.

use crate::ChargingError;
use serde::{Deserialize, Serialize};
use std::fmt;

mgc_kernel::define_id!(
    /// Identifies a charge point.
    ChargePointId
);
mgc_kernel::define_id!(
    /// Identifies a charging session.
    SessionId
);

/// OCPP transaction id: allocated by the CSMS, unique per tenant, a 32-bit integer on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransactionId(pub i32);

impl fmt::Display for TransactionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Longest OCPP identity accepted (the OCPP security profile limit of a charge point identity).
pub const MAX_IDENTITY_LEN: usize = 48;

/// The identity a charge point connects with (last path segment of its OCPP-J URL):
/// 1 to 48 printable ASCII characters without `/` or spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OcppIdentity(String);

impl OcppIdentity {
    /// Validates and wraps an identity.
    pub fn parse(s: &str) -> Result<Self, ChargingError> {
        if s.is_empty() || s.len() > MAX_IDENTITY_LEN {
            return Err(ChargingError::invalid("identity", format!("must be 1 to {MAX_IDENTITY_LEN} characters")));
        }
        if !s.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
            return Err(ChargingError::invalid("identity", "only printable ASCII without '/' or spaces"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The identity as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OcppIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OcppIdentity {
    type Error = ChargingError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OcppIdentity> for String {
    fn from(id: OcppIdentity) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_identities_when_parsed_then_only_printable_ascii_without_slash_up_to_48() {
        assert!(OcppIdentity::parse("CP-001").is_ok());
        assert!(OcppIdentity::parse(&"x".repeat(48)).is_ok());
        for bad in ["", "a/b", "a b", "é", &"x".repeat(49)] {
            let err = OcppIdentity::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_charging_input", "{bad}");
        }
    }
}
