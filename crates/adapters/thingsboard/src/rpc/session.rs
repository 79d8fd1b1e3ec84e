//! The ThingsBoard login session: JWT kept in memory, refreshed with the refresh token before
//! it expires (expiry read from the token's payload, not verified), re-login as the fallback.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Refresh this long before the token expires.
pub const REFRESH_MARGIN_SECS: i64 = 60;

/// Tokens of a logged-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Access token (`X-Authorization: Bearer <token>`).
    pub token: String,
    /// Refresh token, when ThingsBoard gave one.
    pub refresh_token: Option<String>,
    /// Expiry read from the token (None when unreadable: used until ThingsBoard answers 401).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Body of `/api/auth/login` and `/api/auth/token` answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh_token: Option<String>,
}

impl Session {
    /// A session from a token pair.
    pub fn from_pair(pair: TokenPair) -> Self {
        let expires_at = jwt_expiry(&pair.token);
        Self { token: pair.token, refresh_token: pair.refresh_token, expires_at }
    }

    /// True while the token can be used at `now` without refreshing.
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|exp| now + chrono::Duration::seconds(REFRESH_MARGIN_SECS) < exp)
    }
}

/// The `exp` claim of a JWT (seconds since the epoch), read without verifying the signature.
pub fn jwt_expiry(token: &str) -> Option<DateTime<Utc>> {
    #[derive(Deserialize)]
    struct Claims {
        exp: Option<i64>,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    DateTime::from_timestamp(claims.exp?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!("{}.{}.sig", enc.encode(r#"{"alg":"HS512"}"#), enc.encode(payload))
    }

    #[test]
    fn given_token_with_exp_when_read_then_expiry() {
        let exp = jwt_expiry(&jwt(r#"{"sub":"tenant@tb","exp":1772366400}"#)).unwrap();
        assert_eq!(exp.timestamp(), 1_772_366_400);
    }

    #[test]
    fn given_garbage_or_no_exp_when_read_then_none() {
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry(&jwt(r#"{"sub":"x"}"#)), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
    }

    #[test]
    fn given_expiry_when_within_margin_then_not_fresh() {
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let s =
            |exp: i64| Session { token: "t".into(), refresh_token: None, expires_at: DateTime::from_timestamp(exp, 0) };
        assert!(s(1_000_000 + 3600).is_fresh(now));
        assert!(!s(1_000_000 + 30).is_fresh(now));
        assert!(Session { token: "t".into(), refresh_token: None, expires_at: None }.is_fresh(now));
    }
}
