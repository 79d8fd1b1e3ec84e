//! `GET /api/v1/telemetry`, `/api/v1/telemetry/latest`, `/api/v1/telemetry/unrouted`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery, ListQuery};
use crate::routes::telemetry_views::{BucketView, PointRowView, UnroutedPointView};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::Role;
use mgc_kernel::{DeviceId, StationId};
use mgc_masterdata::MasterdataQueries;
use mgc_telemetry::app::query::{buckets, point_query, Bucketing};
use mgc_telemetry::domain::aggregate::Bucket;
use mgc_telemetry::domain::repository::{PointRow, TelemetryQueries};
use mgc_telemetry::domain::stored::UnroutedPoint;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filter of the raw telemetry query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TelemetryFilter {
    /// Device.
    pub device_id: String,
    /// Only this point.
    pub point: Option<String>,
    /// From, RFC 3339 (inclusive).
    pub from: DateTime<Utc>,
    /// To, RFC 3339 (exclusive).
    pub to: DateTime<Utc>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
    /// Bucket size in the station's time zone: `1m`…`30m` (divisors of an hour), `1h`, `1d`, `1mo`.
    pub interval: Option<String>,
    /// With `interval`: `avg` (default), `min`, `max`, `sum`, `count`, `last`.
    pub agg: Option<String>,
}

/// Station of the latest-values query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LatestFilter {
    /// Station.
    pub station_id: String,
}

/// One page of points.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointPage {
    /// Points in time order.
    #[schema(value_type = Vec<PointRowView>)]
    pub items: Vec<PointRow>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Bucketed values of a device, in the station's time zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketPage {
    /// IANA zone the buckets follow.
    pub time_zone: String,
    /// Buckets by point, then time: `point`, `start`, `end`, `value`, `samples`.
    #[schema(value_type = Vec<BucketView>)]
    pub items: Vec<Bucket>,
}

/// One page of quarantined points.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnroutedPage {
    /// Points, newest first.
    #[schema(value_type = Vec<UnroutedPointView>)]
    pub items: Vec<UnroutedPoint>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// What `GET /api/v1/telemetry` answers: raw points, or buckets with `interval`.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum PointsOrBuckets {
    /// Without `interval`.
    Points(PointPage),
    /// With `interval`.
    Buckets(BucketPage),
}

/// Raw points of one device in a time range, or with `interval` (+ `agg`) buckets in the station's time zone.
#[utoipa::path(get, path = "/api/v1/telemetry", operation_id = "telemetry_raw", tag = "telemetry", params(TelemetryFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = PointsOrBuckets, description = "raw points, or a BucketPage with interval"), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn raw(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<TelemetryFilter>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let device_id: DeviceId = parse_id(&f.device_id, "device")?;
    let q = point_query(device_id, f.point, f.from, f.to)?;
    let device = state.store.get_device(&p.scope(), device_id).await?;
    if let Some(by) = Bucketing::parse(f.interval.as_deref(), f.agg.as_deref())? {
        let station = state.store.get_station(&p.scope(), device.station_id).await?;
        let items = buckets(&state.store, &p.tenant, &q, &station.time_zone, by).await?;
        return Ok(Json(BucketPage { time_zone: station.time_zone.name().to_owned(), items }).into_response());
    }
    let page = ListQuery { limit: f.limit, cursor: None }.page()?;
    let page = mgc_kernel::page::PageRequest { cursor: f.cursor, ..page };
    let page = state.store.list_points(&p.tenant, &q, &page).await?;
    Ok(Json(PointPage { items: page.items, next_cursor: page.next_cursor }).into_response())
}

/// Latest value of every point of a station's devices.
#[utoipa::path(get, path = "/api/v1/telemetry/latest", operation_id = "telemetry_latest", tag = "telemetry", params(LatestFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<PointRowView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn latest(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<LatestFilter>,
) -> Result<Json<Vec<PointRow>>, ApiError> {
    p.require(Role::Viewer)?;
    let station: StationId = parse_id(&f.station_id, "station")?;
    state.store.get_station(&p.scope(), station).await?;
    Ok(Json(state.store.latest_for_station(&p.tenant, station).await?))
}

/// Points of unknown devices, waiting for their device to be provisioned.
#[utoipa::path(get, path = "/api/v1/telemetry/unrouted", operation_id = "telemetry_unrouted", tag = "telemetry", params(ListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = UnroutedPage)))]
pub async fn unrouted(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<UnroutedPage>, ApiError> {
    p.require(Role::Operator)?;
    let page = state.store.list_unrouted(&p.tenant, &q.page()?).await?;
    Ok(Json(UnroutedPage { items: page.items, next_cursor: page.next_cursor }))
}
