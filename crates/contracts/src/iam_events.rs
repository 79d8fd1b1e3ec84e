//! Events about credentials (API keys) of a tenant.

use crate::IntegrationEvent;
use mgc_kernel::ApiKeyId;
use serde::{Deserialize, Serialize};

/// An API key was issued for a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyCreated {
    /// The new key's id.
    pub api_key_id: ApiKeyId,
    /// Human name of the key.
    pub name: String,
    /// Role granted (`admin`, `operator`, `viewer`).
    pub role: String,
    /// Who issued it.
    pub created_by: String,
}

impl IntegrationEvent for ApiKeyCreated {
    const TYPE: &'static str = "iam.api_key_created";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("api_key", self.api_key_id.to_string())
    }
}

/// An API key was revoked and no longer authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRevoked {
    /// The revoked key's id.
    pub api_key_id: ApiKeyId,
}

impl IntegrationEvent for ApiKeyRevoked {
    const TYPE: &'static str = "iam.api_key_revoked";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("api_key", self.api_key_id.to_string())
    }
}
