//! Id tags (RFID cards, app tokens) and the authorization decision for one of them.

use crate::domain::named::named_enum;
use crate::ChargingError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest id tag (OCPP 1.6 IdToken is a CiString20).
pub const MAX_ID_TAG_LEN: usize = 20;

/// An id tag as presented by a user: 1 to 20 printable ASCII characters, compared case-insensitively.
#[derive(Debug, Clone, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdToken(String);

impl IdToken {
    /// Validates and wraps a tag.
    pub fn parse(s: &str) -> Result<Self, ChargingError> {
        if s.is_empty() || s.len() > MAX_ID_TAG_LEN {
            return Err(ChargingError::invalid("id_tag", format!("must be 1 to {MAX_ID_TAG_LEN} characters")));
        }
        if !s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(ChargingError::invalid("id_tag", "only printable ASCII characters"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The tag as presented.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive lookup key (upper case).
    pub fn key(&self) -> String {
        self.0.to_ascii_uppercase()
    }
}

impl PartialEq for IdToken {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl std::hash::Hash for IdToken {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for IdToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdToken {
    type Error = ChargingError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IdToken> for String {
    fn from(t: IdToken) -> Self {
        t.0
    }
}

named_enum! {
    /// OCPP 1.6 AuthorizationStatus: stored status of a tag, and the decision answered for it.
    pub enum AuthorizationStatus {
        /// May charge.
        Accepted => "accepted",
        /// Blocked by an operator.
        Blocked => "blocked",
        /// Past its expiry.
        Expired => "expired",
        /// Not known.
        Invalid => "invalid",
        /// Already in another transaction.
        ConcurrentTx => "concurrent_tx",
    }
}

/// A tag of a tenant's authorization list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTag {
    /// The tag.
    pub token: IdToken,
    /// Its stored status.
    pub status: AuthorizationStatus,
    /// When it stops being valid.
    pub expires_at: Option<DateTime<Utc>>,
    /// Group (parent) tag.
    pub parent: Option<IdToken>,
}

/// The authorization answered for a tag (OCPP IdTagInfo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTagInfo {
    /// Decision.
    pub status: AuthorizationStatus,
    /// Expiry to tell the charge point (its cache may keep the tag until then).
    pub expires_at: Option<DateTime<Utc>>,
    /// Group tag.
    pub parent: Option<IdToken>,
}

impl IdTagInfo {
    /// The answer for a tag nobody knows.
    pub fn invalid() -> Self {
        Self { status: AuthorizationStatus::Invalid, expires_at: None, parent: None }
    }
}

impl IdTag {
    /// The decision at `now`: the stored status, except that an accepted tag whose expiry is at or
    /// before `now` is `expired`.
    pub fn authorize(&self, now: DateTime<Utc>) -> IdTagInfo {
        let status = match (self.status, self.expires_at) {
            (AuthorizationStatus::Accepted, Some(expiry)) if expiry <= now => AuthorizationStatus::Expired,
            (status, _) => status,
        };
        IdTagInfo { status, expires_at: self.expires_at, parent: self.parent.clone() }
    }
}

/// The decision for a tag that may be unknown (`invalid` then).
pub fn authorize(tag: Option<&IdTag>, now: DateTime<Utc>) -> IdTagInfo {
    tag.map_or_else(IdTagInfo::invalid, |t| t.authorize(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn tag(status: AuthorizationStatus, expires_at: Option<DateTime<Utc>>) -> IdTag {
        IdTag { token: IdToken::parse("ABC123").unwrap(), status, expires_at, parent: None }
    }

    #[test]
    fn given_tags_when_compared_then_case_insensitive() {
        assert_eq!(IdToken::parse("abc123").unwrap(), IdToken::parse("ABC123").unwrap());
        assert_eq!(IdToken::parse("abc123").unwrap().key(), "ABC123");
    }

    #[test]
    fn given_bad_tags_when_parsed_then_refused() {
        for bad in ["", "123456789012345678901", "tag\n", "tág"] {
            assert!(IdToken::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IdToken::parse("12345678901234567890").is_ok());
    }

    #[test]
    fn given_accepted_tag_when_authorized_before_and_at_expiry_then_accepted_then_expired() {
        let t = tag(AuthorizationStatus::Accepted, Some(t0()));
        assert_eq!(t.authorize(t0() - Duration::seconds(1)).status, AuthorizationStatus::Accepted);
        assert_eq!(t.authorize(t0()).status, AuthorizationStatus::Expired);
        assert_eq!(t.authorize(t0()).expires_at, Some(t0()));
    }

    #[test]
    fn given_blocked_or_unknown_tag_when_authorized_then_blocked_or_invalid() {
        let blocked = tag(AuthorizationStatus::Blocked, Some(t0() - Duration::days(1)));
        assert_eq!(authorize(Some(&blocked), t0()).status, AuthorizationStatus::Blocked);
        assert_eq!(authorize(None, t0()).status, AuthorizationStatus::Invalid);
    }
}
