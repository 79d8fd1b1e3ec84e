//! `/api/v1/integrations`: ThingsBoard integrations (ingest credentials) of the tenant.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::integration_service::{
    create_integration, rotate_integration, update_integration_settings, NewIntegration,
};
use mgc_iam::{Integration, IntegrationLookup, Role};
use mgc_kernel::IntegrationId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of `POST /api/v1/integrations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIntegration {
    /// Human name, 1 to 100 characters.
    #[schema(max_length = 100, pattern = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$")]
    pub name: String,
    /// Accept `X-Integration-Secret` without a signature (for rule chains that cannot sign).
    #[serde(default)]
    pub allow_static: bool,
    /// Also accept the deprecated v1 signature (`sha256=` over `timestamp.body`); default false.
    #[serde(default)]
    pub legacy_signature: bool,
}

/// Body of `PATCH /api/v1/integrations/{id}`: the fields given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIntegration {
    /// Accept `X-Integration-Secret` without a signature.
    pub allow_static: Option<bool>,
    /// Also accept the deprecated v1 signature.
    pub legacy_signature: Option<bool>,
}

/// Body of `POST /api/v1/integrations/{id}/rotate`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateIntegration {
    /// How long the old secret keeps working, seconds (default 86400, at most 30 days).
    #[schema(minimum = 0, maximum = 2_592_000)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_whole")]
    pub grace_secs: Option<i64>,
}

/// An integration as listed (no secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationView {
    /// Id, sent as `X-Integration-Id`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether unsigned static-secret requests are accepted.
    pub allow_static: bool,
    /// Whether the deprecated v1 signature is still accepted (until its removal date).
    pub legacy_signature: bool,
    /// Until when the previous secret still works.
    pub previous_valid_until: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<&Integration> for IntegrationView {
    fn from(i: &Integration) -> Self {
        Self {
            id: i.id.to_string(),
            name: i.name.clone(),
            allow_static: i.allow_static,
            legacy_signature: i.legacy_signature,
            previous_valid_until: i.previous_valid_until,
            created_at: i.created_at,
        }
    }
}

/// An integration with its secret: shown only when created or rotated.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationWithSecret {
    /// The integration.
    #[serde(flatten)]
    pub integration: IntegrationView,
    /// The secret for HMAC signing (or `X-Integration-Secret`).
    pub secret: String,
}

/// One page of integrations.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationPage {
    /// Integrations, newest first.
    pub items: Vec<IntegrationView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Registers a ThingsBoard integration for the caller's tenant.
#[utoipa::path(post, path = "/api/v1/integrations", operation_id = "integrations_create", tag = "ingest", request_body = CreateIntegration, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = IntegrationWithSecret), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<CreateIntegration>,
) -> Result<(StatusCode, Json<IntegrationWithSecret>), ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an integration")?;
    let new = NewIntegration {
        name: body.name,
        allow_static: body.allow_static,
        legacy_signature: body.legacy_signature,
        created_by: p.subject.clone(),
    };
    let integration = create_integration(state.store.begin().await?, &p.tenant, new, state.clock.now()).await?;
    let view = IntegrationWithSecret { integration: (&integration).into(), secret: integration.secret.clone() };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Lists the tenant's integrations.
#[utoipa::path(get, path = "/api/v1/integrations", operation_id = "integrations_list", tag = "ingest", params(ListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IntegrationPage)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<IntegrationPage>, ApiError> {
    p.require(Role::Admin)?;
    let page = state.store.list_integrations(&p.tenant, &q.page()?).await?;
    Ok(Json(IntegrationPage { items: page.items.iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Issues a new secret; the old one keeps working for the grace period.
#[utoipa::path(post, path = "/api/v1/integrations/{id}/rotate", operation_id = "integrations_rotate", tag = "ingest", request_body = RotateIntegration,
    params(("id" = String, Path, description = "integration id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IntegrationWithSecret), (status = 404, body = crate::error::ErrorBody)))]
pub async fn rotate(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RotateIntegration>,
) -> Result<Json<IntegrationWithSecret>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an integration")?;
    let id: IntegrationId = parse_id(&id, "integration")?;
    let grace = body.grace_secs.unwrap_or(86_400);
    let uow = state.store.begin().await?;
    let integration = rotate_integration(uow, &p.tenant, id, grace, state.clock.now()).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(Json(IntegrationWithSecret { integration: (&integration).into(), secret: integration.secret.clone() }))
}

/// Changes the signature and static-secret settings of an integration.
#[utoipa::path(patch, path = "/api/v1/integrations/{id}", operation_id = "integrations_update", tag = "ingest", request_body = UpdateIntegration,
    params(("id" = String, Path, description = "integration id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IntegrationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateIntegration>,
) -> Result<Json<IntegrationView>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an integration")?;
    let id: IntegrationId = parse_id(&id, "integration")?;
    let uow = state.store.begin().await?;
    let integration = update_integration_settings(uow, &p.tenant, id, body.allow_static, body.legacy_signature).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(Json((&integration).into()))
}
