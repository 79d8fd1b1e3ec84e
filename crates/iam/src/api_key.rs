//! API keys for third-party platforms: shown once, stored as a SHA-256 hash, looked up by prefix.

use crate::Role;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{ApiKeyId, RepoError, StationId, TenantId};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Textual marker every key starts with, so leaked keys are easy to recognise and scan for.
pub const KEY_MARKER: &str = "mgc";

/// A stored API key (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    /// Id.
    pub id: ApiKeyId,
    /// Tenant the key acts for.
    pub tenant: TenantId,
    /// Human name.
    pub name: String,
    /// Role granted.
    pub role: Role,
    /// Stations the key is restricted to (None = every station of the tenant).
    pub station_ids: Option<Vec<StationId>>,
    /// Public lookup prefix (part of the key).
    pub prefix: String,
    /// Hex SHA-256 of the whole key.
    #[serde(skip)]
    pub secret_hash: String,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// True when `presented` is this key (constant-time comparison of hashes).
    pub fn matches(&self, presented: &str) -> bool {
        let hash = hash_key(presented);
        hash.as_bytes().ct_eq(self.secret_hash.as_bytes()).into()
    }
}

/// A freshly generated key: the plaintext is returned to the caller once and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedApiKey {
    /// The full key, `mgc_<prefix>_<secret>`.
    pub plaintext: String,
    /// Lookup prefix.
    pub prefix: String,
    /// Hex SHA-256 of `plaintext`.
    pub hash: String,
}

impl std::fmt::Debug for GeneratedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedApiKey").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl GeneratedApiKey {
    /// Generates 64 bits of prefix and 192 bits of secret from the OS random source.
    pub fn generate() -> Self {
        let mut prefix = [0u8; 8];
        let mut secret = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut prefix);
        rand::rngs::OsRng.fill_bytes(&mut secret);
        let prefix = hex::encode(prefix);
        let plaintext = format!("{KEY_MARKER}_{prefix}_{}", hex::encode(secret));
        let hash = hash_key(&plaintext);
        Self { plaintext, prefix, hash }
    }
}

/// Hex SHA-256 of a key. Keys carry 192 random bits, so a fast hash is enough.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Extracts the lookup prefix from a presented key, or None when it is not shaped like one.
pub fn prefix_of(presented: &str) -> Option<&str> {
    let rest = presented.strip_prefix(KEY_MARKER)?.strip_prefix('_')?;
    let (prefix, secret) = rest.split_once('_')?;
    let hexish = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    (prefix.len() == 16 && hexish(prefix) && hexish(secret)).then_some(prefix)
}

/// Write side of API keys, implemented on the store's unit of work.
#[async_trait]
pub trait ApiKeyRepository: Send {
    /// Stores a new key.
    async fn insert_api_key(&mut self, key: &ApiKey) -> Result<(), RepoError>;
    /// Loads a key of `tenant` (NotFound for other tenants' keys).
    async fn get_api_key(&mut self, tenant: &TenantId, id: ApiKeyId) -> Result<ApiKey, RepoError>;
    /// Marks a key revoked at `at`.
    async fn set_api_key_revoked(
        &mut self,
        tenant: &TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
}

/// Read side of API keys: listing and authentication lookup.
#[async_trait]
pub trait ApiKeyLookupPort: Send + Sync {
    /// Keys of `tenant`, newest first.
    async fn list_api_keys(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<ApiKey>, RepoError>;
    /// One key of `tenant`.
    async fn find_api_key(&self, tenant: &TenantId, id: ApiKeyId) -> Result<ApiKey, RepoError>;
    /// The key with this prefix, whatever its tenant (authentication only).
    async fn find_api_key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_generated_key_when_parsed_then_prefix_and_hash_match() {
        let k = GeneratedApiKey::generate();
        assert_eq!(prefix_of(&k.plaintext), Some(k.prefix.as_str()));
        assert_eq!(hash_key(&k.plaintext), k.hash);
        assert_ne!(GeneratedApiKey::generate().plaintext, k.plaintext);
        assert!(!format!("{k:?}").contains(&k.plaintext));
    }

    #[test]
    fn given_known_key_when_hashed_then_sha256_hex() {
        assert_eq!(
            hash_key("mgc_0011223344556677_secret"),
            "ead798212ce6c9ae753a450d262620a13139488da684463d74707e7879703828"
        );
    }

    #[test]
    fn given_malformed_keys_when_parsed_then_none() {
        for bad in ["", "mgc_", "mgc_zz_aa", "xyz_0011223344556677_aa", "mgc_0011223344556677_", "mgc_001122_aa"] {
            assert_eq!(prefix_of(bad), None, "{bad}");
        }
    }
}
