//! How a platform names a pile: our charge point id or its protocol identity.

use mgc_charging::{ChargePointId, OcppIdentity};

/// A pile as a platform names it in a path: a UUID is our charge point id, anything else its
/// protocol identity (OCPP identity or AP3000 physical id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRef {
    /// Our charge point id.
    Id(ChargePointId),
    /// The identity the pile connects with.
    Identity(OcppIdentity),
}

impl DeviceRef {
    /// Reads a path segment; `None` when it is neither an id nor a valid identity.
    pub fn parse(text: &str) -> Option<Self> {
        if let Ok(id) = text.parse::<ChargePointId>() {
            return Some(Self::Id(id));
        }
        OcppIdentity::parse(text).ok().map(Self::Identity)
    }
}

impl std::fmt::Display for DeviceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Identity(identity) => write!(f, "{identity}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_uuid_or_an_identity_when_parsed_then_the_matching_form() {
        let id = ChargePointId::new();
        assert_eq!(DeviceRef::parse(&id.to_string()), Some(DeviceRef::Id(id)));
        assert!(matches!(DeviceRef::parse("04AB373B"), Some(DeviceRef::Identity(i)) if i.as_str() == "04AB373B"));
        assert_eq!(DeviceRef::parse(""), None);
        assert_eq!(DeviceRef::parse(&"x".repeat(49)), None);
    }
}
