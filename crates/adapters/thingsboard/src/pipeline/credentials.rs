//! The integration credentials an ingest request carries, and their check.

use mgc_iam::{IngestAuthError, Integration, SignedRequest};
use mgc_kernel::IntegrationId;

/// The credentials of one ingest request, as read from its headers (trimmed, empty = absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestCredentials<'a> {
    /// `X-Integration-Id`.
    pub integration_id: Option<&'a str>,
    /// `X-Signature` (signed mode).
    pub signature: Option<&'a str>,
    /// `X-Timestamp` (signed mode).
    pub timestamp: Option<&'a str>,
    /// `X-Integration-Secret` (static mode, when the integration allows it).
    pub static_secret: Option<&'a str>,
}

impl IngestCredentials<'_> {
    /// The integration id, or the refusal that names the header to send.
    pub fn integration(&self) -> Result<IntegrationId, IngestAuthError> {
        self.integration_id.and_then(|v| v.parse().ok()).ok_or(IngestAuthError::MissingCredentials)
    }

    /// Checks these credentials against `integration`; returns the signature to remember
    /// (signed mode) or None (static mode).
    pub fn verify(
        &self,
        integration: &Integration,
        request: &SignedRequest<'_>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<String>, IngestAuthError> {
        match (self.signature, self.timestamp, self.static_secret) {
            (Some(signature), Some(timestamp), _) => {
                integration.verify_signed(timestamp, request, signature, now)?;
                Ok(Some(signature.to_ascii_lowercase()))
            }
            (None, None, Some(secret)) => {
                integration.verify_static(secret, now)?;
                Ok(None)
            }
            _ => Err(IngestAuthError::MissingCredentials),
        }
    }
}
