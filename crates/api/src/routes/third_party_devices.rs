//! `/api/third/v1/devices…`: a platform's view of its piles (list, one, command log) and batch
//! status and control with one result per device.

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiQuery, ListQuery};
use crate::routes::charging::{ChargePointPage, ChargePointView};
use crate::routes::third_party::{device_ref, issuer, start_request, CommandRef, OrderView, StartMode};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use mgc_charging::{ChargePointFilter, ChargingQueries};
use mgc_commands::{Command, CommandFilter, CommandQueries};
use mgc_iam::{Principal, Role};
use mgc_kernel::page::{Page, PageRequest};
use mgc_platform::{OrderNo, Started, StopCharge};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Most devices in one batch request.
pub const MAX_BATCH: usize = 100;

/// Page of a device list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DevicePageQuery {
    /// Items per page (1..=500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// The piles in the caller's scope, oldest first.
#[utoipa::path(get, path = "/api/third/v1/devices", operation_id = "third_devices_list", tag = "third-party", params(DevicePageQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = ChargePointPage), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<DevicePageQuery>,
) -> Result<Json<ChargePointPage>, ApiError> {
    p.require(Role::Viewer)?;
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let page = state.store.list_charge_points(&p.scope(), ChargePointFilter::default(), &page).await?;
    Ok(Json(ChargePointPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// One pile, by id or protocol identity.
#[utoipa::path(get, path = "/api/third/v1/devices/{id}", operation_id = "third_devices_get", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = ChargePointView), (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ChargePointView>, ApiError> {
    p.require(Role::Viewer)?;
    let found = mgc_platform::find_device(&state.store, &p.scope(), &device_ref(&id)?).await?;
    Ok(Json(found.into()))
}

/// The commands sent to a pile, newest first, with their transitions (empty while it is linked
/// to no masterdata device).
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/logs", operation_id = "third_devices_logs", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), DevicePageQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = crate::routes::command_views::CommandPage, description = "a page of commands (as `GET /api/v1/commands`)"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn logs(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DevicePageQuery>,
) -> Result<Json<Page<Command>>, ApiError> {
    p.require(Role::Viewer)?;
    let cp = mgc_platform::find_device(&state.store, &p.scope(), &device_ref(&id)?).await?;
    let Some(device_id) = cp.device_id else {
        return Ok(Json(Page { items: Vec::new(), next_cursor: None }));
    };
    if let Some(c) = q.cursor.as_deref().filter(|c| c.parse::<i64>().map_or(true, |n| n < 1)) {
        return Err(ApiError::bad_request("invalid_query", format!("cursor '{c}' is not one this service returned")));
    }
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| ApiError::bad_request("invalid_query", m))?;
    let filter = CommandFilter { device_id: Some(device_id), ..CommandFilter::default() };
    Ok(Json(state.store.list_commands(&p.scope(), &filter, &page).await?))
}

/// Body of `POST /api/third/v1/devices/batch/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchStatusBody {
    /// Charge point ids or protocol identities (1 to 100).
    #[schema(min_items = 1, max_items = 100)]
    pub devices: Vec<String>,
}

/// One device of a batch status answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceStatus {
    /// The device as asked.
    pub device: String,
    /// The pile, when found in scope.
    pub found: Option<ChargePointView>,
    /// Why not (`unknown_device`).
    pub code: Option<String>,
}

/// Answer of a batch request.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchStatusAnswer {
    /// One result per device, in the order asked.
    pub items: Vec<DeviceStatus>,
}

fn batch_len(n: usize) -> Result<(), ApiError> {
    if n == 0 || n > MAX_BATCH {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_batch",
            format!("a batch takes 1 to {MAX_BATCH} devices, got {n}"),
        ));
    }
    Ok(())
}

/// Status of up to 100 piles at once; an unknown one is reported in its item, not as an error.
#[utoipa::path(post, path = "/api/third/v1/devices/batch/status", operation_id = "third_devices_batch_status", tag = "third-party",
    request_body = BatchStatusBody, security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = BatchStatusAnswer), (status = 422, body = crate::error::ErrorBody, description = "invalid_batch")))]
pub async fn batch_status(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BatchStatusBody>,
) -> Result<Json<BatchStatusAnswer>, ApiError> {
    p.require(Role::Viewer)?;
    batch_len(body.devices.len())?;
    let mut items = Vec::with_capacity(body.devices.len());
    for device in body.devices {
        let found = match device_ref(&device) {
            Ok(r) => mgc_platform::find_device(&state.store, &p.scope(), &r).await.map_err(ApiError::from),
            Err(e) => Err(e),
        };
        items.push(match found {
            Ok(cp) => DeviceStatus { device, found: Some(cp.into()), code: None },
            Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => {
                DeviceStatus { device, found: None, code: Some("unknown_device".into()) }
            }
            Err(e) => return Err(e),
        });
    }
    Ok(Json(BatchStatusAnswer { items }))
}

/// What one item of a batch control asks for.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchAction {
    /// Start a charge (needs `port`, `mode`, `order_no`).
    Start,
    /// Stop an order (needs `port`, `order_no`).
    Stop,
    /// Reboot the pile.
    Reboot,
}

/// One item of `POST /api/third/v1/devices/batch/control`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchControlItem {
    /// Charge point id or protocol identity.
    pub device: String,
    /// What to do.
    pub action: BatchAction,
    /// Connector number (start, stop).
    #[schema(minimum = 1, maximum = 255)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_u32_field")]
    pub port: Option<u32>,
    /// Mode of a start.
    pub mode: Option<StartMode>,
    /// Limit of a start.
    #[schema(minimum = 1)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_u32_field")]
    pub limit: Option<u32>,
    /// Order number (start, stop).
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_.:-]{1,64}$")]
    pub order_no: Option<String>,
    /// Id tag of a start (default `PLATFORM`).
    #[schema(min_length = 1, max_length = 20, pattern = "^[ -~]{1,20}$")]
    pub id_tag: Option<String>,
}

/// Body of `POST /api/third/v1/devices/batch/control`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchControlBody {
    /// 1 to 100 requests, each carried out on its own.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<BatchControlItem>,
}

/// The result of one batch item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlResult {
    /// The device as asked.
    pub device: String,
    /// HTTP status the single request would have answered (201, 200, 202, 404, 409, 422 …).
    pub status: u16,
    /// Machine-readable code of a refusal.
    pub code: Option<String>,
    /// What went wrong.
    pub message: Option<String>,
    /// The command that carries the request.
    pub command: Option<CommandRef>,
    /// The order of a start.
    pub order: Option<OrderView>,
}

/// Answer of a batch control.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchControlAnswer {
    /// One result per item, in the order asked.
    pub items: Vec<ControlResult>,
}

/// Starts, stops or reboots up to 100 piles; each item succeeds or fails on its own (offline and
/// unknown piles get their own result, the others still go out).
#[utoipa::path(post, path = "/api/third/v1/devices/batch/control", operation_id = "third_devices_batch_control", tag = "third-party",
    request_body = BatchControlBody, security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = BatchControlAnswer), (status = 422, body = crate::error::ErrorBody, description = "invalid_batch")))]
pub async fn batch_control(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<BatchControlBody>,
) -> Result<Json<BatchControlAnswer>, ApiError> {
    p.require(Role::Operator)?;
    batch_len(body.items.len())?;
    let mut items = Vec::with_capacity(body.items.len());
    for item in body.items {
        let device = item.device.clone();
        items.push(match control_one(&state, &p, item).await {
            Ok(done) => done,
            Err(e) => ControlResult {
                device,
                status: e.status.as_u16(),
                code: Some(e.code.to_owned()),
                message: Some(e.message),
                command: None,
                order: None,
            },
        });
    }
    state.commands_wakeup.notify_one();
    Ok(Json(BatchControlAnswer { items }))
}

async fn control_one(state: &AppState, p: &Principal, item: BatchControlItem) -> Result<ControlResult, ApiError> {
    let target = device_ref(&item.device)?;
    let missing = |field: &str| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_charge_request",
            format!("{field}: required for this action"),
        )
    };
    let scope = p.scope();
    let done = |status: u16, command: Option<&Command>, order: Option<OrderView>| ControlResult {
        device: item.device.clone(),
        status,
        code: None,
        message: None,
        command: command.map(CommandRef::from),
        order,
    };
    match item.action {
        BatchAction::Start => {
            let request = start_request(
                item.port.ok_or_else(|| missing("port"))?,
                item.mode.ok_or_else(|| missing("mode"))?,
                item.limit,
                item.order_no.as_deref().ok_or_else(|| missing("order_no"))?,
                item.id_tag.as_deref(),
            )?;
            let started = mgc_platform::start_charge(&state.store, &scope, &target, &request, issuer(state, p)).await?;
            Ok(match &started {
                Started::Created(o, c) => done(201, Some(c), Some(o.into())),
                Started::Existing(o, c) => done(200, c.as_ref(), Some(o.into())),
            })
        }
        BatchAction::Stop => {
            let request = StopCharge {
                port: item.port.ok_or_else(|| missing("port"))?,
                order_no: OrderNo::parse(item.order_no.as_deref().ok_or_else(|| missing("order_no"))?)?,
            };
            let c = mgc_platform::stop_charge(&state.store, &scope, &target, &request, issuer(state, p)).await?;
            Ok(done(if c.created { 202 } else { 200 }, Some(&c.command), None))
        }
        BatchAction::Reboot => {
            let c = mgc_platform::reboot(&state.store, &scope, &target, issuer(state, p)).await?;
            Ok(done(202, Some(&c.command), None))
        }
    }
}
