//! `GET /api/v1/me`: who the credentials belong to.

use crate::auth::Auth;
use crate::ApiError;
use axum::Json;
use mgc_iam::{Credential, Role};
use serde::Serialize;
use utoipa::ToSchema;

/// The caller as the service sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Subject.
    pub subject: String,
    /// Tenant.
    pub tenant_id: String,
    /// Role.
    pub role: String,
    /// Station scope, if any.
    pub station_ids: Option<Vec<String>>,
    /// `jwt` or `api_key`.
    pub credential: &'static str,
}

/// Describes the authenticated caller.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "me_get", tag = "iam", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(Auth(p): Auth) -> Result<Json<Me>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(Me {
        subject: p.subject,
        tenant_id: p.tenant.to_string(),
        role: p.role.to_string(),
        station_ids: p.station_ids.map(|ids| ids.iter().map(ToString::to_string).collect()),
        credential: match p.credential {
            Credential::Jwt => "jwt",
            Credential::ApiKey(_) => "api_key",
        },
    }))
}
