//! `/api/v1/provisioning/stations`, `/api/v1/stations`, `/api/v1/devices`, `/api/v1/point-mappings`, `/api/v1/points`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::routes::masterdata_views::{
    DeviceView, PointDefView, PointMappingView, ProvisionOutcomeView, StationView, UnmappedKeyView,
};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use mgc_iam::{Principal, Role};
use mgc_kernel::{DeviceId, StationId};
use mgc_masterdata::{
    catalogue, provision_station, Device, DeviceKind, MappingScope, MasterdataQueries, PointDef, PointMapping,
    ProvisionOutcome, ProvisionRequest, Station,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One page of stations.
#[derive(Debug, Serialize, ToSchema)]
pub struct StationPage {
    /// Stations, newest first.
    #[schema(value_type = Vec<StationView>)]
    pub items: Vec<Station>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// One page of devices.
#[derive(Debug, Serialize, ToSchema)]
pub struct DevicePage {
    /// Devices, newest first.
    #[schema(value_type = Vec<DeviceView>)]
    pub items: Vec<Device>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Filters of `GET /api/v1/devices`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeviceFilter {
    /// Only devices of this station.
    pub station_id: Option<String>,
    /// Only devices of this kind.
    pub kind: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// Filter of `GET /api/v1/point-mappings`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MappingFilter {
    /// `kind:<kind>` or `device:<id>`.
    pub scope: Option<String>,
}

pub(crate) fn visible_station(p: &Principal, id: StationId) -> Result<(), ApiError> {
    if p.may_see_station(id) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("station {id} not found")))
    }
}

/// Creates or updates a station with its devices and mappings; the same body twice changes nothing.
#[utoipa::path(post, path = "/api/v1/provisioning/stations", operation_id = "stations_provision", tag = "masterdata", request_body = crate::routes::provision_schemas::ProvisionBody,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ProvisionOutcomeView, description = "the provisioned station and devices, with created/changed flags"),
        (status = 409, body = crate::error::ErrorBody, description = "a device name or ThingsBoard device id already belongs to another device"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn provision(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<ProvisionRequest>,
) -> Result<Json<ProvisionOutcome>, ApiError> {
    p.require(Role::Admin)?;
    let uow = state.store.begin().await?;
    let outcome = provision_station(uow, &p.tenant, body, state.clock.now()).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(Json(outcome))
}

/// Lists the tenant's stations (only those in the caller's station scope).
#[utoipa::path(get, path = "/api/v1/stations", operation_id = "stations_list", tag = "masterdata", params(ListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StationPage)))]
pub async fn list_stations(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<StationPage>, ApiError> {
    p.require(Role::Viewer)?;
    let page = state.store.list_stations(&p.scope(), &q.page()?).await?;
    Ok(Json(StationPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Shows one station.
#[utoipa::path(get, path = "/api/v1/stations/{id}", operation_id = "stations_get", tag = "masterdata", params(("id" = String, Path, description = "station id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = StationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_station(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Station>, ApiError> {
    p.require(Role::Viewer)?;
    let id: StationId = parse_id(&id, "station")?;
    Ok(Json(state.store.get_station(&p.scope(), id).await?))
}

/// Lists devices, optionally of one station and/or kind.
#[utoipa::path(get, path = "/api/v1/devices", operation_id = "devices_list", tag = "masterdata", params(DeviceFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = DevicePage), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list_devices(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<DeviceFilter>,
) -> Result<Json<DevicePage>, ApiError> {
    p.require(Role::Viewer)?;
    let station = f.station_id.as_deref().map(|s| parse_id::<StationId>(s, "station")).transpose()?;
    let kind = f
        .kind
        .as_deref()
        .map(|k| k.parse::<DeviceKind>().map_err(|e| ApiError::bad_request("invalid_query", e)))
        .transpose()?;
    let page = ListQuery { limit: f.limit, cursor: f.cursor }.page()?;
    let page = state.store.list_devices(&p.scope(), station, kind, &page).await?;
    Ok(Json(DevicePage { items: page.items, next_cursor: page.next_cursor }))
}

/// Shows one device.
#[utoipa::path(get, path = "/api/v1/devices/{id}", operation_id = "devices_get", tag = "masterdata", params(("id" = String, Path, description = "device id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = DeviceView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_device(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Device>, ApiError> {
    p.require(Role::Viewer)?;
    let id: DeviceId = parse_id(&id, "device")?;
    Ok(Json(state.store.get_device(&p.scope(), id).await?))
}

/// Keys of a device stored under their raw name because no mapping covers them.
#[utoipa::path(get, path = "/api/v1/devices/{id}/unmapped-keys", operation_id = "devices_unmapped_keys", tag = "masterdata", params(("id" = String, Path, description = "device id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Vec<UnmappedKeyView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unmapped_keys(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<mgc_telemetry::domain::repository::UnmappedKey>>, ApiError> {
    use mgc_telemetry::domain::repository::TelemetryQueries;
    p.require(Role::Viewer)?;
    let id: DeviceId = parse_id(&id, "device")?;
    state.store.get_device(&p.scope(), id).await?;
    let keys = state.store.stored_raw_keys(&p.tenant, id).await?;
    Ok(Json(keys.into_iter().filter(|k| mgc_masterdata::lookup_point(&k.raw_key).is_none()).collect()))
}

/// Body of `PUT /api/v1/point-mappings/{scope}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMappings {
    /// The complete rule set of the scope: `[{raw_key, point, scale?, offset?, unit?}]`, raw keys
    /// unique within it.
    #[schema(value_type = Vec<crate::routes::provision_schemas::ProvisionMapping>)]
    pub mappings: Vec<mgc_masterdata::MappingSpec>,
}

/// Replaces the rules of a scope: `kind:<kind>` (template for every device of that kind) or
/// `device:<id>` (overrides of one device). Unchanged rules keep their version.
#[utoipa::path(put, path = "/api/v1/point-mappings/{scope}", operation_id = "point_mappings_set_scope", tag = "masterdata", request_body = SetMappings,
    params(("scope" = String, Path, description = "kind:<kind> or device:<device id>")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<PointMappingView>), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_scope_mappings(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(scope): Path<String>,
    ApiJson(body): ApiJson<SetMappings>,
) -> Result<Json<Vec<PointMapping>>, ApiError> {
    p.require(Role::Admin)?;
    let scope: MappingScope = scope.parse().map_err(|e: String| ApiError::bad_request("invalid_id", e))?;
    match scope {
        // A device's rules are the device's station's business; a kind's rules reach every station.
        MappingScope::Device(id) => drop(state.store.get_device(&p.scope(), id).await?),
        MappingScope::Kind(_) => p.require_tenant_wide("a kind's point mappings")?,
    }
    let uow = state.store.begin().await?;
    mgc_masterdata::set_mappings(uow, &p.tenant, scope, &body.mappings, state.clock.now()).await?;
    state.ingest.forget_tenant(&p.tenant);
    Ok(Json(state.store.list_mappings(&p.scope(), Some(scope)).await?))
}

/// Lists point mappings, optionally of one scope.
#[utoipa::path(get, path = "/api/v1/point-mappings", operation_id = "point_mappings_list", tag = "masterdata", params(MappingFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<PointMappingView>)))]
pub async fn list_mappings(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<MappingFilter>,
) -> Result<Json<Vec<PointMapping>>, ApiError> {
    p.require(Role::Viewer)?;
    let scope = f
        .scope
        .as_deref()
        .map(|s| s.parse::<MappingScope>().map_err(|e| ApiError::bad_request("invalid_query", e)))
        .transpose()?;
    Ok(Json(state.store.list_mappings(&p.scope(), scope).await?))
}

/// The catalogue of semantic points.
#[utoipa::path(get, path = "/api/v1/points", operation_id = "points_list", tag = "masterdata", security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Vec<PointDefView>)))]
pub async fn points(Auth(p): Auth) -> Result<Json<&'static [PointDef]>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(catalogue()))
}
