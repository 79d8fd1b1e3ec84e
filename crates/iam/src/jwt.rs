//! JWT validation (HS256 shared secret or RS256 public key) and HS256 minting for development.

use crate::{AuthError, Credential, Principal, Role};
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use mgc_kernel::{StationId, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Claims of an operator token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: the user id.
    pub sub: String,
    /// Tenant the token is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// `admin`, `operator` or `viewer`.
    pub role: String,
    /// Optional restriction to some stations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_ids: Option<Vec<String>>,
    /// Expiry, unix seconds.
    #[serde(default)]
    pub exp: Option<i64>,
    /// Issued at, unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Not before, unix seconds: the token is refused until then (same leeway as `exp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Checks operator tokens against one configured key and algorithm; time comes from the caller.
#[derive(Clone)]
pub struct JwtVerifier {
    key: DecodingKey,
    algorithm: Algorithm,
    leeway_secs: i64,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// Verifies HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self { key: DecodingKey::from_secret(secret), algorithm: Algorithm::HS256, leeway_secs: 0 }
    }

    /// Verifies RS256 tokens with a PEM-encoded RSA public key.
    pub fn rs256_pem(public_key_pem: &[u8]) -> Result<Self, String> {
        let key = DecodingKey::from_rsa_pem(public_key_pem).map_err(|e| format!("invalid RSA public key PEM: {e}"))?;
        Ok(Self { key, algorithm: Algorithm::RS256, leeway_secs: 0 })
    }

    /// Accepts tokens up to `secs` seconds past `exp` and before `nbf` (clock skew).
    pub fn with_leeway(mut self, secs: i64) -> Self {
        self.leeway_secs = secs.max(0);
        self
    }

    /// Validates `token` at time `now` and returns the tenant-scoped principal it names.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Principal, AuthError> {
        principal_from_claims(self.signed_claims(token)?, now, self.leeway_secs)
    }

    /// Tenant and subject of a token whose signature verifies, whatever its times say (the
    /// owner of a token refused as expired or not yet valid, for the audit log).
    pub fn signed_owner(&self, token: &str) -> Option<(TenantId, String)> {
        let claims = self.signed_claims(token).ok()?;
        Some((TenantId::parse(claims.tenant_id.as_deref()?).ok()?, claims.sub))
    }

    /// The claims of `token` once its algorithm and signature are checked (times are not).
    fn signed_claims(&self, token: &str) -> Result<Claims, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| AuthError::Malformed(format!("not a JWT: {e}")))?;
        if header.alg != self.algorithm {
            return Err(AuthError::WrongAlgorithm(format!("{:?}", header.alg)));
        }
        let mut validation = Validation::new(self.algorithm);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims = HashSet::new();
        Ok(jsonwebtoken::decode::<Claims>(token, &self.key, &validation).map_err(map_jwt_error)?.claims)
    }
}

fn map_jwt_error(err: jsonwebtoken::errors::Error) -> AuthError {
    match err.kind() {
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            AuthError::WrongAlgorithm("unsupported".into())
        }
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::Json(e) => AuthError::InvalidClaim(e.to_string()),
        _ => AuthError::Malformed(err.to_string()),
    }
}

fn principal_from_claims(claims: Claims, now: DateTime<Utc>, leeway: i64) -> Result<Principal, AuthError> {
    let exp = claims.exp.ok_or_else(|| AuthError::InvalidClaim("exp is required".into()))?;
    if exp.saturating_add(leeway) <= now.timestamp() {
        return Err(AuthError::Expired);
    }
    if claims.nbf.is_some_and(|nbf| nbf.saturating_sub(leeway) > now.timestamp()) {
        return Err(AuthError::NotYetValid);
    }
    let tenant = match claims.tenant_id.as_deref() {
        None | Some("") => return Err(AuthError::MissingTenant),
        Some(t) => TenantId::parse(t).map_err(|e| AuthError::InvalidClaim(format!("tenant_id: {e}")))?,
    };
    let role: Role = claims.role.parse().map_err(AuthError::InvalidClaim)?;
    if claims.sub.trim().is_empty() {
        return Err(AuthError::InvalidClaim("sub must not be empty".into()));
    }
    let station_ids = claims
        .station_ids
        .map(|ids| {
            ids.iter()
                .map(|s| s.parse::<StationId>().map_err(|e| AuthError::InvalidClaim(format!("station_ids: {e}"))))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    Ok(Principal { subject: claims.sub, tenant, role, station_ids, credential: Credential::Jwt })
}

/// Mints HS256 tokens (the `mgc token` development command and tests).
#[derive(Clone)]
pub struct JwtIssuer {
    key: EncodingKey,
}

impl std::fmt::Debug for JwtIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtIssuer(HS256)")
    }
}

impl JwtIssuer {
    /// An issuer signing with the HS256 `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self { key: EncodingKey::from_secret(secret) }
    }

    /// Signs a token for `sub` in `tenant` with `role`, valid for `ttl` from `now`.
    pub fn issue(
        &self,
        sub: &str,
        tenant: &TenantId,
        role: Role,
        station_ids: Option<Vec<StationId>>,
        now: DateTime<Utc>,
        ttl: chrono::Duration,
    ) -> Result<String, AuthError> {
        let claims = Claims {
            sub: sub.to_owned(),
            tenant_id: Some(tenant.as_str().to_owned()),
            role: role.as_str().to_owned(),
            station_ids: station_ids.map(|ids| ids.iter().map(ToString::to_string).collect()),
            exp: Some((now + ttl).timestamp()),
            iat: Some(now.timestamp()),
            nbf: None,
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims (tests use it to build invalid tokens).
    pub fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.key)
            .map_err(|e| AuthError::Malformed(format!("cannot sign token: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn claims() -> Claims {
        Claims {
            sub: "alice".into(),
            tenant_id: Some("acme".into()),
            role: "operator".into(),
            station_ids: None,
            exp: Some(now().timestamp() + 60),
            iat: Some(now().timestamp()),
            nbf: None,
        }
    }

    fn verify(c: &Claims) -> Result<Principal, AuthError> {
        JwtVerifier::hs256(SECRET).verify(&JwtIssuer::hs256(SECRET).sign(c).unwrap(), now())
    }

    #[test]
    fn given_valid_token_when_verified_then_tenant_scoped_principal() {
        let p = verify(&claims()).unwrap();
        assert_eq!(p.tenant.as_str(), "acme");
        assert_eq!(p.role, Role::Operator);
        assert_eq!(p.subject, "alice");
    }

    #[test]
    fn given_expired_token_when_verified_then_expired() {
        let c = Claims { exp: Some(now().timestamp() - 1), ..claims() };
        assert_eq!(verify(&c).unwrap_err(), AuthError::Expired);
    }

    #[test]
    fn given_nbf_in_future_when_verified_then_not_yet_valid_unless_within_leeway() {
        let c = Claims { nbf: Some(now().timestamp() + 30), ..claims() };
        let token = JwtIssuer::hs256(SECRET).sign(&c).unwrap();
        assert_eq!(JwtVerifier::hs256(SECRET).verify(&token, now()).unwrap_err(), AuthError::NotYetValid);
        assert!(JwtVerifier::hs256(SECRET).with_leeway(30).verify(&token, now()).is_ok());
        assert!(JwtVerifier::hs256(SECRET).verify(&token, now() + chrono::Duration::seconds(30)).is_ok());
    }

    #[test]
    fn given_other_secret_when_verified_then_bad_signature() {
        let token = JwtIssuer::hs256(b"another-secret-another-secret-xx").sign(&claims()).unwrap();
        assert_eq!(JwtVerifier::hs256(SECRET).verify(&token, now()).unwrap_err(), AuthError::BadSignature);
    }

    #[test]
    fn given_missing_tenant_or_bad_role_when_verified_then_rejected() {
        assert_eq!(verify(&Claims { tenant_id: None, ..claims() }).unwrap_err(), AuthError::MissingTenant);
        assert!(matches!(verify(&Claims { role: "root".into(), ..claims() }), Err(AuthError::InvalidClaim(_))));
        assert!(matches!(verify(&Claims { exp: None, ..claims() }), Err(AuthError::InvalidClaim(_))));
    }

    #[test]
    fn given_hs512_token_when_hs256_expected_then_wrong_algorithm() {
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &claims(), &EncodingKey::from_secret(SECRET)).unwrap();
        assert!(matches!(JwtVerifier::hs256(SECRET).verify(&token, now()), Err(AuthError::WrongAlgorithm(_))));
    }

    #[test]
    fn given_garbage_when_verified_then_malformed() {
        assert!(matches!(JwtVerifier::hs256(SECRET).verify("abc.def", now()), Err(AuthError::Malformed(_))));
    }
}
