//! `/api/v1/stats/charging/…` (and the same under `/api/third/v1/stats/charging/…`): the fleet
//! now and sessions per window of a station's calendar.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery};
use crate::routes::charging_stats_views::{FleetView, SessionFiguresView, UtilisationView};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::{FleetFigures, SessionStatsRequest};
use mgc_iam::{Principal, Role};
use mgc_kernel::{Granularity, StationId};
use mgc_masterdata::domain::repository::MasterdataQueries;
use serde::Deserialize;
use utoipa::IntoParams;

/// Filter of the fleet figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FleetQuery {
    /// Only this station's piles.
    pub station_id: Option<String>,
}

/// Range and windows of the session figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SessionStatsQuery {
    /// The station; its time zone cuts the windows.
    pub station_id: String,
    /// `hour` (range up to 31 days), `day`, `month` or `year` (up to 366 days).
    pub granularity: String,
    /// Start of the range (RFC 3339); the window holding it is the first.
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339, exclusive; after `from`).
    pub to: DateTime<Utc>,
}

/// The fleet figures of `station_id` (or of every station in scope) for `p` (viewer and up; a
/// station out of scope is 404).
pub(crate) async fn fleet_figures_of(
    state: &AppState,
    p: &Principal,
    station_id: Option<&str>,
) -> Result<FleetFigures, ApiError> {
    p.require(Role::Viewer)?;
    let station: Option<StationId> = station_id.map(|s| parse_id(s, "station")).transpose()?;
    if let Some(s) = station {
        state.store.get_station(&p.scope(), s).await?;
    }
    Ok(mgc_charging::fleet_stats(&state.store, &p.scope(), station).await?)
}

async fn fleet_of(state: &AppState, p: &Principal, q: FleetQuery) -> Result<Json<FleetView>, ApiError> {
    Ok(Json(fleet_figures_of(state, p, q.station_id.as_deref()).await?.into()))
}

async fn sessions_of(
    state: &AppState,
    p: &Principal,
    q: SessionStatsQuery,
) -> Result<Json<Vec<SessionFiguresView>>, ApiError> {
    let request = request_of(state, p, q).await?;
    let figures = mgc_charging::session_stats(&state.store, &p.scope(), &request).await?;
    Ok(Json(figures.into_iter().map(Into::into).collect()))
}

pub(crate) async fn request_of(
    state: &AppState,
    p: &Principal,
    q: SessionStatsQuery,
) -> Result<SessionStatsRequest, ApiError> {
    p.require(Role::Viewer)?;
    let station: StationId = parse_id(&q.station_id, "station")?;
    let granularity: Granularity = q
        .granularity
        .parse()
        .map_err(|_| ApiError::bad_request("invalid_query", "granularity: must be hour, day, month or year"))?;
    let tz = state.store.get_station(&p.scope(), station).await?.time_zone;
    Ok(SessionStatsRequest { station, tz, granularity, from: q.from, to: q.to })
}

async fn utilisation_of(
    state: &AppState,
    p: &Principal,
    q: SessionStatsQuery,
) -> Result<Json<Vec<UtilisationView>>, ApiError> {
    let request = request_of(state, p, q).await?;
    let figures = mgc_charging::utilisation_stats(&state.store, &p.scope(), &request, state.clock.now()).await?;
    Ok(Json(figures.into_iter().map(Into::into).collect()))
}

/// Utilisation of a station's ports per window of its calendar: the share of port-time spent in
/// sessions (per mille), running sessions counted up to now; a session that started more than
/// 48 h before the range is not seen.
#[utoipa::path(get, path = "/api/v1/stats/charging/utilisation", operation_id = "charging_stats_utilisation", tag = "charging", params(SessionStatsQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<UtilisationView>, description = "one item per window"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn utilisation(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SessionStatsQuery>,
) -> Result<Json<Vec<UtilisationView>>, ApiError> {
    utilisation_of(&state, &p, q).await
}

/// The port utilisation for a platform (as `GET /api/v1/stats/charging/utilisation`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/utilisation", operation_id = "third_stats_utilisation", tag = "third-party", params(SessionStatsQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<UtilisationView>, description = "one item per window"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input")))]
pub async fn third_utilisation(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SessionStatsQuery>,
) -> Result<Json<Vec<UtilisationView>>, ApiError> {
    utilisation_of(&state, &p, q).await
}

/// Piles online and offline (per protocol) and ports by status, now.
#[utoipa::path(get, path = "/api/v1/stats/charging/fleet", operation_id = "charging_stats_fleet", tag = "charging", params(FleetQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = FleetView), (status = 400, body = crate::error::ErrorBody, description = "invalid_id"),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn fleet(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<FleetQuery>,
) -> Result<Json<FleetView>, ApiError> {
    fleet_of(&state, &p, q).await
}

/// Sessions started per window of the station's calendar: count, outcome, energy (Wh), mean
/// duration, success rate (per mille) and stop reasons.
#[utoipa::path(get, path = "/api/v1/stats/charging/sessions", operation_id = "charging_stats_sessions", tag = "charging", params(SessionStatsQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<SessionFiguresView>, description = "one item per window, zeros included"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn sessions(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SessionStatsQuery>,
) -> Result<Json<Vec<SessionFiguresView>>, ApiError> {
    sessions_of(&state, &p, q).await
}

/// The fleet figures for a platform (as `GET /api/v1/stats/charging/fleet`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/fleet", operation_id = "third_stats_fleet", tag = "third-party", params(FleetQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = FleetView), (status = 400, body = crate::error::ErrorBody, description = "invalid_id"),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn third_fleet(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<FleetQuery>,
) -> Result<Json<FleetView>, ApiError> {
    fleet_of(&state, &p, q).await
}

/// The session figures for a platform (as `GET /api/v1/stats/charging/sessions`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/sessions", operation_id = "third_stats_sessions", tag = "third-party", params(SessionStatsQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<SessionFiguresView>, description = "one item per window, zeros included"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn third_sessions(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SessionStatsQuery>,
) -> Result<Json<Vec<SessionFiguresView>>, ApiError> {
    sessions_of(&state, &p, q).await
}
