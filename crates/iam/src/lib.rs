//! Identity and access management shared by every edge: who is calling, for which tenant,
//! with which role; JWT validation and minting, API keys (stored hashed), HMAC-SHA256
//! signatures for device integrations, and the audit log port.

#![warn(missing_docs)]

pub mod api_key;
pub mod api_key_service;
pub mod audit;
pub mod delegation;
pub mod error;
pub mod hmac_signature;
pub mod integration;
pub mod integration_service;
pub mod jwt;
pub mod principal;
pub mod role;
pub mod signature_v2;
pub mod tenant_gate;

pub use api_key::{ApiKey, ApiKeyLookupPort, ApiKeyRepository, GeneratedApiKey};
pub use api_key_service::{
    authenticate_api_key, create_api_key, revoke_api_key, ApiKeyLookup, CreateApiKeyError, NewApiKey,
};
pub use audit::{AuditEntry, AuditLog, AuditRecorder};
pub use delegation::delegated_stations;
pub use error::AuthError;
pub use hmac_signature::{check_timestamp, sign_hex, verify_signature, HmacError};
pub use integration::{IngestAuthError, Integration, IntegrationLookup, IntegrationRepository};
pub use jwt::{Claims, JwtIssuer, JwtVerifier};
pub use principal::{Credential, Principal};
pub use role::Role;
pub use signature_v2::{sign_post, sign_v2, verify_v2, SignedRequest, SIGNED_HEADERS};
pub use tenant_gate::{TenantDirectory, TenantGate, TenantRefusal, TenantState, TENANT_CACHE_TTL_SECS};
