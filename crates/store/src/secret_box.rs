//! Secrets at rest: integration secrets are sealed with XChaCha20-Poly1305 under a
//! key-encryption key (the master key) before they are written, and opened when read. A sealed
//! value is `enc1:<key id>:<base64(nonce ‖ ciphertext)>`; the key id (first 8 bytes of the
//! key's SHA-256, hex) says which key of the ring opens it, so keys can be rotated.

use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

/// Prefix of a sealed value.
pub const SEALED_PREFIX: &str = "enc1:";

/// Why a master key or a sealed value cannot be used (never carries secret material).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretBoxError {
    /// A master key is not 64 hex characters (256 bits).
    #[error("a master key must be 64 hex characters (256 bits)")]
    BadKey,
    /// No key was given.
    #[error("no master key")]
    NoKey,
    /// The value was sealed with a key that is not in the ring.
    #[error("a stored secret was sealed with master key {0}, which is not among the configured master keys (MGC_MASTER_KEY or <data_dir>/master-key): start with the key it was sealed with")]
    UnknownKey(String),
    /// The value does not open with its key (wrong key of the same id, or damaged).
    #[error("a stored secret does not decrypt with master key {0}: the key or the value is damaged")]
    Damaged(String),
    /// The value is not in the sealed format.
    #[error("a stored secret is not in the enc1 format")]
    Malformed,
}

/// The master keys: the current one seals, any of them opens.
pub struct Keyring {
    keys: Vec<(String, Key)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("key_ids", &self.key_ids()).finish()
    }
}

fn key_id(key: &[u8]) -> String {
    hex::encode(&Sha256::digest(key)[..8])
}

impl Keyring {
    /// A ring from hex keys, the first one current (seals new values).
    pub fn from_hex<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<Self, SecretBoxError> {
        let keys = keys
            .into_iter()
            .map(|k| {
                let bytes = hex::decode(k.trim()).map_err(|_| SecretBoxError::BadKey)?;
                if bytes.len() != 32 {
                    return Err(SecretBoxError::BadKey);
                }
                Ok((key_id(&bytes), *Key::from_slice(&bytes)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(SecretBoxError::NoKey);
        }
        Ok(Self { keys })
    }

    /// A fresh random 256-bit key, hex.
    pub fn generate_hex() -> String {
        hex::encode(XChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// Ids of the keys, current first.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys.iter().map(|(id, _)| id.clone()).collect()
    }

    /// Id of the current key.
    pub fn current_id(&self) -> &str {
        self.keys.first().map_or("", |(id, _)| id.as_str())
    }

    /// Seals `plain` under the current key with a random nonce.
    pub fn seal(&self, plain: &str) -> Result<String, SecretBoxError> {
        let (id, key) = self.keys.first().ok_or(SecretBoxError::NoKey)?;
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = XChaCha20Poly1305::new(key)
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| SecretBoxError::Damaged(id.clone()))?;
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{id}:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw)))
    }

    /// Opens a sealed value; a value without the prefix (written before encryption) is
    /// returned as it is.
    pub fn open(&self, stored: &str) -> Result<String, SecretBoxError> {
        let Some(rest) = stored.strip_prefix(SEALED_PREFIX) else { return Ok(stored.to_owned()) };
        let (id, body) = rest.split_once(':').ok_or(SecretBoxError::Malformed)?;
        let (_, key) =
            self.keys.iter().find(|(k, _)| k == id).ok_or_else(|| SecretBoxError::UnknownKey(id.to_owned()))?;
        let raw =
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(body).map_err(|_| SecretBoxError::Malformed)?;
        if raw.len() < 24 {
            return Err(SecretBoxError::Malformed);
        }
        let (nonce, sealed) = raw.split_at(24);
        let plain = XChaCha20Poly1305::new(key)
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| SecretBoxError::Damaged(id.to_owned()))?;
        String::from_utf8(plain).map_err(|_| SecretBoxError::Damaged(id.to_owned()))
    }
}

/// True when `stored` is sealed under the key `current`.
pub fn sealed_with(stored: &str, current: &str) -> bool {
    stored.strip_prefix(SEALED_PREFIX).and_then(|r| r.split_once(':')).is_some_and(|(id, _)| id == current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_ring_when_sealed_then_opens_with_any_key_of_the_ring_and_not_without_it() {
        let (a, b) = (Keyring::generate_hex(), Keyring::generate_hex());
        let old = Keyring::from_hex([a.as_str()]).unwrap();
        let sealed = old.seal("s3cret").unwrap();
        assert!(sealed.starts_with(SEALED_PREFIX) && !sealed.contains("s3cret"));
        assert_ne!(sealed, old.seal("s3cret").unwrap(), "random nonce");
        let rotated = Keyring::from_hex([b.as_str(), a.as_str()]).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), "s3cret");
        assert!(sealed_with(&rotated.seal("x").unwrap(), rotated.current_id()));
        let other = Keyring::from_hex([b.as_str()]).unwrap();
        assert!(matches!(other.open(&sealed), Err(SecretBoxError::UnknownKey(_))));
        assert_eq!(other.open("clear").unwrap(), "clear");
        assert_eq!(Keyring::from_hex(["abc"]).unwrap_err(), SecretBoxError::BadKey);
    }
}
