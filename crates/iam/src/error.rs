//! Authentication and authorization failures, each with a machine-readable code.

use crate::Role;

/// Why a request is not authenticated (401) or not allowed (403).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials were presented.
    #[error(
        "authentication required: send 'Authorization: Bearer <jwt>', 'Authorization: ApiKey <key>' or 'X-Api-Key'"
    )]
    MissingCredentials,
    /// The credentials are not in a form we understand.
    #[error("malformed credentials: {0}")]
    Malformed(String),
    /// The token's `exp` has passed.
    #[error("token expired")]
    Expired,
    /// The token's `nbf` is still in the future.
    #[error("token is not valid yet (nbf is in the future)")]
    NotYetValid,
    /// The signature does not verify with the configured key.
    #[error("token signature is invalid")]
    BadSignature,
    /// The token is signed with an algorithm this service does not accept.
    #[error("token algorithm {0} is not accepted")]
    WrongAlgorithm(String),
    /// The token has no `tenant_id` claim.
    #[error("token has no tenant_id claim")]
    MissingTenant,
    /// A claim has an invalid value.
    #[error("invalid claim: {0}")]
    InvalidClaim(String),
    /// The API key is unknown or does not match.
    #[error("API key is not valid")]
    UnknownApiKey,
    /// The API key was revoked.
    #[error("API key has been revoked")]
    RevokedApiKey,
    /// Authenticated, but the role is too low.
    #[error("role {actual} may not do this; {required} required")]
    Forbidden {
        /// Role needed.
        required: Role,
        /// Role held.
        actual: Role,
    },
    /// A station-scoped caller asked for something that reaches the whole tenant.
    #[error("{what} is tenant-wide: a credential restricted to some stations may not do this")]
    StationScoped {
        /// What was asked for.
        what: String,
    },
    /// The credential's tenant is disabled (403).
    #[error("tenant is disabled: its tokens, API keys and integrations are refused until an operator enables it")]
    TenantDisabled,
    /// The credential names a tenant that does not exist (401).
    #[error("the credential's tenant does not exist")]
    UnknownTenant,
    /// The credential store could not be read.
    #[error("credential store unavailable: {0}")]
    Unavailable(String),
}

impl AuthError {
    /// Stable snake_case code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingCredentials => "missing_credentials",
            AuthError::Malformed(_) => "malformed_credentials",
            AuthError::Expired => "token_expired",
            AuthError::NotYetValid => "token_not_yet_valid",
            AuthError::BadSignature => "invalid_signature",
            AuthError::WrongAlgorithm(_) => "algorithm_not_allowed",
            AuthError::MissingTenant => "missing_tenant",
            AuthError::InvalidClaim(_) => "invalid_claim",
            AuthError::UnknownApiKey => "invalid_api_key",
            AuthError::RevokedApiKey => "api_key_revoked",
            AuthError::Forbidden { .. } => "forbidden",
            AuthError::StationScoped { .. } => "station_scope_too_narrow",
            AuthError::TenantDisabled => "tenant_disabled",
            AuthError::UnknownTenant => "unknown_tenant",
            AuthError::Unavailable(_) => "auth_unavailable",
        }
    }

    /// True for 403 (authenticated but not allowed), false for 401-type failures.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, AuthError::Forbidden { .. } | AuthError::StationScoped { .. } | AuthError::TenantDisabled)
    }
}

impl From<crate::TenantRefusal> for AuthError {
    fn from(r: crate::TenantRefusal) -> Self {
        match r {
            crate::TenantRefusal::Disabled => AuthError::TenantDisabled,
            crate::TenantRefusal::Missing => AuthError::UnknownTenant,
        }
    }
}
