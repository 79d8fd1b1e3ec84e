//! `/api/third/v1/devices/{id}/history|alarms`: a pile's readings in a time range and its alarms,
//! page by page, as the operator API has them, for a pile in the caller's scope.

use crate::auth::Auth;
use crate::extract::{ApiQuery, ListQuery};
use crate::routes::third_party::device_ref;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_alarms::{Alarm, AlarmFilter, AlarmQueries};
use mgc_iam::Role;
use mgc_kernel::page::PageRequest;
use mgc_telemetry::app::query::point_query;
use mgc_telemetry::domain::repository::{PointRow, TelemetryQueries};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Range and page of `GET /api/third/v1/devices/{id}/history`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// From, RFC 3339 (inclusive).
    pub from: DateTime<Utc>,
    /// To, RFC 3339 (exclusive, after `from`).
    pub to: DateTime<Utc>,
    /// Only this point (e.g. `power_w`).
    pub point: Option<String>,
    /// Items per page (1..=500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One reading of a pile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingView {
    /// Point name.
    pub point: String,
    /// When it was measured.
    pub ts: DateTime<Utc>,
    /// Numeric value (numbers as they are, booleans 1/0; none for text and objects).
    pub value: Option<f64>,
    /// The value as received: `{"type": "number"|"bool"|"text"|"json", "value": …}`.
    #[schema(value_type = crate::routes::telemetry_views::RawValueView)]
    pub raw: serde_json::Value,
}

impl From<PointRow> for ReadingView {
    fn from(r: PointRow) -> Self {
        let raw = serde_json::to_value(&r.value).unwrap_or(serde_json::Value::Null);
        Self { point: r.point, ts: r.ts, value: r.num_value, raw }
    }
}

/// A page of readings, in time order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadingPage {
    /// Readings.
    pub items: Vec<ReadingView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// A pile's readings in `[from, to)`, oldest first, page by page (empty while the pile is
/// linked to no device).
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/history", operation_id = "third_devices_history", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), HistoryQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = ReadingPage), (status = 400, body = crate::error::ErrorBody, description = "invalid_query, invalid_range"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn history(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<ReadingPage>, ApiError> {
    p.require(Role::Viewer)?;
    let cp = mgc_platform::find_device(&state.store, &p.scope(), &device_ref(&id)?).await?;
    let page = ListQuery { limit: q.limit, cursor: None }.page()?;
    let page = PageRequest { cursor: q.cursor, ..page };
    let Some(device) = cp.device_id else {
        return Ok(Json(ReadingPage { items: Vec::new(), next_cursor: None }));
    };
    let query = point_query(device, q.point, q.from, q.to)?;
    let page = state.store.list_points(&p.tenant, &query, &page).await?;
    Ok(Json(ReadingPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}

/// Filters and page of `GET /api/third/v1/devices/{id}/alarms`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeviceAlarmQuery {
    /// `active_unack`, `active_ack`, `cleared_unack`, `cleared_ack`, `active`, `cleared`, `ack`, `unack`.
    #[param(value_type = Option<String>, pattern = "^(active_unack|active_ack|cleared_unack|cleared_ack|active|cleared|ack|unack)$")]
    pub status: Option<String>,
    /// Started at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Started before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Items per page (1..=500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One alarm of a pile.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceAlarmView {
    /// Alarm id.
    pub id: String,
    /// Rule that raised it.
    pub rule_id: String,
    /// `critical`, `major`, `minor`, `warning` or `info`.
    pub severity: String,
    /// `active_unack`, `active_ack`, `cleared_unack` or `cleared_ack`.
    pub status: String,
    /// When the condition started to hold.
    pub started_at: DateTime<Utc>,
    /// Last time it was seen holding.
    pub ended_at: DateTime<Utc>,
    /// When it was cleared.
    pub cleared_at: Option<DateTime<Utc>>,
    /// Rendered message.
    pub message: String,
    /// Triggering point.
    pub point: Option<String>,
    /// Last triggering value.
    pub last_value: Option<f64>,
    /// Times the condition was seen holding.
    pub count: i64,
}

impl From<Alarm> for DeviceAlarmView {
    fn from(a: Alarm) -> Self {
        Self {
            id: a.id.to_string(),
            rule_id: a.rule_id.to_string(),
            severity: a.severity.as_str().to_owned(),
            status: a.status().to_owned(),
            started_at: a.started_at,
            ended_at: a.ended_at,
            cleared_at: a.cleared_at,
            message: a.message,
            point: a.point,
            last_value: a.last_value,
            count: a.count,
        }
    }
}

/// A page of alarms, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceAlarmPage {
    /// Alarms.
    pub items: Vec<DeviceAlarmView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// A pile's alarms, newest first (empty while the pile is linked to no device).
#[utoipa::path(get, path = "/api/third/v1/devices/{id}/alarms", operation_id = "third_devices_alarms", tag = "third-party",
    params(("id" = String, Path, description = "charge point id or protocol identity"), DeviceAlarmQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = DeviceAlarmPage), (status = 400, body = crate::error::ErrorBody, description = "invalid_query"),
        (status = 404, body = crate::error::ErrorBody, description = "unknown_device")))]
pub async fn alarms(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DeviceAlarmQuery>,
) -> Result<Json<DeviceAlarmPage>, ApiError> {
    p.require(Role::Viewer)?;
    let cp = mgc_platform::find_device(&state.store, &p.scope(), &device_ref(&id)?).await?;
    if let Some(s) = q.status.as_deref().filter(|s| !mgc_alarms::domain::alarm::is_status(s)) {
        return Err(ApiError::bad_request("invalid_query", format!("status: unknown alarm status '{s}'")));
    }
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let Some(device_id) = cp.device_id else {
        return Ok(Json(DeviceAlarmPage { items: Vec::new(), next_cursor: None }));
    };
    let filter =
        AlarmFilter { status: q.status, device_id: Some(device_id), from: q.from, to: q.to, ..AlarmFilter::default() };
    let page = state.store.list_alarms(&p.scope(), &filter, &page).await?;
    Ok(Json(DeviceAlarmPage { items: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor }))
}
