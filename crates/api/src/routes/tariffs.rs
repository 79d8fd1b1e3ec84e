//! `/api/v1/tariffs` (CRUD, versioned) and `/api/v1/stations/{id}/tariff` (assignment by date).

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson};
use crate::routes::masterdata::visible_station;
use crate::routes::tariff_schemas::{TariffBody, TariffView};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use mgc_iam::Role;
use mgc_kernel::StationId;
use mgc_settlement::app::tariffs;
use mgc_settlement::{SettlementQueries, Tariff, TariffAssignment, TariffId, TariffSpec};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn invalid_tariff(spec: &TariffSpec) -> Result<(), ApiError> {
    spec.validate().map(|_| ()).map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_tariff", m))
}

/// A tariff with every version.
#[derive(Debug, Serialize, ToSchema)]
pub struct TariffDetail {
    /// Current version.
    #[schema(value_type = TariffView)]
    pub tariff: Tariff,
    /// All versions, oldest first.
    #[schema(value_type = Vec<TariffView>)]
    pub versions: Vec<Tariff>,
}

/// Result of an update: the new version and how many unfrozen days were re-priced.
#[derive(Debug, Serialize, ToSchema)]
pub struct TariffUpdated {
    /// The tariff as stored.
    #[schema(value_type = TariffView)]
    pub tariff: Tariff,
    /// Days that got a new settlement version.
    pub repriced_days: usize,
}

/// Creates a tariff (version 1).
#[utoipa::path(post, path = "/api/v1/tariffs", operation_id = "tariffs_create", tag = "settlement",
    request_body = TariffBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = TariffView), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(spec): ApiJson<TariffSpec>,
) -> Result<(StatusCode, Json<Tariff>), ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a tariff")?;
    invalid_tariff(&spec)?;
    let t = tariffs::create_tariff(state.store.begin().await?, &p.tenant, spec, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Lists the tenant's tariffs (current versions).
#[utoipa::path(get, path = "/api/v1/tariffs", operation_id = "tariffs_list", tag = "settlement", security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<TariffView>)))]
pub async fn list(State(state): State<AppState>, Auth(p): Auth) -> Result<Json<Vec<Tariff>>, ApiError> {
    p.require(Role::Viewer)?;
    Ok(Json(state.store.list_tariffs(&p.tenant).await?))
}

/// Shows a tariff with all its versions.
#[utoipa::path(get, path = "/api/v1/tariffs/{id}", operation_id = "tariffs_get", tag = "settlement", params(("id" = String, Path, description = "tariff id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = TariffDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<TariffDetail>, ApiError> {
    p.require(Role::Viewer)?;
    let id: TariffId = parse_id(&id, "tariff")?;
    let tariff = state.store.get_tariff(&p.tenant, id).await?;
    let versions = state.store.tariff_versions(&p.tenant, id).await?;
    Ok(Json(TariffDetail { tariff, versions }))
}

/// Replaces the definition: version n+1; unfrozen days of stations using it are re-priced.
#[utoipa::path(put, path = "/api/v1/tariffs/{id}", operation_id = "tariffs_update", tag = "settlement", params(("id" = String, Path, description = "tariff id")),
    request_body = TariffBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = TariffUpdated), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(spec): ApiJson<TariffSpec>,
) -> Result<Json<TariffUpdated>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a tariff")?;
    let id: TariffId = parse_id(&id, "tariff")?;
    invalid_tariff(&spec)?;
    let (tariff, repriced_days) =
        tariffs::update_tariff(state.store.begin().await?, &p.tenant, id, spec, state.clock.now()).await?;
    Ok(Json(TariffUpdated { tariff, repriced_days }))
}

/// Deletes a tariff that was never assigned (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/tariffs/{id}", operation_id = "tariffs_delete", tag = "settlement", params(("id" = String, Path, description = "tariff id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a tariff")?;
    let id: TariffId = parse_id(&id, "tariff")?;
    tariffs::delete_tariff(state.store.begin().await?, &p.tenant, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `PUT /api/v1/stations/{id}/tariff`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTariff {
    /// Tariff of the caller's tenant.
    pub tariff_id: String,
    /// First local date of the station priced with it (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub effective_from: NaiveDate,
}

/// A tariff assigned to a station from a local date on (schema of `mgc_settlement::TariffAssignment`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TariffAssignmentView {
    /// The station.
    #[schema(format = Uuid)]
    station_id: String,
    /// The tariff (its current version prices the day).
    #[schema(format = Uuid)]
    tariff_id: String,
    /// First local date of the station it applies to.
    #[schema(format = Date)]
    effective_from: String,
    /// When it was made.
    #[schema(format = DateTime)]
    assigned_at: String,
    /// Who made it.
    assigned_by: String,
}

/// The assignment made and how many unfrozen days were re-priced.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assigned {
    /// The assignment.
    #[schema(value_type = TariffAssignmentView)]
    pub assignment: TariffAssignment,
    /// Days that got a new settlement version.
    pub repriced_days: usize,
}

/// Assigns a tariff to a station from a local date on; frozen days are never re-priced.
#[utoipa::path(put, path = "/api/v1/stations/{id}/tariff", operation_id = "stations_assign_tariff", tag = "settlement", params(("id" = String, Path, description = "station id")),
    request_body = AssignTariff, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Assigned), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignTariff>,
) -> Result<Json<Assigned>, ApiError> {
    p.require(Role::Admin)?;
    let station: StationId = parse_id(&id, "station")?;
    visible_station(&p, station)?;
    let tariff: TariffId = parse_id(&body.tariff_id, "tariff")?;
    let (assignment, repriced_days) = tariffs::assign_tariff(
        state.store.begin().await?,
        &p.tenant,
        station,
        tariff,
        body.effective_from,
        &p.subject,
        state.clock.now(),
    )
    .await?;
    Ok(Json(Assigned { assignment, repriced_days }))
}

/// The station's assignment history, oldest effective date first.
#[utoipa::path(get, path = "/api/v1/stations/{id}/tariff", operation_id = "stations_tariff_assignments", tag = "settlement", params(("id" = String, Path, description = "station id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = Vec<TariffAssignmentView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn assignments(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<TariffAssignment>>, ApiError> {
    use mgc_masterdata::MasterdataQueries;
    p.require(Role::Viewer)?;
    let station: StationId = parse_id(&id, "station")?;
    state.store.get_station(&p.scope(), station).await?;
    Ok(Json(state.store.station_assignments(&p.tenant, station).await?))
}
