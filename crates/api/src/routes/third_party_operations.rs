//! `/api/third/v1/devices/{id}/params|params/read|firmware`: a platform reads and changes a pile's
//! configuration and has it update its firmware. `GET …/params` only reads what the pile last
//! answered (no command); the others answer 202 with the command they issue, and the pile's answer
//! (OCPP `configurationKey`/`unknownKey`, or `status`) is the command's `response` at
//! `GET /api/third/v1/devices/{id}/logs`. Piles whose protocol has no such operation (AP3000) are
//! refused with 422 `not_supported_by_protocol`.

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiQuery, OptionalJson};
use crate::routes::third_party::{device_ref, issuer, CommandRef};
use crate::routes::third_party_params_views::{PileConfigurationView, ReadParamsBody, MAX_READ_KEYS};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::{Principal, Role};
use mgc_platform::DeviceOperation;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Keys of `GET /api/third/v1/devices/{id}/params`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ParamsQuery {
    /// Comma-separated configuration keys to show (each 1–50 printable characters, compared
    /// without case); none: every key of the last read.
    #[param(max_length = 2000, pattern = "^[ -+\\--~]{1,50}(,[ -+\\--~]{1,50})*$")]
    pub keys: Option<String>,
}

/// Body of `POST /api/third/v1/devices/{id}/params`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetParamBody {
    /// Configuration key (1–50 printable ASCII characters, e.g. `HeartbeatInterval`).
    #[schema(min_length = 1, max_length = 50, pattern = "^[ -~]{1,50}$")]
    pub key: String,
    /// Its new value (up to 500 printable ASCII characters).
    #[schema(max_length = 500, pattern = "^[ -~]{0,500}$")]
    pub value: String,
}

/// Body of `POST /api/third/v1/devices/{id}/firmware`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirmwareBody {
    /// Where the pile downloads the firmware (an absolute URI, up to 512 characters).
    #[schema(min_length = 1, max_length = 512, format = "uri")]
    pub location: String,
    /// Not before this time (RFC 3339).
    pub retrieve_at: DateTime<Utc>,
    /// Download attempts.
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_u32_field")]
    pub retries: Option<u32>,
    /// Seconds between attempts.
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_u32_field")]
    pub retry_interval_s: Option<u32>,
}

fn invalid(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_charge_request", format!("{field}: {message}"))
}

fn printable(field: &str, text: &str, min: usize, max: usize) -> Result<(), ApiError> {
    if text.len() < min || text.len() > max || !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return Err(invalid(field, format!("{min} to {max} printable ASCII characters, got '{text}'")));
    }
    Ok(())
}

async fn send(
    state: &AppState,
    p: &Principal,
    id: &str,
    op: DeviceOperation,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    let device = device_ref(id)?;
    let controls = mgc_platform::operate(&state.store, &p.scope(), &device, &op, issuer(state, p)).await?;
    state.commands_wakeup.notify_one();
    Ok((StatusCode::ACCEPTED, Json(CommandRef::from(&controls.command))))
}

/// `?keys=` checked: each 1–50 printable ASCII characters.
fn key_list(keys: Option<&str>) -> Result<Vec<String>, ApiError> {
    let keys: Vec<String> = keys.map(|k| k.split(',').map(str::to_owned).collect()).unwrap_or_default();
    for key in &keys {
        printable("keys", key, 1, 50)?;
    }
    Ok(keys)
}

/// The pile's configuration as last read, without asking the pile anything: the answer of its
/// newest succeeded GetConfiguration command (`POST …/params/read` issues one), its keys
/// narrowed to `?keys=` (compared without case); never read: `command_id` and `read_at` null,
/// empty lists.
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/params", operation_id = "third_device_params_get", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), ParamsQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = PileConfigurationView, description = "the configuration as last read (null ids and empty lists: never read)"),
        (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 422, body = crate::error::ErrorBody, description = "not_supported_by_protocol, invalid_charge_request")))]
pub async fn read_params(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ParamsQuery>,
) -> Result<Json<PileConfigurationView>, ApiError> {
    p.require(Role::Viewer)?;
    let keys = key_list(q.keys.as_deref())?;
    let found = mgc_platform::last_configuration(&state.store, &p.scope(), &device_ref(&id)?, &keys).await?;
    Ok(Json(found.into()))
}

/// Asks the pile for its configuration (OCPP GetConfiguration): 202 with the command; once it
/// succeeded, `GET …/params` shows the answer (and `/logs` the command's `response`).
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/params/read", operation_id = "third_device_params_read", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), request_body = Option<ReadParamsBody>,
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 202, body = CommandRef, description = "GetConfiguration issued"), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 409, body = crate::error::ErrorBody, description = "device_not_linked, device_offline"),
        (status = 422, body = crate::error::ErrorBody, description = "not_supported_by_protocol, invalid_charge_request, invalid_command")))]
pub async fn fresh_read(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<ReadParamsBody>,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    p.require(Role::Operator)?;
    if body.keys.len() > MAX_READ_KEYS {
        return Err(invalid("keys", format!("at most {MAX_READ_KEYS} keys, got {}", body.keys.len())));
    }
    for key in &body.keys {
        printable("keys", key, 1, 50)?;
    }
    send(&state, &p, &id, DeviceOperation::ReadParams { keys: body.keys }).await
}

/// Changes one configuration key (OCPP ChangeConfiguration): 202 with the command; the pile's
/// `status` (`Accepted`, `RebootRequired`, `Rejected`, `NotSupported`) decides its outcome.
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/params", operation_id = "third_device_params_set", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), request_body = SetParamBody,
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 202, body = CommandRef, description = "ChangeConfiguration issued"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 409, body = crate::error::ErrorBody, description = "device_not_linked, device_offline"),
        (status = 422, body = crate::error::ErrorBody, description = "not_supported_by_protocol, invalid_charge_request, invalid_command")))]
pub async fn set_param(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SetParamBody>,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    p.require(Role::Operator)?;
    printable("key", &body.key, 1, 50)?;
    printable("value", &body.value, 0, 500)?;
    send(&state, &p, &id, DeviceOperation::SetParam { key: body.key, value: body.value }).await
}

/// Has the pile download and install firmware (OCPP UpdateFirmware): 202 with the command.
#[utoipa::path(post, path = "/api/third/v1/devices/{id}/firmware", operation_id = "third_device_firmware", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity")), request_body = FirmwareBody,
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 202, body = CommandRef, description = "UpdateFirmware issued"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device"),
        (status = 409, body = crate::error::ErrorBody, description = "device_not_linked, device_offline"),
        (status = 422, body = crate::error::ErrorBody, description = "not_supported_by_protocol, invalid_charge_request, invalid_command")))]
pub async fn firmware(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<FirmwareBody>,
) -> Result<(StatusCode, Json<CommandRef>), ApiError> {
    p.require(Role::Operator)?;
    if body.location.is_empty() || body.location.len() > 512 {
        return Err(invalid("location", "1 to 512 characters"));
    }
    let op = DeviceOperation::UpdateFirmware {
        location: body.location,
        retrieve_at: body.retrieve_at,
        retries: body.retries,
        retry_interval_s: body.retry_interval_s,
    };
    send(&state, &p, &id, op).await
}
