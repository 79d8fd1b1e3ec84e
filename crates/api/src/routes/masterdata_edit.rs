//! `PATCH` and `DELETE` of single stations and devices (admin, within the caller's station scope).

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson};
use crate::routes::masterdata::visible_station;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mgc_iam::Role;
use mgc_kernel::{DeviceId, StationId};
use mgc_masterdata::{Device, DevicePatch, MasterdataQueries, Station, StationPatch};

/// Changes the fields given; `null` clears an optional field.
#[utoipa::path(patch, path = "/api/v1/stations/{id}", operation_id = "stations_update", tag = "masterdata",
    params(("id" = String, Path, description = "station id")),
    request_body = crate::routes::masterdata_schemas::StationPatchBody,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::masterdata_views::StationView, description = "the station as stored"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn patch_station(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StationPatch>,
) -> Result<Json<Station>, ApiError> {
    p.require(Role::Admin)?;
    let id: StationId = parse_id(&id, "station")?;
    visible_station(&p, id)?;
    let station =
        mgc_masterdata::update_station(state.store.begin().await?, &p.tenant, id, &body, state.clock.now()).await?;
    Ok(Json(station))
}

/// Removes a station that has no devices left (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/stations/{id}", operation_id = "stations_delete", tag = "masterdata",
    params(("id" = String, Path, description = "station id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "removed"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete_station(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Admin)?;
    let id: StationId = parse_id(&id, "station")?;
    visible_station(&p, id)?;
    mgc_masterdata::delete_station(state.store.begin().await?, &p.tenant, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the fields given (renaming changes which ingest name resolves to it).
#[utoipa::path(patch, path = "/api/v1/devices/{id}", operation_id = "devices_update", tag = "masterdata",
    params(("id" = String, Path, description = "device id")),
    request_body = crate::routes::masterdata_schemas::DevicePatchBody,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::masterdata_views::DeviceView, description = "the device as stored"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn patch_device(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DevicePatch>,
) -> Result<Json<Device>, ApiError> {
    p.require(Role::Admin)?;
    let id: DeviceId = parse_id(&id, "device")?;
    visible_device(&state, &p, id).await?;
    if let Some(station) = body.station_id {
        visible_station(&p, station)?;
    }
    let device =
        mgc_masterdata::update_device(state.store.begin().await?, &p.tenant, id, &body, state.clock.now()).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(Json(device))
}

/// Removes a device and its own mappings; its telemetry history stays queryable by id, and
/// points sent under its name are quarantined from now on.
#[utoipa::path(delete, path = "/api/v1/devices/{id}", operation_id = "devices_delete", tag = "masterdata",
    params(("id" = String, Path, description = "device id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "removed"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_device(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Admin)?;
    let id: DeviceId = parse_id(&id, "device")?;
    visible_device(&state, &p, id).await?;
    mgc_masterdata::delete_device(state.store.begin().await?, &p.tenant, id, state.clock.now()).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(StatusCode::NO_CONTENT)
}

/// 404 unless the device exists in the caller's tenant and station scope.
async fn visible_device(state: &AppState, p: &mgc_iam::Principal, id: DeviceId) -> Result<(), ApiError> {
    state.store.get_device(&p.scope(), id).await.map(drop).map_err(ApiError::from)
}
