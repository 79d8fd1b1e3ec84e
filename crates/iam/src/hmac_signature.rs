//! HMAC-SHA256 request signatures, legacy form (v1): `sha256=<hex HMAC(secret, timestamp + "." + body)>`.
//! The current form is [`crate::signature_v2`].

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a signed request is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HmacError {
    /// The signature header is not `sha256=<64 hex chars>`.
    #[error("signature must look like 'sha256=<hex>'")]
    MalformedSignature,
    /// The timestamp is not unix seconds.
    #[error("timestamp must be unix seconds, got '{0}'")]
    MalformedTimestamp(String),
    /// The timestamp is outside the replay window.
    #[error("timestamp is {skew_secs} s away from server time; at most {window_secs} s allowed")]
    StaleTimestamp {
        /// Distance to now.
        skew_secs: i64,
        /// Allowed distance.
        window_secs: i64,
    },
    /// The signature does not match.
    #[error("signature does not match")]
    Mismatch,
}

impl HmacError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            HmacError::MalformedSignature => "malformed_signature",
            HmacError::MalformedTimestamp(_) => "malformed_timestamp",
            HmacError::StaleTimestamp { .. } => "stale_timestamp",
            HmacError::Mismatch => "invalid_signature",
        }
    }
}

/// HMAC-SHA256 under `secret` over the concatenation of `parts`.
pub(crate) fn mac_over(secret: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    for part in parts {
        mac.update(part);
    }
    mac
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    mac_over(secret, &[timestamp.as_bytes(), b".", body])
}

/// Checks the hex digest after `prefix` in `header` against `mac`, in constant time.
pub(crate) fn verify_hex(mac: HmacSha256, header: &str, prefix: &str) -> Result<(), HmacError> {
    let hex_sig = header.trim().strip_prefix(prefix).ok_or(HmacError::MalformedSignature)?;
    let given = hex::decode(hex_sig).map_err(|_| HmacError::MalformedSignature)?;
    if given.len() != 32 {
        return Err(HmacError::MalformedSignature);
    }
    mac.verify_slice(&given).map_err(|_| HmacError::Mismatch)
}

/// Hex HMAC-SHA256 of `timestamp + "." + body` (without the `sha256=` prefix).
pub fn sign_hex(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// Verifies a `sha256=<hex>` header in constant time.
pub fn verify_signature(secret: &[u8], timestamp: &str, body: &[u8], header: &str) -> Result<(), HmacError> {
    verify_hex(mac(secret, timestamp, body), header, "sha256=")
}

/// Parses `timestamp` (unix seconds) and checks it is within `window_secs` of `now`.
pub fn check_timestamp(timestamp: &str, now: DateTime<Utc>, window_secs: i64) -> Result<i64, HmacError> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| HmacError::MalformedTimestamp(timestamp.to_owned()))?;
    let skew_secs = now.timestamp().saturating_sub(ts).saturating_abs();
    if skew_secs > window_secs {
        return Err(HmacError::StaleTimestamp { skew_secs, window_secs });
    }
    Ok(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_signed_body_when_verified_then_ok_and_tamper_fails() {
        let sig = format!("sha256={}", sign_hex(b"s3cret", "1700000000", b"{\"a\":1}"));
        assert_eq!(verify_signature(b"s3cret", "1700000000", b"{\"a\":1}", &sig), Ok(()));
        assert_eq!(verify_signature(b"s3cret", "1700000000", b"{\"a\":2}", &sig), Err(HmacError::Mismatch));
        assert_eq!(verify_signature(b"other", "1700000000", b"{\"a\":1}", &sig), Err(HmacError::Mismatch));
        assert_eq!(verify_signature(b"s3cret", "1700000001", b"{\"a\":1}", &sig), Err(HmacError::Mismatch));
    }

    #[test]
    fn given_known_vector_when_signed_then_matches_reference() {
        // Reference computed independently: HMAC-SHA256(b"key", b"1700000000.{\"a\":1}").
        assert_eq!(
            sign_hex(b"key", "1700000000", b"{\"a\":1}"),
            "a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }

    #[test]
    fn given_malformed_header_when_verified_then_malformed() {
        assert_eq!(verify_signature(b"k", "1", b"", "md5=00"), Err(HmacError::MalformedSignature));
        assert_eq!(verify_signature(b"k", "1", b"", "sha256=zz"), Err(HmacError::MalformedSignature));
        assert_eq!(verify_signature(b"k", "1", b"", "sha256=00ff"), Err(HmacError::MalformedSignature));
    }

    #[test]
    fn given_timestamps_when_checked_then_window_enforced() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(check_timestamp("1700000300", now, 300), Ok(1_700_000_300));
        assert!(matches!(
            check_timestamp("1699999699", now, 300),
            Err(HmacError::StaleTimestamp { skew_secs: 301, .. })
        ));
        assert!(matches!(check_timestamp("soon", now, 300), Err(HmacError::MalformedTimestamp(_))));
    }
}
