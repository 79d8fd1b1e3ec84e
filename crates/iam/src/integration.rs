//! Device-side integrations (a ThingsBoard rule chain): a per-integration secret for signed
//! ingest, rotation with a grace period, and an opt-in static-secret mode for rule chains that
//! cannot sign. The secret is kept in the clear because HMAC verification needs it; it is
//! returned only when created or rotated, and never logged.

use crate::hmac_signature::{check_timestamp, verify_signature, HmacError};
use crate::signature_v2::{verify_v2, SignedRequest, V2_PREFIX};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{IntegrationId, RepoError, TenantId};
use rand::RngCore;
use serde::Serialize;
use subtle::ConstantTimeEq;

/// Seconds a signed request's timestamp may be away from server time.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// Announced end of the legacy v1 signature: after this date it is removed, whatever
/// `legacy_signature` says.
pub const LEGACY_SIGNATURE_UNTIL: &str = "2027-06-30";

/// A registered integration of a tenant.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Integration {
    /// Id (sent as `X-Integration-Id`).
    pub id: IntegrationId,
    /// Tenant all its data belongs to.
    pub tenant: TenantId,
    /// Human name.
    pub name: String,
    /// Current secret.
    #[serde(skip)]
    pub secret: String,
    /// Secret before the last rotation, still accepted until `previous_valid_until`.
    #[serde(skip)]
    pub previous_secret: Option<String>,
    /// End of the rotation grace period.
    pub previous_valid_until: Option<DateTime<Utc>>,
    /// Whether `X-Integration-Secret` (unsigned) is accepted.
    pub allow_static: bool,
    /// Whether the legacy v1 signature (`sha256=` over `timestamp.body` only) is still
    /// accepted; deprecated, see [`LEGACY_SIGNATURE_UNTIL`].
    pub legacy_signature: bool,
    /// Who registered it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Integration")
            .field("id", &self.id)
            .field("tenant", &self.tenant)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Why an ingest request is not authenticated (each maps to a 401 with its own code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestAuthError {
    /// No `X-Integration-Id`, or it is not an id.
    #[error(
        "send X-Integration-Id with the integration's id, and X-Timestamp + X-Signature (or X-Integration-Secret)"
    )]
    MissingCredentials,
    /// No such integration (or revoked).
    #[error("unknown or revoked integration")]
    UnknownIntegration,
    /// Signature or timestamp problems.
    #[error("{0}")]
    Signature(HmacError),
    /// A v1 (`sha256=`) signature, but the integration accepts only v2.
    #[error("this integration accepts only v2 signatures (X-Signature: v2=...); v1 is deprecated until {LEGACY_SIGNATURE_UNTIL} and enabled per integration with legacy_signature")]
    LegacySignature,
    /// The same signature was already used inside the replay window.
    #[error("this signature was already used: sign every request with a fresh timestamp")]
    Replayed,
    /// Static secret sent but the integration does not allow it.
    #[error("this integration does not accept X-Integration-Secret; sign requests or enable allow_static")]
    StaticDisabled,
    /// Static secret does not match.
    #[error("integration secret does not match")]
    WrongSecret,
    /// The integration's tenant is disabled (or no longer exists).
    #[error("the integration's tenant is disabled: its requests are refused until an operator enables it")]
    TenantDisabled,
}

impl IngestAuthError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            IngestAuthError::MissingCredentials => "missing_integration_credentials",
            IngestAuthError::UnknownIntegration => "unknown_integration",
            IngestAuthError::Signature(e) => e.code(),
            IngestAuthError::Replayed => "replayed_signature",
            IngestAuthError::LegacySignature => "legacy_signature_disabled",
            IngestAuthError::StaticDisabled => "static_auth_disabled",
            IngestAuthError::WrongSecret => "invalid_integration_secret",
            IngestAuthError::TenantDisabled => "tenant_disabled",
        }
    }
}

impl Integration {
    /// A fresh 256-bit secret, hex encoded.
    pub fn generate_secret() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    }

    fn secrets(&self, now: DateTime<Utc>) -> impl Iterator<Item = &str> {
        let previous =
            self.previous_secret.as_deref().filter(|_| self.previous_valid_until.is_some_and(|until| now < until));
        std::iter::once(self.secret.as_str()).chain(previous)
    }

    /// Checks `X-Timestamp` and `X-Signature` (v2 over the canonical request; v1 over
    /// `timestamp.body` only when `legacy_signature` allows it) with the current or, during the
    /// grace period, previous secret. Replay detection is the caller's (it needs storage).
    pub fn verify_signed(
        &self,
        timestamp: &str,
        request: &SignedRequest<'_>,
        signature: &str,
        now: DateTime<Utc>,
    ) -> Result<(), IngestAuthError> {
        check_timestamp(timestamp, now, REPLAY_WINDOW_SECS).map_err(IngestAuthError::Signature)?;
        let v2 = signature.trim().starts_with(V2_PREFIX);
        if !v2 && !self.legacy_signature {
            return Err(IngestAuthError::LegacySignature);
        }
        let mut last = HmacError::Mismatch;
        for secret in self.secrets(now) {
            let checked = if v2 {
                verify_v2(secret.as_bytes(), timestamp, request, signature)
            } else {
                verify_signature(secret.as_bytes(), timestamp, request.body, signature)
            };
            match checked {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        Err(IngestAuthError::Signature(last))
    }

    /// Checks `X-Integration-Secret` (constant time), when the integration allows it.
    pub fn verify_static(&self, presented: &str, now: DateTime<Utc>) -> Result<(), IngestAuthError> {
        if !self.allow_static {
            return Err(IngestAuthError::StaticDisabled);
        }
        let presented = presented.trim().as_bytes();
        if self.secrets(now).any(|s| bool::from(s.as_bytes().ct_eq(presented))) {
            Ok(())
        } else {
            Err(IngestAuthError::WrongSecret)
        }
    }
}

/// Write side of integrations and the replay log, on the unit of work.
#[async_trait]
pub trait IntegrationRepository: Send {
    /// Stores a new integration.
    async fn insert_integration(&mut self, i: &Integration) -> Result<(), RepoError>;
    /// Loads one of the tenant's integrations.
    async fn get_integration(&mut self, tenant: &TenantId, id: IntegrationId) -> Result<Integration, RepoError>;
    /// Stores new secrets / flags / revocation of an integration.
    async fn update_integration(&mut self, i: &Integration) -> Result<(), RepoError>;
    /// Records signatures (distinct pairs); per entry, false when it was already seen (a replay).
    async fn remember_signatures(
        &mut self,
        entries: &[(IntegrationId, &str)],
        at: DateTime<Utc>,
    ) -> Result<Vec<bool>, RepoError>;
}

/// Read side of integrations.
#[async_trait]
pub trait IntegrationLookup: Send + Sync {
    /// Any tenant's integration by id (ingest authentication only).
    async fn find_integration(&self, id: IntegrationId) -> Result<Option<Integration>, RepoError>;
    /// The tenant's integrations, newest first.
    async fn list_integrations(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<Integration>, RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hmac_signature::sign_hex;

    fn integration(allow_static: bool) -> Integration {
        Integration {
            id: IntegrationId::new(),
            tenant: TenantId::parse("acme").unwrap(),
            name: "tb".into(),
            secret: "new-secret".into(),
            previous_secret: Some("old-secret".into()),
            previous_valid_until: Some(now() + chrono::Duration::hours(1)),
            allow_static,
            legacy_signature: true,
            created_by: "admin".into(),
            created_at: now(),
            revoked_at: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn req(body: &[u8]) -> SignedRequest<'_> {
        SignedRequest::new("POST", "/ingest/thingsboard/telemetry", |_| None, body)
    }

    fn sig(secret: &str, ts: &str, body: &[u8]) -> String {
        format!("sha256={}", sign_hex(secret.as_bytes(), ts, body))
    }

    #[test]
    fn given_signed_request_when_verified_then_current_and_grace_secret_accepted() {
        let i = integration(false);
        let ts = now().timestamp().to_string();
        assert_eq!(i.verify_signed(&ts, &req(b"{}"), &sig("new-secret", &ts, b"{}"), now()), Ok(()));
        assert_eq!(i.verify_signed(&ts, &req(b"{}"), &sig("old-secret", &ts, b"{}"), now()), Ok(()));
        let later = now() + chrono::Duration::hours(2);
        let ts2 = later.timestamp().to_string();
        assert_eq!(
            i.verify_signed(&ts2, &req(b"{}"), &sig("old-secret", &ts2, b"{}"), later),
            Err(IngestAuthError::Signature(HmacError::Mismatch))
        );
    }

    #[test]
    fn given_stale_timestamp_then_rejected_with_code() {
        let i = integration(false);
        let ts = (now().timestamp() - 301).to_string();
        let e = i.verify_signed(&ts, &req(b"{}"), &sig("new-secret", &ts, b"{}"), now()).unwrap_err();
        assert_eq!(e.code(), "stale_timestamp");
    }

    #[test]
    fn given_v1_signature_when_legacy_disabled_then_refused_and_v2_accepted() {
        let i = Integration { legacy_signature: false, ..integration(false) };
        let ts = now().timestamp().to_string();
        let e = i.verify_signed(&ts, &req(b"{}"), &sig("new-secret", &ts, b"{}"), now()).unwrap_err();
        assert_eq!(e.code(), "legacy_signature_disabled");
        let v2 = crate::sign_v2(b"new-secret", &ts, &req(b"{}"));
        assert_eq!(i.verify_signed(&ts, &req(b"{}"), &v2, now()), Ok(()));
    }

    #[test]
    fn given_static_secret_then_only_when_allowed() {
        assert_eq!(integration(false).verify_static("new-secret", now()), Err(IngestAuthError::StaticDisabled));
        assert_eq!(integration(true).verify_static("new-secret", now()), Ok(()));
        assert_eq!(integration(true).verify_static("guess", now()), Err(IngestAuthError::WrongSecret));
        assert!(!format!("{:?}", integration(true)).contains("secret\""));
    }
}
