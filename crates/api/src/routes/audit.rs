//! `GET /api/v1/audit`: the tenant's audit log (admin only).

use crate::auth::Auth;
use crate::extract::{ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::{AuditEntry, AuditLog, Role};
use serde::Serialize;
use utoipa::ToSchema;

/// One audited request.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// Id.
    pub id: String,
    /// Who.
    pub actor: String,
    /// Method and route.
    pub action: String,
    /// Path acted on.
    pub target: String,
    /// `success`, `denied` or `failed`.
    pub outcome: String,
    /// HTTP status.
    pub status: u16,
    /// Request id.
    pub request_id: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<AuditEntry> for AuditView {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id.to_string(),
            actor: e.actor,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            status: e.status,
            request_id: e.request_id,
            at: e.at,
        }
    }
}

/// One page of audit entries.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Lists the tenant's audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "audit_list", tag = "iam", params(ListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    p.require(Role::Admin)?;
    let page = state.store.list_audit(&p.tenant, &q.page()?).await?;
    Ok(Json(AuditPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}
