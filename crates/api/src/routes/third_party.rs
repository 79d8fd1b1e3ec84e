//! `/api/third/v1/devices/{id}/…`: third-party platforms start and stop charges under their own
//! order number, read a port, reboot a pile. `{id}` is our charge point id or the pile's protocol
//! identity (OCPP identity, AP3000 physical id), resolved inside the caller's tenant and stations.

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiQuery};
use crate::routes::charging::{ChargePointView, SessionView};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::IdToken;
use mgc_commands::Command;
use mgc_contracts::CommandOrigin;
use mgc_iam::{Principal, Role};
use mgc_platform::{
    ChargeMode, ChargeOrder, DeviceRef, Issuer, OrderNo, PlatformError, StartCharge, Started, StopCharge,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

impl From<PlatformError> for ApiError {
    fn from(e: PlatformError) -> Self {
        use PlatformError as E;
        let status = match &e {
            E::Repo(r) => return ApiError::from(r.clone()),
            E::Command(c) => return ApiError::from(c.clone()),
            E::Invalid { .. } | E::ModeNotSupported { .. } | E::NotSupported { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            E::UnknownDevice(_) | E::UnknownOrder(_) => StatusCode::NOT_FOUND,
            E::NotLinked(_) | E::Offline(_) | E::OrderConflict(_) | E::NoOpenSession(_) => StatusCode::CONFLICT,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// A pile named in a path, or 404 when the text is neither an id nor an identity.
pub(crate) fn device_ref(text: &str) -> Result<DeviceRef, ApiError> {
    DeviceRef::parse(text).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "unknown_device", format!("no device '{text}' in your scope"))
    })
}

/// The command settings, adapters, caller and time of a control request.
pub(crate) fn issuer<'a>(state: &'a AppState, p: &Principal) -> Issuer<'a> {
    Issuer {
        settings: &state.config.commands,
        adapters: &state.adapters,
        origin: CommandOrigin::Api { subject: p.subject.clone() },
        now: state.clock.now(),
    }
}

/// A command as a platform follows it (`GET /api/v1/commands/{id}` has the whole record).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandRef {
    /// Command id.
    pub id: String,
    /// Method sent to the pile.
    pub method: String,
    /// `pending`, `sent`, `succeeded`, `failed`, … (see the commands API).
    pub state: String,
}

impl From<&Command> for CommandRef {
    fn from(c: &Command) -> Self {
        Self { id: c.id.to_string(), method: c.method.clone(), state: c.state.to_string() }
    }
}

/// A platform's charge order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    /// The platform's order number.
    pub order_no: String,
    /// Our charge point id.
    pub device_id: String,
    /// Connector number.
    pub port: u32,
    /// `full`, `time`, `energy` or `power`.
    pub mode: String,
    /// Seconds, Wh or W (none for `full`).
    pub limit: Option<u32>,
    /// Id tag the charge runs under.
    pub id_tag: String,
    /// The start command.
    pub start_command_id: String,
    /// The stop command, once stopped through this API.
    pub stop_command_id: Option<String>,
    /// The session the order started, once the pile started it.
    pub session_id: Option<String>,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
}

impl From<&ChargeOrder> for OrderView {
    fn from(o: &ChargeOrder) -> Self {
        Self {
            order_no: o.order_no.to_string(),
            device_id: o.charge_point_id.to_string(),
            port: o.port,
            mode: o.mode.name().to_owned(),
            limit: o.mode.limit(),
            id_tag: o.id_tag.clone(),
            start_command_id: o.start_command_id.to_string(),
            stop_command_id: o.stop_command_id.map(|c| c.to_string()),
            session_id: o.session_id.map(|s| s.to_string()),
            created_at: o.created_at,
        }
    }
}

/// Body of `POST /api/third/v1/devices/{id}/charge/start`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartBody {
    /// Connector number (1-based).
    #[schema(minimum = 1, maximum = 255)]
    #[serde(deserialize_with = "crate::whole_number::u32_field")]
    pub port: u32,
    /// How the charge ends by itself: `full` (no limit), `time` (limit in s), `energy` (limit in
    /// Wh) or `power` (full, at most limit W). OCPP piles take `full` and `power`, AP3000 piles
    /// `full`, `time` and `energy`; another mode is 422 `mode_not_supported`.
    pub mode: StartMode,
    /// Seconds, Wh or W; required above 0 except for `full` (which ignores it).
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_u32_field")]
    pub limit: Option<u32>,
    /// The platform's order number (1–64 of letters, digits, `-_.:`): the same order never starts twice.
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub order_no: String,
    /// Id tag the session runs under (default `PLATFORM`; the tenant registers it as an id tag).
    #[schema(min_length = 1, max_length = 20, pattern = "^[ -~]{1,20}$")]
    pub id_tag: Option<String>,
}

/// How a charge ends by itself.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StartMode {
    /// Until full.
    Full,
    /// For `limit` seconds.
    Time,
    /// Until `limit` Wh.
    Energy,
    /// Full at most `limit` W.
    Power,
}

impl StartMode {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Time => "time",
            Self::Energy => "energy",
            Self::Power => "power",
        }
    }
}

/// Answer of a start or stop.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlAnswer {
    /// The order.
    pub order: OrderView,
    /// The command that carries the request (none when a stored order's command is gone).
    pub command: Option<CommandRef>,
}

/// A start as the platform asked for it (one body or one batch item), checked.
pub(crate) fn start_request(
    port: u32,
    mode: StartMode,
    limit: Option<u32>,
    order_no: &str,
    id_tag: Option<&str>,
) -> Result<StartCharge, ApiError> {
    let id_tag = IdToken::parse(id_tag.unwrap_or(mgc_platform::DEFAULT_ID_TAG)).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_charge_request", format!("id_tag: {e}"))
    })?;
    Ok(StartCharge { port, mode: ChargeMode::parse(mode.name(), limit)?, order_no: OrderNo::parse(order_no)?, id_tag })
}

/// Starts a charge under the platform's order number: 201 with the new order and its start
/// command; 200 with the stored order when the same order comes again (nothing is sent twice).
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/charge/start", operation_id = "third_charge_start", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), request_body = StartBody,
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 201, body = ControlAnswer, description = "order placed, start command issued"),
        (status = 200, body = ControlAnswer, description = "the same order placed before"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 409, body = crate::error::ErrorBody, description = "order_conflict (the order number was used for another charge), device_not_linked, device_offline"),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_order, invalid_charge_request, mode_not_supported, invalid_command")))]
pub async fn start(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StartBody>,
) -> Result<(StatusCode, Json<ControlAnswer>), ApiError> {
    p.require(Role::Operator)?;
    let device = device_ref(&id)?;
    let request = start_request(body.port, body.mode, body.limit, &body.order_no, body.id_tag.as_deref())?;
    let started = mgc_platform::start_charge(&state.store, &p.scope(), &device, &request, issuer(&state, &p)).await?;
    let (status, command) = match &started {
        Started::Created(_, c) => {
            state.commands_wakeup.notify_one();
            (StatusCode::CREATED, Some(CommandRef::from(c)))
        }
        Started::Existing(_, c) => (StatusCode::OK, c.as_ref().map(CommandRef::from)),
    };
    Ok((status, Json(ControlAnswer { order: started.order().into(), command })))
}

/// Body of `POST /api/third/v1/devices/{id}/charge/stop`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopBody {
    /// Connector number the order runs on.
    #[schema(minimum = 1, maximum = 255)]
    #[serde(deserialize_with = "crate::whole_number::u32_field")]
    pub port: u32,
    /// The order to stop.
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub order_no: String,
    /// The platform's reason (up to 200 characters; not sent to the pile, whose protocols carry none).
    #[schema(max_length = 200, pattern = "^[^\\u0000]*$")]
    pub reason: Option<String>,
}

/// Stops an order: 202 with its stop command; 200 with that command when it was stopped before
/// (a stop that ended without success — the pile did not answer — is sent again: 202).
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/charge/stop", operation_id = "third_charge_stop", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), request_body = StopBody,
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 202, body = CommandRef, description = "stop command issued"),
        (status = 200, body = CommandRef, description = "the order's stop command issued before (pending, under way or succeeded)"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device, unknown_order"),
        (status = 409, body = crate::error::ErrorBody, description = "no_open_session (OCPP), device_not_linked, device_offline"),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_order")))]
pub async fn stop(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StopBody>,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    p.require(Role::Operator)?;
    let device = device_ref(&id)?;
    let request = StopCharge { port: body.port, order_no: OrderNo::parse(&body.order_no)? };
    let controls = mgc_platform::stop_charge(&state.store, &p.scope(), &device, &request, issuer(&state, &p)).await?;
    if !controls.created {
        return Ok((StatusCode::OK, Json(CommandRef::from(&controls.command))));
    }
    state.commands_wakeup.notify_one();
    Ok((StatusCode::ACCEPTED, Json(CommandRef::from(&controls.command))))
}

/// Port of `GET /api/third/v1/devices/{id}/charge/status`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PortQuery {
    /// Connector number (1-based).
    #[param(minimum = 1, maximum = 255)]
    pub port: u32,
}

/// One port of a pile: online, connector status, running session, latest order.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortStatusView {
    /// The pile.
    pub device: ChargePointView,
    /// Connector number.
    pub port: u32,
    /// The connector's last reported status (`available`, `charging`, `faulted`, …; none before any report).
    pub status: Option<String>,
    /// Its error code.
    pub error_code: Option<String>,
    /// When that status took effect.
    pub status_at: Option<DateTime<Utc>>,
    /// The session running on the port.
    pub session: Option<SessionView>,
    /// The latest order placed on the port.
    pub order: Option<OrderView>,
}

/// One port of a pile as a platform sees it.
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/charge/status", operation_id = "third_charge_status", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), PortQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = PortStatusView), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn status(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PortQuery>,
) -> Result<Json<PortStatusView>, ApiError> {
    p.require(Role::Viewer)?;
    let device = device_ref(&id)?;
    let s = mgc_platform::charge_status(&state.store, &p.scope(), &device, q.port).await?;
    let connector = s.connector.as_ref();
    Ok(Json(PortStatusView {
        port: s.port,
        status: connector.map(|c| c.status.to_string()),
        error_code: connector.map(|c| c.error_code.to_string()),
        status_at: connector.map(|c| c.status_at),
        session: s.session.map(|x| {
            let order = s.order.as_ref().filter(|o| o.session_id == Some(x.id));
            SessionView { order_no: order.map(|o| o.order_no.to_string()), ..x.into() }
        }),
        order: s.order.as_ref().map(Into::into),
        device: s.charge_point.into(),
    }))
}

/// Reboots a pile (OCPP hard Reset, AP3000 reboot): 202 with the command.
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/reboot", operation_id = "third_device_reboot", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 202, body = CommandRef), (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 409, body = crate::error::ErrorBody, description = "device_not_linked, device_offline")))]
pub async fn reboot(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    p.require(Role::Operator)?;
    let device = device_ref(&id)?;
    let controls = mgc_platform::reboot(&state.store, &p.scope(), &device, issuer(&state, &p)).await?;
    state.commands_wakeup.notify_one();
    Ok((StatusCode::ACCEPTED, Json(CommandRef::from(&controls.command))))
}
