//! `POST /api/v1/devices/{id}/remap`: the device's current mappings applied again to its stored
//! telemetry in a time range.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_adapter_thingsboard::{remap_device_now, RemapReport};
use mgc_iam::Role;
use mgc_kernel::DeviceId;
use mgc_masterdata::MasterdataQueries;
use serde::Deserialize;
use utoipa::ToSchema;

/// Time range to re-map, `from` inclusive, `to` exclusive.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemapRange {
    /// Start (RFC 3339).
    pub from: DateTime<Utc>,
    /// End (RFC 3339), after `from`.
    pub to: DateTime<Utc>,
}

/// What a re-map did (schema of `mgc_adapter_thingsboard::RemapReport`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RemapReportView {
    /// Stored points of the device in the range.
    examined: u64,
    /// Of those, stored again under another point name or with another mapped value.
    remapped: u64,
}

/// Re-maps the device's points in the range; answers how many were examined and re-mapped.
#[utoipa::path(post, path = "/api/v1/devices/{id}/remap", operation_id = "devices_remap", tag = "telemetry", request_body = RemapRange,
    params(("id" = String, Path, description = "device id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = RemapReportView, description = "how many points were examined and re-mapped"), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn remap(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(range): ApiJson<RemapRange>,
) -> Result<Json<RemapReport>, ApiError> {
    p.require(Role::Admin)?;
    let id: DeviceId = parse_id(&id, "device")?;
    let device = state.store.get_device(&p.scope(), id).await?;
    if range.from >= range.to {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!("to ({}) must be after from ({})", range.to, range.from),
        ));
    }
    let mappings = state.store.mapping_set(&p.tenant, &device).await?;
    let uow = state.store.begin().await?;
    let report =
        remap_device_now(uow, &p.tenant, &device, &mappings, (range.from, range.to), state.clock.now()).await?;
    Ok(Json(report))
}
