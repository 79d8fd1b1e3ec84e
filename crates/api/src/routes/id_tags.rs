//! `/api/v1/id-tags`: the tenant's id tags (its OCPP local authorization list). Reads for viewers;
//! writes for operators with a tenant-wide principal, through the charging application services.

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::{put_id_tag, remove_id_tag, AuthorizationStatus, ChargingQueries, IdTag, IdTagFilter, IdToken};
use mgc_iam::Role;
use mgc_kernel::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An id tag as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdTagView {
    /// The tag as stored (compared case-insensitively).
    pub id_tag: String,
    /// `accepted`, `blocked`, `expired` or `invalid` (an accepted tag past its expiry is answered `expired`).
    pub status: String,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Parent (group) tag: 1 to 20 printable ASCII characters.
    #[schema(pattern = "^[\\x20-\\x7e]{1,20}$")]
    pub parent: Option<String>,
}

impl From<IdTag> for IdTagView {
    fn from(t: IdTag) -> Self {
        Self {
            id_tag: t.token.to_string(),
            status: t.status.to_string(),
            expires_at: t.expires_at,
            parent: t.parent.map(|p| p.to_string()),
        }
    }
}

/// One page of id tags.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdTagPage {
    /// Tags ordered by tag (case-insensitively).
    pub items: Vec<IdTagView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// A tag stored, with the list version after the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdTagSaved {
    /// The tag.
    pub tag: IdTagView,
    /// Version of the tenant's local authorization list (unchanged when nothing changed).
    pub list_version: i32,
}

/// The tag's removal: the list version after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdTagRemoved {
    /// Version of the tenant's local authorization list.
    pub list_version: i32,
}

/// Filters and page of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IdTagQuery {
    /// Only this status (`accepted`, `blocked`, `expired`, `invalid`).
    pub status: Option<String>,
    /// Only tags starting with this text (case-insensitive).
    pub prefix: Option<String>,
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Body of `PUT /api/v1/id-tags/{id_tag}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdTagBody {
    /// `accepted`, `blocked`, `expired`, `invalid` or `concurrent_tx`.
    #[schema(value_type = crate::schema_enums::AuthorizationStatusName)]
    pub status: String,
    /// Expiry (RFC 3339).
    pub expires_at: Option<DateTime<Utc>>,
    /// Parent (group) tag: 1 to 20 printable ASCII characters.
    #[schema(pattern = "^[\\x20-\\x7e]{1,20}$")]
    pub parent: Option<String>,
}

fn token(raw: &str) -> Result<IdToken, ApiError> {
    Ok(IdToken::parse(raw)?)
}

/// Lists the tenant's id tags.
#[utoipa::path(get, path = "/api/v1/id-tags", operation_id = "id_tags_list", tag = "charging", params(IdTagQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IdTagPage), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<IdTagQuery>,
) -> Result<Json<IdTagPage>, ApiError> {
    p.require(Role::Viewer)?;
    let status = q.status.as_deref().map(str::parse::<AuthorizationStatus>).transpose()?;
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| ApiError::bad_request("invalid_query", m))?;
    let filter = IdTagFilter { status, prefix: q.prefix };
    let page = state.store.list_id_tags(&p.tenant, &filter, &page).await?;
    Ok(Json(IdTagPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// One id tag of the tenant.
#[utoipa::path(get, path = "/api/v1/id-tags/{id_tag}", operation_id = "id_tags_get", tag = "charging", params(("id_tag" = String, Path, description = "the tag")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IdTagView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(raw): Path<String>,
) -> Result<Json<IdTagView>, ApiError> {
    p.require(Role::Viewer)?;
    let tag = token(&raw)?;
    let found = state.store.get_id_tag(&p.tenant, &tag).await?;
    found.map(|t| Json(t.into())).ok_or_else(|| ApiError::not_found(format!("id tag '{tag}' not found")))
}

/// Creates or replaces an id tag (the list version grows only when something changed).
#[utoipa::path(put, path = "/api/v1/id-tags/{id_tag}", operation_id = "id_tags_put", tag = "charging",
    params(("id_tag" = String, Path, pattern = "^[\\x20-\\x7e]{1,20}$", description = "the tag: 1 to 20 printable ASCII characters")),
    request_body = IdTagBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IdTagSaved), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<IdTagBody>,
) -> Result<Json<IdTagSaved>, ApiError> {
    p.require(Role::Operator)?;
    p.require_tenant_wide("an id tag")?;
    let tag = IdTag {
        token: token(&raw)?,
        status: body.status.parse()?,
        expires_at: body.expires_at,
        parent: body.parent.as_deref().map(IdToken::parse).transpose()?,
    };
    let list_version = put_id_tag(state.store.begin().await?, &p.tenant, tag.clone()).await?;
    Ok(Json(IdTagSaved { tag: tag.into(), list_version }))
}

/// Removes an id tag (404 when the tenant has no such tag).
#[utoipa::path(delete, path = "/api/v1/id-tags/{id_tag}", operation_id = "id_tags_delete", tag = "charging", params(("id_tag" = String, Path, description = "the tag")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = IdTagRemoved), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(raw): Path<String>,
) -> Result<(StatusCode, Json<IdTagRemoved>), ApiError> {
    p.require(Role::Operator)?;
    p.require_tenant_wide("an id tag")?;
    let tag = token(&raw)?;
    if state.store.get_id_tag(&p.tenant, &tag).await?.is_none() {
        return Err(ApiError::not_found(format!("id tag '{tag}' not found")));
    }
    let list_version = remove_id_tag(state.store.begin().await?, &p.tenant, &tag).await?;
    Ok((StatusCode::OK, Json(IdTagRemoved { list_version })))
}
