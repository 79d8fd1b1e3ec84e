//! `/api/v1/api-keys`: API keys for third-party platforms (admin only).

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::{create_api_key, revoke_api_key, ApiKey, ApiKeyLookupPort, NewApiKey, Role};
use mgc_kernel::{ApiKeyId, StationId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /api/v1/api-keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// Human name, 1 to 100 characters.
    #[schema(max_length = 100, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    pub name: String,
    /// `admin`, `operator` or `viewer`: at most the caller's own role.
    #[schema(value_type = crate::schema_enums::RoleName, example = "operator")]
    pub role: Role,
    /// Stations the key is restricted to. Omitted: the caller's own scope (every station for a
    /// tenant-wide caller). A station-scoped caller can only name its own stations.
    #[serde(default)]
    #[schema(value_type = Option<Vec<uuid::Uuid>>)]
    pub station_ids: Option<Vec<StationId>>,
}

/// An API key as listed (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role granted.
    pub role: String,
    /// Stations the key is restricted to (null = every station of the tenant).
    pub station_ids: Option<Vec<String>>,
    /// Public prefix of the key (for recognising it).
    pub prefix: String,
    /// Creator.
    pub created_by: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Revocation time, if revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name,
            role: k.role.to_string(),
            station_ids: k.station_ids.map(|ids| ids.iter().map(ToString::to_string).collect()),
            prefix: k.prefix,
            created_by: k.created_by,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

/// A newly created key: `key` is shown this once and cannot be retrieved later.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key's metadata.
    #[serde(flatten)]
    pub api_key: ApiKeyView,
    /// The secret key to hand to the third party.
    pub key: String,
}

/// One page of API keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyPage {
    /// Keys, newest first.
    pub items: Vec<ApiKeyView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Creates an API key for the caller's tenant.
#[utoipa::path(post, path = "/api/v1/api-keys", operation_id = "api_keys_create", tag = "iam", request_body = CreateApiKey,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = CreatedApiKey), (status = 401, body = crate::error::ErrorBody),
               (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    p.require(Role::Admin)?;
    let uow = state.store.begin().await?;
    let (key, plaintext) = create_api_key(
        uow,
        &p,
        NewApiKey { name: body.name, role: body.role, station_ids: body.station_ids },
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedApiKey { api_key: key.into(), key: plaintext })))
}

/// Lists the tenant's API keys.
#[utoipa::path(get, path = "/api/v1/api-keys", operation_id = "api_keys_list", tag = "iam", params(ListQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ApiKeyPage), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<ApiKeyPage>, ApiError> {
    p.require(Role::Admin)?;
    let page = state.store.list_api_keys(&p.tenant, &q.page()?).await?;
    Ok(Json(ApiKeyPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Shows one API key of the tenant.
#[utoipa::path(get, path = "/api/v1/api-keys/{id}", operation_id = "api_keys_get", tag = "iam", params(("id" = String, Path, description = "API key id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ApiKeyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyView>, ApiError> {
    p.require(Role::Admin)?;
    let id: ApiKeyId = parse_id(&id, "api key")?;
    Ok(Json(state.store.find_api_key(&p.tenant, id).await?.into()))
}

/// Revokes an API key; it stops authenticating at once. Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", operation_id = "api_keys_revoke", tag = "iam", params(("id" = String, Path, description = "API key id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ApiKeyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyView>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("revoking an API key")?;
    let id: ApiKeyId = parse_id(&id, "api key")?;
    let uow = state.store.begin().await?;
    Ok(Json(revoke_api_key(uow, &p, id, state.clock.now()).await?.into()))
}
