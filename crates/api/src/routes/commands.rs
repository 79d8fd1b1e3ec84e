//! `/api/v1/commands`: issue (idempotent), list, get, cancel.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery};
use crate::routes::masterdata::visible_station;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_commands::{
    Command, CommandError, CommandFilter, CommandId, CommandQueries, CommandState, IssueRequest, Issued,
};
use mgc_contracts::CommandOrigin;
use mgc_iam::{Principal, Role};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, StationId};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        let status = match &e {
            CommandError::Invalid { .. } | CommandError::UnknownDevice(_) | CommandError::NotControllable(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            CommandError::IdempotencyConflict(_)
            | CommandError::NotCancellable { .. }
            | CommandError::IllegalTransition { .. } => StatusCode::CONFLICT,
            CommandError::NotFound(_) | CommandError::UnknownRpcId(_) => StatusCode::NOT_FOUND,
            CommandError::EarlyUpdatesFull(..) => StatusCode::TOO_MANY_REQUESTS,
            CommandError::Repo(r) => return ApiError::from(r.clone()),
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// Body of `POST /api/v1/commands`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// Target device id.
    pub device_id: String,
    /// RPC method (1..=100 characters).
    #[schema(
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub method: String,
    /// RPC parameters: a JSON object, or absent.
    #[schema(value_type = Option<Object>)]
    pub params: Option<serde_json::Value>,
    /// Seconds the command may take (1..=`commands.max_timeout_s`, 3600 unless configured;
    /// default `commands.default_timeout_s`).
    #[schema(minimum = 1, maximum = 3600)]
    #[serde(default, deserialize_with = "crate::whole_number::opt_whole")]
    pub timeout_s: Option<u32>,
    /// Same key within 24 h returns the existing command (also accepted as `Idempotency-Key`
    /// header): 1..=200 characters, not blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub idempotency_key: Option<String>,
    /// When the device (an OCPP charge point) is not connected, wait for it until the deadline
    /// (retrying with backoff) instead of failing at once; default false.
    #[serde(default)]
    pub queue_until_online: bool,
}

/// Filters of `GET /api/v1/commands`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommandListQuery {
    /// Device id.
    pub device_id: Option<String>,
    /// Station id.
    pub station_id: Option<String>,
    /// `pending`, `sent`, `delivered`, `succeeded`, `failed`, `timed_out`, `expired`, `cancelled`.
    pub state: Option<String>,
    /// RPC method, exact (`Reset`, `GetConfiguration`, ...; 1..=100 characters).
    #[param(min_length = 1, max_length = 100)]
    pub method: Option<String>,
    /// Issued at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Issued before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

fn bad(field: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid_query", format!("{field}: {e}"))
}

fn wakeup(state: &AppState) {
    state.commands_wakeup.notify_one();
}

/// Issues a command to a device (201), or returns the command already issued under the same
/// idempotency key within 24 h (200).
#[utoipa::path(post, path = "/api/v1/commands", operation_id = "commands_issue", tag = "commands", request_body = IssueBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "idempotency key (or in the body)")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = crate::routes::command_views::CommandView, description = "the new command with its transitions"), (status = 200, body = crate::routes::command_views::CommandView, description = "the existing command of this idempotency key"),
        (status = 409, body = crate::error::ErrorBody, description = "idempotency_key_reused"),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_command (the message names the field: `method` for an action the device's protocol does not have, `params.<path>` for parameters that do not validate), unknown_device, device_not_controllable")))]
pub async fn issue(
    State(state): State<AppState>,
    Auth(p): Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IssueBody>,
) -> Result<(StatusCode, Json<Command>), ApiError> {
    p.require(Role::Operator)?;
    let device_id: DeviceId = body.device_id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_command",
            format!("device_id: '{}' is not a valid device id", body.device_id),
        )
    })?;
    let invalid_key = |m: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_command", m.to_owned());
    let header_key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => {
            Some(v.to_str().map_err(|_| invalid_key("Idempotency-Key header: must be printable ASCII"))?.to_owned())
        }
    };
    if let (Some(h), Some(b)) = (&header_key, &body.idempotency_key) {
        if h != b {
            return Err(invalid_key("idempotency_key: the body and the Idempotency-Key header differ; give one"));
        }
    }
    let req = IssueRequest {
        device_id,
        method: body.method,
        params: body.params,
        timeout_s: body.timeout_s,
        idempotency_key: body.idempotency_key.or(header_key),
        queue_until_online: body.queue_until_online,
        origin: CommandOrigin::Api { subject: p.subject.clone() },
    };
    let issued = mgc_commands::issue_committed(
        &state.store,
        &p.scope(),
        req,
        &state.config.commands,
        &state.adapters,
        state.clock.now(),
    )
    .await?;
    match issued {
        Issued::Created(command) => {
            wakeup(&state);
            Ok((StatusCode::CREATED, Json(command)))
        }
        Issued::Existing(command) => {
            visible_station(&p, command.station_id)
                .map_err(|_| ApiError::not_found(format!("command {} not found", command.id)))?;
            Ok((StatusCode::OK, Json(command)))
        }
    }
}

/// Lists commands, newest first, with their transitions.
#[utoipa::path(get, path = "/api/v1/commands", operation_id = "commands_list", tag = "commands", params(CommandListQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::command_views::CommandPage, description = "a page of commands"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CommandListQuery>,
) -> Result<Json<Page<Command>>, ApiError> {
    let filter = CommandFilter {
        device_id: q.device_id.as_deref().map(str::parse::<DeviceId>).transpose().map_err(|e| bad("device_id", e))?,
        station_id: q
            .station_id
            .as_deref()
            .map(str::parse::<StationId>)
            .transpose()
            .map_err(|e| bad("station_id", e))?,
        state: q.state.as_deref().map(str::parse::<CommandState>).transpose().map_err(|e| bad("state", e))?,
        method: match q.method {
            Some(m) if m.is_empty() || m.chars().count() > 100 => {
                return Err(bad("method", "must be 1..=100 characters"));
            }
            m => m,
        },
        from: q.from,
        to: q.to,
    };
    // The cursors this list hands out are positive sequence numbers.
    if let Some(c) = q.cursor.as_deref().filter(|c| c.parse::<i64>().map_or(true, |n| n < 1)) {
        return Err(ApiError::bad_request("invalid_query", format!("cursor '{c}' is not one this service returned")));
    }
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| bad("limit", m))?;
    Ok(Json(state.store.list_commands(&p.scope(), &filter, &page).await?))
}

async fn visible(state: &AppState, p: &Principal, raw: &str) -> Result<Command, ApiError> {
    let id: CommandId = parse_id(raw, "command")?;
    let not_found = || ApiError::not_found(format!("command {id} not found"));
    state.store.get_command(&p.scope(), id).await?.ok_or_else(not_found)
}

/// One command with its transitions.
#[utoipa::path(get, path = "/api/v1/commands/{id}", operation_id = "commands_get", tag = "commands", params(("id" = String, Path, description = "command id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::command_views::CommandView, description = "the command"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Command>, ApiError> {
    Ok(Json(visible(&state, &p, &id).await?))
}

/// Cancels a pending command (409 `command_not_cancellable` once it is being sent or later).
#[utoipa::path(post, path = "/api/v1/commands/{id}/cancel", operation_id = "commands_cancel", tag = "commands", params(("id" = String, Path, description = "command id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::command_views::CommandView, description = "the cancelled command"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Command>, ApiError> {
    p.require(Role::Operator)?;
    let command = visible(&state, &p, &id).await?;
    let tx = state.store.begin().await?;
    let cancelled = mgc_commands::cancel(tx, &p.tenant, command.id, &p.subject, state.clock.now()).await?;
    Ok(Json(cancelled))
}
