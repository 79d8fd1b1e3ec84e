//! Application services for API keys: create, revoke, authenticate.

use crate::api_key::{prefix_of, ApiKey, ApiKeyRepository, GeneratedApiKey};
use crate::{AuthError, Credential, Principal, Role};
use chrono::{DateTime, Utc};
use mgc_contracts::{ApiKeyCreated, ApiKeyRevoked};
use mgc_eventing::{emit, OutboxWriter, UnitOfWork};
use mgc_kernel::{ApiKeyId, RepoError, StationId};

pub use crate::api_key::ApiKeyLookupPort as ApiKeyLookup;

/// What a caller asks for when creating a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    /// Human name (1..=100 characters).
    pub name: String,
    /// Role the key grants.
    pub role: Role,
    /// Stations the key is restricted to (None = the creator's own scope).
    pub station_ids: Option<Vec<StationId>>,
}

/// Why a key was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateApiKeyError {
    /// The key would be broader than its creator (role or stations).
    #[error(transparent)]
    Refused(#[from] AuthError),
    /// Invalid request or storage failure.
    #[error(transparent)]
    Storage(#[from] RepoError),
}

/// Creates a key for the principal's tenant; returns it with the plaintext (shown once).
pub async fn create_api_key<U>(
    mut uow: U,
    principal: &Principal,
    request: NewApiKey,
    now: DateTime<Utc>,
) -> Result<(ApiKey, String), CreateApiKeyError>
where
    U: ApiKeyRepository + OutboxWriter + UnitOfWork,
{
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(RepoError::Invalid("name must be 1 to 100 characters".into()).into());
    }
    let station_ids = crate::delegation::delegated_stations(principal, request.role, request.station_ids)?;
    let generated = GeneratedApiKey::generate();
    let key = ApiKey {
        id: ApiKeyId::new(),
        tenant: principal.tenant.clone(),
        name: name.to_owned(),
        role: request.role,
        station_ids,
        prefix: generated.prefix.clone(),
        secret_hash: generated.hash.clone(),
        created_by: principal.subject.clone(),
        created_at: now,
        revoked_at: None,
    };
    uow.insert_api_key(&key).await?;
    let event = ApiKeyCreated {
        api_key_id: key.id,
        name: key.name.clone(),
        role: key.role.as_str().to_owned(),
        created_by: key.created_by.clone(),
    };
    emit(&mut uow, &key.tenant, &event, now).await?;
    uow.commit().await?;
    Ok((key, generated.plaintext))
}

/// Revokes a key of the principal's tenant. Revoking twice keeps the first revocation time.
pub async fn revoke_api_key<U>(
    mut uow: U,
    principal: &Principal,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<ApiKey, RepoError>
where
    U: ApiKeyRepository + OutboxWriter + UnitOfWork,
{
    let mut key = uow.get_api_key(&principal.tenant, id).await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    uow.set_api_key_revoked(&principal.tenant, id, now).await?;
    let event = ApiKeyRevoked { api_key_id: id };
    emit(&mut uow, &key.tenant, &event, now).await?;
    uow.commit().await?;
    key.revoked_at = Some(now);
    Ok(key)
}

/// Turns a presented key into a principal of the key's tenant, or says why not.
pub async fn authenticate_api_key(lookup: &dyn ApiKeyLookup, presented: &str) -> Result<Principal, AuthError> {
    let presented = presented.trim();
    let prefix = prefix_of(presented)
        .ok_or_else(|| AuthError::Malformed("API key is not of the form mgc_<prefix>_<secret>".into()))?;
    let key = lookup
        .find_api_key_by_prefix(prefix)
        .await
        .map_err(|e| AuthError::Unavailable(e.to_string()))?
        .ok_or(AuthError::UnknownApiKey)?;
    if !key.matches(presented) {
        return Err(AuthError::UnknownApiKey);
    }
    if key.revoked_at.is_some() {
        return Err(AuthError::RevokedApiKey);
    }
    Ok(Principal {
        subject: format!("api-key:{}", key.id),
        tenant: key.tenant,
        role: key.role,
        station_ids: key.station_ids,
        credential: Credential::ApiKey(key.id),
    })
}
