//! A tenant's local authorization list: its tags and the list version charge points synchronise on.

use crate::domain::id_tag::authorize;
use crate::{ChargingError, IdTag, IdTagInfo, IdToken};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::Serialize;
use std::collections::BTreeMap;

/// The tags of a tenant with a version that grows on every change (OCPP SendLocalList `listVersion`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalAuthorizationList {
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Version: 0 for an empty list never changed, +1 per change.
    pub version: i32,
    tags: BTreeMap<String, IdTag>,
}

impl LocalAuthorizationList {
    /// An empty list at version 0.
    pub fn empty(tenant: TenantId) -> Self {
        Self { tenant, version: 0, tags: BTreeMap::new() }
    }

    /// A list as stored.
    pub fn from_parts(tenant: TenantId, version: i32, tags: impl IntoIterator<Item = IdTag>) -> Self {
        Self { tenant, version, tags: tags.into_iter().map(|t| (t.token.key(), t)).collect() }
    }

    /// The tag, when listed.
    pub fn get(&self, token: &IdToken) -> Option<&IdTag> {
        self.tags.get(&token.key())
    }

    /// Every tag, ordered by key.
    pub fn tags(&self) -> impl Iterator<Item = &IdTag> {
        self.tags.values()
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// True without tags.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// The decision for `token` at `now` (unlisted: `invalid`).
    pub fn authorize(&self, token: &IdToken, now: DateTime<Utc>) -> IdTagInfo {
        authorize(self.get(token), now)
    }

    /// Adds or replaces a tag; the version grows unless the tag is unchanged. Returns the version.
    pub fn put(&mut self, tag: IdTag) -> Result<i32, ChargingError> {
        if self.get(&tag.token) == Some(&tag) {
            return Ok(self.version);
        }
        let version = self.next_version()?;
        self.tags.insert(tag.token.key(), tag);
        self.version = version;
        Ok(version)
    }

    /// Removes a tag; the version grows when it was listed. Returns the version.
    pub fn remove(&mut self, token: &IdToken) -> Result<i32, ChargingError> {
        if self.get(token).is_none() {
            return Ok(self.version);
        }
        let version = self.next_version()?;
        self.tags.remove(&token.key());
        self.version = version;
        Ok(version)
    }

    fn next_version(&self) -> Result<i32, ChargingError> {
        self.version.checked_add(1).ok_or(ChargingError::Exhausted("local list versions"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthorizationStatus;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn tag(name: &str, status: AuthorizationStatus) -> IdTag {
        IdTag { token: IdToken::parse(name).unwrap(), status, expires_at: None, parent: None }
    }

    fn list() -> LocalAuthorizationList {
        LocalAuthorizationList::empty(TenantId::parse("acme").unwrap())
    }

    #[test]
    fn given_empty_list_when_tag_put_then_version_grows_and_tag_authorizes_case_insensitively() {
        let mut l = list();
        assert_eq!(l.put(tag("Card1", AuthorizationStatus::Accepted)).unwrap(), 1);
        assert_eq!(l.authorize(&IdToken::parse("CARD1").unwrap(), t0()).status, AuthorizationStatus::Accepted);
        assert_eq!(l.authorize(&IdToken::parse("other").unwrap(), t0()).status, AuthorizationStatus::Invalid);
    }

    #[test]
    fn given_unchanged_put_or_absent_remove_then_version_kept() {
        let mut l = list();
        l.put(tag("Card1", AuthorizationStatus::Accepted)).unwrap();
        assert_eq!(l.put(tag("Card1", AuthorizationStatus::Accepted)).unwrap(), 1);
        assert_eq!(l.remove(&IdToken::parse("nope").unwrap()).unwrap(), 1);
        assert_eq!(l.put(tag("Card1", AuthorizationStatus::Blocked)).unwrap(), 2);
        assert_eq!(l.remove(&IdToken::parse("card1").unwrap()).unwrap(), 3);
        assert!(l.is_empty());
    }

    #[test]
    fn given_list_at_max_version_when_changed_then_exhausted() {
        let mut l = LocalAuthorizationList::from_parts(TenantId::parse("acme").unwrap(), i32::MAX, []);
        let err = l.put(tag("Card1", AuthorizationStatus::Accepted)).unwrap_err();
        assert_eq!(err.code(), "sequence_exhausted");
        assert_eq!(l.len(), 0);
    }
}
