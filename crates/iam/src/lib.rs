//! Identity and access management shared by every edge: who is calling, for which tenant,
//! with which role; JWT validation and minting, API keys (stored hashed), HMAC-SHA256
//! signatures for device integrations, and the audit log port.
//!
//! # Signing and verifying an ingest webhook
//!
//! ThingsBoard (or any client) signs each post to `/ingest/thingsboard/*` with the
//! integration's secret: [`sign_post`] gives the `X-Signature` value (v2: method, path,
//! timestamp, routing headers and body), and the service checks it with [`verify_v2`]:
//!
//! ```
//! use mgc_iam::{sign_post, verify_v2, HmacError, SignedRequest};
//!
//! let secret = b"integration-secret";
//! let path = "/ingest/thingsboard/telemetry";
//! let body = br#"{"P":12.5}"#;
//! let headers = [("X-Device-Name", "meter-1")];
//! let signature = sign_post(secret, path, "1772366400", &headers, body);
//! assert!(signature.starts_with("v2="));
//!
//! // The receiving side rebuilds what was signed from the request it got.
//! let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
//! let request = SignedRequest::new("POST", path, header, body);
//! assert_eq!(verify_v2(secret, "1772366400", &request, &signature), Ok(()));
//!
//! // A changed routing header (another device) no longer verifies.
//! let forged = SignedRequest::new("POST", path, |_| Some("pv-1"), body);
//! assert_eq!(verify_v2(secret, "1772366400", &forged, &signature), Err(HmacError::Mismatch));
//! ```

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
