//! `/api/third/v1/devices/{id}/ports|sessions|realtime`: what a platform reads of one pile.

use crate::auth::Auth;
use crate::extract::ApiQuery;
use crate::routes::charging::{session_views, SessionPage};
use crate::routes::third_party::device_ref;
use crate::routes::third_party_devices::DevicePageQuery;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::Role;
use mgc_kernel::page::PageRequest;
use mgc_telemetry::domain::repository::{PointRow, TelemetryQueries};
use serde::Serialize;
use utoipa::ToSchema;

/// One port of a pile.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortView {
    /// Connector number (0 is the pile as a whole).
    pub port: u32,
    /// `available`, `preparing`, `charging`, `suspended_ev`, `suspended_evse`, `finishing`,
    /// `reserved`, `unavailable` or `faulted`.
    pub status: String,
    /// Error code (`no_error` when fine).
    pub error_code: String,
    /// Free text of the last report.
    pub info: Option<String>,
    /// When the status took effect.
    pub status_at: DateTime<Utc>,
}

/// The ports of a pile.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortsView {
    /// Our charge point id.
    pub device_id: String,
    /// The pile is connected.
    pub connected: bool,
    /// Every port it reported, by number.
    pub ports: Vec<PortView>,
}

/// Every port a pile has reported, with its status.
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/ports", operation_id = "third_devices_ports", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = PortsView), (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn ports(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<PortsView>, ApiError> {
    p.require(Role::Viewer)?;
    let (cp, connectors) = mgc_platform::ports(&state.store, &p.scope(), &device_ref(&id)?).await?;
    let ports = connectors
        .into_iter()
        .map(|c| PortView {
            port: c.number,
            status: c.status.to_string(),
            error_code: c.error_code.to_string(),
            info: c.info,
            status_at: c.status_at,
        })
        .collect();
    Ok(Json(PortsView { device_id: cp.id.to_string(), connected: cp.connected, ports }))
}

/// A pile's sessions, newest first (energy in integer Wh).
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/sessions", operation_id = "third_devices_sessions", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), DevicePageQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = SessionPage), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charge_request (a cursor this service did not return)")))]
pub async fn sessions(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DevicePageQuery>,
) -> Result<Json<SessionPage>, ApiError> {
    p.require(Role::Viewer)?;
    let device = device_ref(&id)?;
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| ApiError::bad_request("invalid_query", m))?;
    let page = mgc_platform::sessions(&state.store, &p.scope(), &device, &page).await?;
    Ok(Json(SessionPage { items: session_views(&state, &p.tenant, page.items).await?, next_cursor: page.next_cursor }))
}

/// The latest value of every point of a pile (power, voltage, current, energy … as its protocol
/// adapter records them); empty while the pile is linked to no device.
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/realtime", operation_id = "third_devices_realtime", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<crate::routes::telemetry_views::PointRowView>, description = "latest points (as `GET /api/v1/telemetry/latest`)"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn realtime(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<PointRow>>, ApiError> {
    p.require(Role::Viewer)?;
    let cp = mgc_platform::find_device(&state.store, &p.scope(), &device_ref(&id)?).await?;
    let (Some(device), Some(station)) = (cp.device_id, cp.station_id) else {
        return Ok(Json(Vec::new()));
    };
    let mut points = state.store.latest_for_station(&p.tenant, station).await?;
    points.retain(|r| r.device_id == device);
    Ok(Json(points))
}
