//! `/api/v1/charge-points` and `/api/v1/charging-sessions`: the charging read side (viewer and up).

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::{
    ChargePoint, ChargePointFilter, ChargePointId, ChargerType, ChargingQueries, ChargingSession, RegistrationStatus,
    SessionId,
};
use mgc_iam::Role;
use mgc_kernel::TenantId;
use mgc_platform::{OrderNo, OrderQueries};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A charge point as the API shows it (never its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargePointView {
    /// Id.
    pub id: String,
    /// OCPP identity (last path segment of its URL).
    pub identity: String,
    /// Station, once assigned.
    pub station_id: Option<String>,
    /// Masterdata device, once linked.
    pub device_id: Option<String>,
    /// `ocpp1.6j` or `ap3000`.
    pub protocol: String,
    /// `ac`, `dc` or `two_wheeler` (set by an operator; AP3000 piles start as `two_wheeler`, others as `ac`).
    #[schema(value_type = crate::schema_enums::ChargerTypeName)]
    pub charger_type: String,
    /// `accepted`, `pending` or `rejected`.
    pub registration: String,
    /// Connected as last known (a closed connection or the offline sweep clears it).
    pub connected: bool,
    /// Last message.
    pub last_seen: Option<DateTime<Utc>>,
    /// Last BootNotification.
    pub last_boot_at: Option<DateTime<Utc>>,
    /// Vendor from its last boot.
    pub vendor: Option<String>,
    /// Model from its last boot.
    pub model: Option<String>,
    /// Serial number from its last boot.
    pub serial_number: Option<String>,
    /// Firmware version from its last boot.
    pub firmware_version: Option<String>,
    /// True when an operator set its password (it can connect).
    pub has_password: bool,
    /// Latest FirmwareStatusNotification status (OCPP name, e.g. `Installed`).
    pub firmware_status: Option<String>,
    /// When that status arrived.
    pub firmware_status_at: Option<DateTime<Utc>>,
    /// Latest DiagnosticsStatusNotification status (OCPP name, e.g. `Uploaded`).
    pub diagnostics_status: Option<String>,
    /// When that status arrived.
    pub diagnostics_status_at: Option<DateTime<Utc>>,
    /// First recorded.
    pub created_at: DateTime<Utc>,
}

impl From<ChargePoint> for ChargePointView {
    fn from(c: ChargePoint) -> Self {
        let boot = c.boot_info.as_ref();
        Self {
            id: c.id.to_string(),
            identity: c.identity.to_string(),
            station_id: c.station_id.map(|s| s.to_string()),
            device_id: c.device_id.map(|d| d.to_string()),
            protocol: c.protocol.to_string(),
            charger_type: c.charger_type.to_string(),
            registration: c.registration.to_string(),
            connected: c.connected,
            last_seen: c.last_seen,
            last_boot_at: c.last_boot_at,
            vendor: boot.map(|b| b.vendor.clone()),
            model: boot.map(|b| b.model.clone()),
            serial_number: boot.and_then(|b| b.serial_number.clone()),
            firmware_version: boot.and_then(|b| b.firmware_version.clone()),
            has_password: c.password_hash.is_some(),
            firmware_status: c.firmware.as_ref().map(|f| f.status.clone()),
            firmware_status_at: c.firmware.as_ref().map(|f| f.at),
            diagnostics_status: c.diagnostics.as_ref().map(|d| d.status.clone()),
            diagnostics_status_at: c.diagnostics.as_ref().map(|d| d.at),
            created_at: c.created_at,
        }
    }
}

/// One state change of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    /// State before (none at creation).
    pub from: Option<String>,
    /// State after.
    pub to: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// A charging session as the API shows it; energy in integer Wh.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Id.
    pub id: String,
    /// OCPP transaction id (unique per tenant).
    pub transaction_id: i32,
    /// Charge point id.
    pub charge_point_id: String,
    /// Station, when the charge point had one at start.
    pub station_id: Option<String>,
    /// Connector number.
    pub connector: u32,
    /// Tag that started it.
    pub id_tag: String,
    /// Decision for the tag at start.
    pub authorization: String,
    /// `starting`, `charging`, `suspended_ev`, `suspended_evse`, `finishing`, `completed` or `failed`.
    pub state: String,
    /// Register at start (Wh).
    pub meter_start_wh: i64,
    /// Register at stop (Wh).
    pub meter_stop_wh: Option<i64>,
    /// Energy so far or in total (Wh, never negative).
    pub energy_wh: i64,
    /// Start (charge point clock).
    pub started_at: DateTime<Utc>,
    /// End.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Why it ended.
    pub stop_reason: Option<String>,
    /// Highest active import power seen (W).
    pub max_power_w: Option<i64>,
    /// A register went backwards (billing should hold the session).
    pub meter_went_backwards: bool,
    /// Meter samples recorded.
    pub samples_recorded: u64,
    /// State changes (detail only; empty in lists).
    pub transitions: Vec<TransitionView>,
    /// The third-party platform's order number that started it (null for a session started otherwise).
    #[schema(required = true)]
    pub order_no: Option<String>,
}

impl From<ChargingSession> for SessionView {
    fn from(s: ChargingSession) -> Self {
        Self {
            id: s.id.to_string(),
            transaction_id: s.transaction_id.0,
            charge_point_id: s.charge_point_id.to_string(),
            station_id: s.station_id.map(|st| st.to_string()),
            connector: s.connector,
            id_tag: s.id_tag.to_string(),
            authorization: s.authorization.to_string(),
            state: s.state.to_string(),
            meter_start_wh: s.meter_start.0,
            meter_stop_wh: s.meter_stop.map(|w| w.0),
            energy_wh: s.energy().0,
            started_at: s.started_at,
            stopped_at: s.stopped_at,
            stop_reason: s.stop_reason.map(|r| r.to_string()),
            max_power_w: s.max_power_w,
            meter_went_backwards: s.meter_went_backwards,
            samples_recorded: s.samples_recorded,
            transitions: s
                .transitions
                .into_iter()
                .map(|t| TransitionView {
                    from: t.from.map(|f| f.to_string()),
                    to: t.to.to_string(),
                    at: t.at,
                    reason: t.reason,
                })
                .collect(),
            order_no: None,
        }
    }
}

/// The sessions as views, each with the order number that started it (one lookup for all).
pub async fn session_views(
    state: &AppState,
    tenant: &TenantId,
    sessions: Vec<ChargingSession>,
) -> Result<Vec<SessionView>, ApiError> {
    let ids: Vec<SessionId> = sessions.iter().map(|s| s.id).collect();
    let mut order_nos = state.store.order_nos_of(tenant, &ids).await?;
    Ok(sessions
        .into_iter()
        .map(|s| {
            let order_no = order_nos.remove(&s.id).map(|o| o.as_str().to_owned());
            SessionView { order_no, ..s.into() }
        })
        .collect())
}

/// One page of charge points.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChargePointPage {
    /// Charge points, oldest first.
    pub items: Vec<ChargePointView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// One page of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionPage {
    /// Sessions, newest first.
    pub items: Vec<SessionView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// Filter and page of the charge point list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChargePointQuery {
    /// Only this registration: `pending` lists the charge points waiting for adoption.
    pub registration: Option<String>,
    /// Only this charger type (`ac`, `dc`, `two_wheeler`).
    #[param(value_type = Option<crate::schema_enums::ChargerTypeName>)]
    pub charger_type: Option<String>,
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Lists the charge points in the caller's scope (`?registration=pending`: those waiting for adoption).
#[utoipa::path(get, path = "/api/v1/charge-points", operation_id = "charge_points_list", tag = "charging", params(ChargePointQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ChargePointPage), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list_charge_points(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ChargePointQuery>,
) -> Result<Json<ChargePointPage>, ApiError> {
    p.require(Role::Viewer)?;
    let filter = ChargePointFilter {
        registration: q.registration.as_deref().map(str::parse).transpose()?,
        charger_type: q.charger_type.as_deref().map(str::parse).transpose()?,
    };
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let page = state.store.list_charge_points(&p.scope(), filter, &page).await?;
    Ok(Json(ChargePointPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// One charge point in the caller's scope.
#[utoipa::path(get, path = "/api/v1/charge-points/{id}", operation_id = "charge_points_get", tag = "charging", params(("id" = String, Path, description = "charge point id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ChargePointView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_charge_point(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ChargePointView>, ApiError> {
    p.require(Role::Viewer)?;
    let id: ChargePointId = parse_id(&id, "charge point")?;
    let found = state.store.get_charge_point(&p.scope(), id).await?;
    found.map(|c| Json(c.into())).ok_or_else(|| ApiError::not_found(format!("charge point {id} not found")))
}

/// Body of `PUT /api/v1/charge-points/{id}/registration`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBody {
    /// `accepted` (adopt), `pending` or `rejected`.
    #[schema(value_type = crate::schema_enums::RegistrationName)]
    pub registration: String,
}

/// Adopts (`accepted`), parks (`pending`) or refuses (`rejected`) a charge point in the caller's
/// scope and links it to its masterdata charger when one exists; the charge point learns the
/// status at its next BootNotification.
#[utoipa::path(put, path = "/api/v1/charge-points/{id}/registration", operation_id = "charge_points_set_registration", tag = "charging", params(("id" = String, Path, description = "charge point id")),
    request_body = RegistrationBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ChargePointView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_registration(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RegistrationBody>,
) -> Result<Json<ChargePointView>, ApiError> {
    p.require(Role::Operator)?;
    let id: ChargePointId = parse_id(&id, "charge point")?;
    let registration: RegistrationStatus = body.registration.parse()?;
    let found = state.store.get_charge_point(&p.scope(), id).await?;
    let cp = found.ok_or_else(|| ApiError::not_found(format!("charge point {id} not found")))?;
    let tx = state.store.begin().await?;
    let cp = mgc_charging::set_registration(tx, &p.tenant, &cp.identity, registration, state.clock.now()).await?;
    Ok(Json(cp.into()))
}

/// Body of `PUT /api/v1/charge-points/{id}/charger-type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargerTypeBody {
    /// `ac`, `dc` or `two_wheeler`.
    #[schema(value_type = crate::schema_enums::ChargerTypeName)]
    pub charger_type: String,
}

/// Sets what a charge point in the caller's scope charges (AC, DC, two-wheeler), as the fleet
/// statistics count it; an unknown type is `422 invalid_charging_input`.
#[utoipa::path(put, path = "/api/v1/charge-points/{id}/charger-type", operation_id = "charge_points_set_charger_type", tag = "charging", params(("id" = String, Path, description = "charge point id")),
    request_body = ChargerTypeBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = ChargePointView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input")))]
pub async fn set_charger_type(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChargerTypeBody>,
) -> Result<Json<ChargePointView>, ApiError> {
    p.require(Role::Operator)?;
    let id: ChargePointId = parse_id(&id, "charge point")?;
    let charger_type: ChargerType = body.charger_type.parse()?;
    let found = state.store.get_charge_point(&p.scope(), id).await?;
    let cp = found.ok_or_else(|| ApiError::not_found(format!("charge point {id} not found")))?;
    let tx = state.store.begin().await?;
    let cp = mgc_charging::set_charger_type(tx, &p.tenant, &cp.identity, charger_type, state.clock.now()).await?;
    Ok(Json(cp.into()))
}

/// Filter and page of the session list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SessionQuery {
    /// Only the session a third-party platform's order of this number started (at most one).
    #[param(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9._:-]+$")]
    pub order_no: Option<String>,
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Lists the charging sessions in the caller's scope, newest first (`?order_no=`: the one a
/// platform's order started).
#[utoipa::path(get, path = "/api/v1/charging-sessions", operation_id = "charging_sessions_list", tag = "charging", params(SessionQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SessionPage), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SessionQuery>,
) -> Result<Json<SessionPage>, ApiError> {
    p.require(Role::Viewer)?;
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let scope = p.scope();
    if let Some(order_no) = q.order_no.as_deref() {
        let order_no = OrderNo::parse(order_no)?;
        let session = match state.store.session_of_order(&p.tenant, &order_no).await? {
            Some(id) => state.store.get_session(&scope, id).await?,
            None => None,
        };
        let items = session_views(&state, &p.tenant, session.into_iter().collect()).await?;
        return Ok(Json(SessionPage { items, next_cursor: None }));
    }
    let page = state.store.list_sessions(&scope, &page).await?;
    Ok(Json(SessionPage { items: session_views(&state, &p.tenant, page.items).await?, next_cursor: page.next_cursor }))
}

/// One charging session in the caller's scope, with its state changes.
#[utoipa::path(get, path = "/api/v1/charging-sessions/{id}", operation_id = "charging_sessions_get", tag = "charging", params(("id" = String, Path, description = "session id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SessionView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_session(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SessionView>, ApiError> {
    p.require(Role::Viewer)?;
    let id: SessionId = parse_id(&id, "charging session")?;
    let found = state.store.get_session(&p.scope(), id).await?;
    let session = found.ok_or_else(|| ApiError::not_found(format!("charging session {id} not found")))?;
    let mut views = session_views(&state, &p.tenant, vec![session]).await?;
    views.pop().map(Json).ok_or_else(ApiError::internal)
}
