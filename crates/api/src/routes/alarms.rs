//! `/api/v1/alarms`: list with filters, one alarm with its history, ack, clear, assign.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_alarms::{Alarm, AlarmFilter, AlarmId, AlarmQueries, HistoryEntry, Severity};
use mgc_iam::{Principal, Role};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{DeviceId, StationId};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

/// Filters of `GET /api/v1/alarms`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlarmListQuery {
    /// `active_unack`, `active_ack`, `cleared_unack`, `cleared_ack`, `active`, `cleared`, `ack`, `unack`.
    pub status: Option<String>,
    /// `critical`, `major`, `minor`, `warning`, `info`.
    pub severity: Option<String>,
    /// Station id.
    pub station_id: Option<String>,
    /// Device id.
    pub device_id: Option<String>,
    /// Rule id.
    pub rule_id: Option<String>,
    /// Started at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Started before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// An alarm with its status and history.
#[derive(Debug, Serialize)]
pub struct AlarmView {
    /// The alarm.
    #[serde(flatten)]
    pub alarm: Alarm,
    /// `active_unack`, `active_ack`, `cleared_unack`, `cleared_ack`.
    pub status: &'static str,
    /// Every state change, oldest first (single-alarm reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

fn view(alarm: Alarm, history: Option<Vec<HistoryEntry>>) -> AlarmView {
    AlarmView { status: alarm.status(), alarm, history }
}

fn bad(field: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid_query", format!("{field}: {e}"))
}

/// Lists alarms, newest first.
#[utoipa::path(get, path = "/api/v1/alarms", operation_id = "alarms_list", tag = "alarms", params(AlarmListQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_views::AlarmPage, description = "a page of alarms"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<AlarmListQuery>,
) -> Result<Json<Page<AlarmView>>, ApiError> {
    if let Some(s) = q.status.as_deref().filter(|s| !mgc_alarms::domain::alarm::is_status(s)) {
        return Err(bad("status", format!("unknown alarm status '{s}'")));
    }
    let filter = AlarmFilter {
        status: q.status,
        severity: q.severity.as_deref().map(str::parse::<Severity>).transpose().map_err(|e| bad("severity", e))?,
        station_id: q
            .station_id
            .as_deref()
            .map(str::parse::<StationId>)
            .transpose()
            .map_err(|e| bad("station_id", e))?,
        device_id: q.device_id.as_deref().map(str::parse::<DeviceId>).transpose().map_err(|e| bad("device_id", e))?,
        rule_id: q.rule_id.as_deref().map(str::parse).transpose().map_err(|e| bad("rule_id", e))?,
        from: q.from,
        to: q.to,
    };
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| bad("limit", m))?;
    let alarms = state.store.list_alarms(&p.scope(), &filter, &page).await?;
    Ok(Json(alarms.map(|a| view(a, None))))
}

async fn visible(state: &AppState, p: &Principal, raw: &str) -> Result<Alarm, ApiError> {
    let id: AlarmId = parse_id(raw, "alarm")?;
    Ok(state.store.get_alarm(&p.scope(), id).await?)
}

/// One alarm with its history.
#[utoipa::path(get, path = "/api/v1/alarms/{id}", operation_id = "alarms_get", tag = "alarms", params(("id" = String, Path, description = "alarm id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_views::AlarmViewBody, description = "the alarm and its history"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<AlarmView>, ApiError> {
    let alarm = visible(&state, &p, &id).await?;
    let history = state.store.alarm_history(&p.tenant, alarm.id).await?;
    Ok(Json(view(alarm, Some(history))))
}

/// Body of ack and clear (optional: no body, or a blank one, is no comment).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// Operator comment: null or blank (white space only) is none; else at most 2000 characters
    /// (`mgc_alarms::domain::comment::MAX_COMMENT_CHARS`) with no control character but tab and
    /// line breaks.
    #[schema(
        pattern = "^([\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*|[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]{0,2000})$"
    )]
    pub comment: Option<String>,
}

/// Body of assign.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// User to assign to (`null`, absent or blank unassigns); text without NUL.
    #[serde(default)]
    #[schema(pattern = "^[^\\u0000]*$")]
    pub assignee: Option<String>,
}

/// An optional `{comment}` body (empty means no comment), validated by the alarms domain.
fn comment_of(body: &[u8]) -> Result<Option<String>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    crate::extract::reject_nul(body)?;
    crate::extract::reject_non_object(body)?;
    let parsed: CommentBody = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", format!("body: {e}"))
    })?;
    let comment = mgc_alarms::domain::comment::OperatorComment::parse(parsed.comment)
        .map_err(|e| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()))?;
    Ok(comment.map(mgc_alarms::domain::comment::OperatorComment::into_inner))
}

/// Acknowledges an alarm (409 when it already is).
#[utoipa::path(post, path = "/api/v1/alarms/{id}/ack", operation_id = "alarms_ack", tag = "alarms", params(("id" = String, Path, description = "alarm id")),
    request_body(content = Option<CommentBody>, description = "an optional operator comment"), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::alarm_views::AlarmViewBody, description = "the alarm"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn ack(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<AlarmView>, ApiError> {
    p.require(Role::Operator)?;
    let alarm = visible(&state, &p, &id).await?;
    let comment = comment_of(&body)?;
    let tx = state.store.begin().await?;
    let alarm = mgc_alarms::acknowledge(tx, &p.tenant, alarm.id, &p.subject, comment, state.clock.now()).await?;
    Ok(Json(view(alarm, None)))
}

/// Clears an alarm (409 when it already is).
#[utoipa::path(post, path = "/api/v1/alarms/{id}/clear", operation_id = "alarms_clear", tag = "alarms", params(("id" = String, Path, description = "alarm id")),
    request_body(content = Option<CommentBody>, description = "an optional operator comment"), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::alarm_views::AlarmViewBody, description = "the alarm"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn clear(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<AlarmView>, ApiError> {
    p.require(Role::Operator)?;
    let alarm = visible(&state, &p, &id).await?;
    let comment = comment_of(&body)?;
    let tx = state.store.begin().await?;
    let alarm = mgc_alarms::clear_by_operator(tx, &p.tenant, alarm.id, &p.subject, comment, state.clock.now()).await?;
    Ok(Json(view(alarm, None)))
}

/// Assigns an alarm to a user.
#[utoipa::path(post, path = "/api/v1/alarms/{id}/assign", operation_id = "alarms_assign", tag = "alarms", params(("id" = String, Path, description = "alarm id")),
    request_body = AssignBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::alarm_views::AlarmViewBody, description = "the alarm"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<AlarmView>, ApiError> {
    p.require(Role::Operator)?;
    let alarm = visible(&state, &p, &id).await?;
    let assignee = body.assignee.filter(|a| !a.trim().is_empty());
    let tx = state.store.begin().await?;
    let alarm = mgc_alarms::assign(tx, &p.tenant, alarm.id, assignee, &p.subject, state.clock.now()).await?;
    Ok(Json(view(alarm, None)))
}
