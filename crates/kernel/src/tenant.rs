//! Tenant identifiers: short, human-chosen slugs that scope every record.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::KernelError;

/// Maximum length of a tenant id in characters.
const MAX_LEN: usize = 64;

/// A validated tenant id: 1 to 64 characters of `[A-Za-z0-9_.-]`, starting with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    /// Validates `s` and wraps it; the reason in the error says what is wrong.
    pub fn parse(s: &str) -> Result<TenantId, KernelError> {
        let reject = |reason: String| KernelError::InvalidTenant { value: s.to_owned(), reason };
        let len = s.chars().count();
        if len == 0 || len > MAX_LEN {
            return Err(reject(format!("must be 1 to {MAX_LEN} characters, got {len}")));
        }
        if let Some(bad) = s.chars().find(|c| !is_allowed(*c)) {
            return Err(reject(format!("character {bad:?} not allowed (use A-Z, a-z, 0-9, '_', '.', '-')")));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(reject("must start with a letter or digit".to_owned()));
        }
        Ok(TenantId(s.to_owned()))
    }

    /// The tenant id as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TenantId {
    type Err = KernelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TenantId::parse(s)
    }
}

impl AsRef<str> for TenantId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for TenantId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TenantId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        TenantId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason_of(s: &str) -> String {
        match TenantId::parse(s) {
            Err(KernelError::InvalidTenant { value, reason }) => {
                assert_eq!(value, s);
                reason
            }
            other => panic!("expected InvalidTenant for {s:?}, got {other:?}"),
        }
    }

    #[test]
    fn given_valid_slugs_when_parsed_then_accepted() {
        for s in ["acme", "A", "7", "acme-energy_01.cn", &"a".repeat(64)] {
            let t = TenantId::parse(s).unwrap();
            assert_eq!(t.as_str(), s);
            assert_eq!(t.to_string(), s);
        }
    }

    #[test]
    fn given_empty_or_too_long_when_parsed_then_length_reason() {
        assert!(reason_of("").contains("1 to 64 characters"));
        assert!(reason_of(&"a".repeat(65)).contains("1 to 64 characters"));
    }

    #[test]
    fn given_bad_character_when_parsed_then_reason_names_it() {
        assert!(reason_of("acme/energy").contains("'/' not allowed"));
        assert!(reason_of("acme energy").contains("' ' not allowed"));
        assert!(reason_of("ünicode").contains("'ü' not allowed"));
    }

    #[test]
    fn given_non_alphanumeric_first_char_when_parsed_then_rejected() {
        for s in ["-acme", "_acme", ".acme"] {
            assert!(reason_of(s).contains("must start with a letter or digit"));
        }
    }

    #[test]
    fn given_tenant_when_serde_round_trip_then_string_and_validated() {
        let t: TenantId = "acme".parse().unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"acme\"");
        assert_eq!(serde_json::from_str::<TenantId>(&json).unwrap(), t);
        assert!(serde_json::from_str::<TenantId>("\"a/b\"").is_err());
    }
}
