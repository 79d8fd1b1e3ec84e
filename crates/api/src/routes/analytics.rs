//! `GET /api/v1/stats`, `POST /api/v1/analytics/window-close`, `POST /api/v1/analytics/recompute`,
//! `GET /api/v1/jobs/{id}`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery};
use crate::routes::masterdata::visible_station;
use crate::routes::stats_columns::StatsColumns;
use crate::stats_cache::StatsKey;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use mgc_analytics::app::close::{close_range_now, CloseError, CloseRequest};
use mgc_analytics::app::recompute::{queue_recompute, RecomputeParams};
use mgc_analytics::app::windows::SaveReport;
use mgc_analytics::domain::repository::{Job, StatsQuery};
use mgc_analytics::domain::statistic::{PointStat, StationStat};
use mgc_analytics::AnalyticsQueries;
use mgc_iam::Role;
use mgc_kernel::{DeviceId, Granularity, JobId, StationId, Window};
use mgc_masterdata::MasterdataQueries;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filter of `GET /api/v1/stats`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsFilter {
    /// Station.
    pub station_id: String,
    /// `hour`, `day`, `month` or `year` (windows of the station's time zone).
    pub granularity: String,
    /// Windows starting at or after this instant (RFC 3339).
    pub from: DateTime<Utc>,
    /// Windows starting before this instant (RFC 3339).
    pub to: DateTime<Utc>,
    /// Device point statistics of this device instead of station flows.
    pub device_id: Option<String>,
    /// Device point statistics of this semantic point instead of station flows.
    pub point: Option<String>,
    /// `all` to list every version, not only the current ones.
    pub versions: Option<String>,
    /// `json` (default: an object per window in `items`) or `compact` (station windows as column
    /// arrays in `columns`: the same numbers without repeated keys; not with `device_id`/`point`).
    pub format: Option<String>,
}

/// Statistics of a station (flows) or of its device points.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsPage {
    /// Station.
    #[schema(value_type = String, format = Uuid)]
    pub station_id: StationId,
    /// IANA zone of the windows.
    pub time_zone: String,
    /// Window size.
    #[schema(value_type = crate::routes::analytics_views::GranularityName)]
    pub granularity: Granularity,
    /// Station windows (when neither device nor point was asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<crate::routes::analytics_views::StationStatView>, required = false)]
    pub items: Option<Vec<StationStat>>,
    /// Device point windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<crate::routes::analytics_views::PointStatView>, required = false)]
    pub points: Option<Vec<PointStat>>,
    /// Station windows as column arrays (`format=compact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<StatsColumns>,
}

/// Longest range one stats query may span, per granularity.
fn max_span(g: Granularity) -> Duration {
    match g {
        Granularity::Hour => Duration::days(367),
        Granularity::Day => Duration::days(3 * 367),
        Granularity::Month | Granularity::Year => Duration::days(50 * 367),
    }
}

/// Energy statistics from the read model.
#[utoipa::path(get, path = "/api/v1/stats", operation_id = "stats_get", tag = "analytics", params(StatsFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StatsPage), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<StatsFilter>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let station_id: StationId = parse_id(&f.station_id, "station")?;
    visible_station(&p, station_id)?;
    let granularity: Granularity = f
        .granularity
        .parse()
        .map_err(|e: mgc_kernel::KernelError| ApiError::bad_request("invalid_query", e.to_string()))?;
    if f.from >= f.to {
        return Err(ApiError::bad_request("invalid_query", "'from' must be before 'to'"));
    }
    if f.to - f.from > max_span(granularity) {
        return Err(ApiError::bad_request(
            "range_too_long",
            format!("a {granularity} query spans at most {} days", max_span(granularity).num_days()),
        ));
    }
    let all_versions = match f.versions.as_deref() {
        None | Some("current") => false,
        Some("all") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("versions must be 'current' or 'all', not '{other}'"),
            ))
        }
    };
    let compact = match f.format.as_deref() {
        None | Some("json") => false,
        Some("compact") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("format must be 'json' or 'compact', not '{other}'"),
            ))
        }
    };
    if compact && (f.device_id.is_some() || f.point.is_some()) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "format=compact lists station windows; leave out device_id and point",
        ));
    }
    let station = state.store.get_station(&p.scope(), station_id).await?;
    let device = f.device_id.as_deref().map(|d| parse_id::<DeviceId>(d, "device")).transpose()?;
    let q = StatsQuery {
        station: station_id,
        granularity,
        range: Window { start: f.from, end: f.to },
        device,
        point: f.point.clone(),
        all_versions,
    };
    let key = StatsKey::of(&p.tenant, &q, station.time_zone.name(), compact);
    let revision = state.stats_cache.revision(&state.store, &p.tenant, station_id).await?;
    if let Some(cached) = state.stats_cache.get(&key, revision) {
        return Ok(cached);
    }
    let (items, points, columns) = if device.is_some() || f.point.is_some() {
        (None, Some(state.store.point_stats(&p.tenant, &q).await?), None)
    } else if compact {
        (None, None, Some(StatsColumns::of(state.store.station_stats(&p.tenant, &q).await?)))
    } else {
        (Some(state.store.station_stats(&p.tenant, &q).await?), None, None)
    };
    let time_zone = station.time_zone.name().to_owned();
    let rows = items.as_ref().map_or(0, Vec::len) + points.as_ref().map_or(0, Vec::len);
    let rows = rows + columns.as_ref().map_or(0, |c| c.period.len());
    let body = page_json(&StatsPage { station_id, time_zone, granularity, items, points, columns }, rows)?;
    Ok(state.stats_cache.keep(key, revision, body))
}

/// The page as JSON in a buffer sized for it up front: a year of hours is megabytes, which a
/// small buffer growing by doubling would copy over and over.
fn page_json(page: &StatsPage, rows: usize) -> Result<Vec<u8>, ApiError> {
    let per_row = if page.columns.is_some() { 160 } else { 400 };
    let mut buf = Vec::with_capacity(256 + rows * per_row);
    serde_json::to_writer(&mut buf, page).map_err(|e| {
        tracing::error!(error = %e, "stats page not serializable");
        ApiError::internal()
    })?;
    Ok(buf)
}

/// Body of `POST /api/v1/analytics/window-close`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowCloseRequest {
    /// Station.
    pub station_id: String,
    /// Start of the range (RFC 3339).
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339).
    pub to: DateTime<Utc>,
    /// Also recompute hours already closed (a new version only where a figure changes).
    #[serde(default)]
    pub recalculate: bool,
}

pub(crate) fn close_error(e: CloseError) -> ApiError {
    match e {
        CloseError::StationNotFound(id) => ApiError::not_found(format!("station {id} not found")),
        CloseError::EmptyRange { .. } | CloseError::NothingEnded { .. } | CloseError::RangeTooLong { .. } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string())
        }
        CloseError::Repo(e) => e.into(),
    }
}

/// A manual close longer than allowed also says where long ranges go.
fn window_close_error(e: CloseError) -> ApiError {
    match e {
        CloseError::RangeTooLong { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code(),
            format!("{e}; use POST /api/v1/analytics/recompute for long ranges"),
        ),
        other => close_error(other),
    }
}

/// Closes (or recomputes) the ended hours of a range now, cascading to days, months, years.
#[utoipa::path(post, path = "/api/v1/analytics/window-close", operation_id = "analytics_window_close", tag = "analytics", request_body = WindowCloseRequest,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::analytics_views::SaveReportView, description = "versions saved per granularity"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn window_close(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<WindowCloseRequest>,
) -> Result<Json<SaveReport>, ApiError> {
    p.require(Role::Admin)?;
    let station_id: StationId = parse_id(&body.station_id, "station")?;
    let station = state.store.get_station(&p.scope(), station_id).await?;
    let now = state.clock.now();
    let req = CloseRequest {
        station: station_id,
        tz: station.time_zone,
        from: body.from,
        to: body.to,
        recalculate: body.recalculate,
    };
    let report = close_range_now(state.store.begin().await?, &p.tenant, req, now, &state.config.analytics)
        .await
        .map_err(window_close_error)?;
    Ok(Json(report))
}

/// Body of `POST /api/v1/analytics/recompute`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecomputeRequest {
    /// Station.
    pub station_id: String,
    /// Start of the range (RFC 3339).
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339).
    pub to: DateTime<Utc>,
}

/// Queues a recompute of every ended hour of a range; follow it at `GET /api/v1/jobs/{id}`.
#[utoipa::path(post, path = "/api/v1/analytics/recompute", operation_id = "analytics_recompute", tag = "analytics", request_body = RecomputeRequest,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::analytics_views::JobView, description = "the queued job"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn recompute(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<RecomputeRequest>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    p.require(Role::Admin)?;
    let station_id: StationId = parse_id(&body.station_id, "station")?;
    let station = state.store.get_station(&p.scope(), station_id).await?;
    let params = RecomputeParams { station_id, time_zone: station.time_zone, from: body.from, to: body.to };
    let job = queue_recompute(&state.store, &p.tenant, params, &p.subject, state.clock.now(), &state.config.analytics)
        .await
        .map_err(close_error)?;
    state.jobs_wakeup.notify_one();
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A job's state and progress.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", operation_id = "jobs_get", tag = "analytics", params(("id" = String, Path, description = "job id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::analytics_views::JobView, description = "the job"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn job(State(state): State<AppState>, Auth(p): Auth, Path(id): Path<String>) -> Result<Json<Job>, ApiError> {
    p.require(Role::Viewer)?;
    let id: JobId = parse_id(&id, "job")?;
    let not_found = || ApiError::not_found(format!("job {id} not found"));
    let job = state.store.job(&p.tenant, id).await?.ok_or_else(not_found)?;
    // Jobs of one station (recompute, shadow run) follow the caller's station scope.
    let station = job.params.get("station_id").and_then(|v| v.as_str()).and_then(|s| s.parse::<StationId>().ok());
    if station.is_some_and(|s| !p.may_see_station(s)) {
        return Err(not_found());
    }
    Ok(Json(job))
}
