//! `GET /api/v1/charging-sessions/{id}/timeline` and `GET /api/v1/charge-points/{id}/timeline`
//! (JSON pages) and their `.csv` exports: the charging audit trail, scoped like the charging
//! read side (the session or charge point must be in the caller's tenant and station scope).

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargePointId, SessionId, TimeRange, TimelineEvent, TimelineQueries};
use mgc_iam::Role;
use mgc_kernel::page::{Page, PageRequest, MAX_LIMIT};
use mgc_kernel::{Scope, TenantId};
use mgc_platform::OrderQueries;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Most events one CSV export holds; a longer range continues from the `X-Next-Cursor` header.
pub const CSV_MAX_ROWS: u32 = 10_000;

/// The protocol frame that carried a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameView {
    /// `ocpp1.6j` or `ap3000`.
    pub protocol: String,
    /// The frame's message id (OCPP unique id; AP3000 message id in decimal).
    pub message_id: String,
    /// OCPP action, or AP3000 command as `0x..`.
    pub action: String,
}

/// One step of a charge point's or session's life.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEventView {
    /// Id (events are listed in append order, which is id order).
    pub id: String,
    /// `connected`, `registered`, `disconnected`, `status_changed`, `authorized`, `start_requested`,
    /// `start_accepted`, `start_refused`, `meter_progress`, `stop_requested`, `stopped`,
    /// `settlement_uploaded`, `energy_mismatch`, `session_without_stop` or `negative_meter_delta`.
    pub kind: String,
    /// When (UTC, the CSMS's clock).
    pub at: DateTime<Utc>,
    /// Charge point id.
    pub charge_point_id: String,
    /// Its station when the event was recorded.
    pub station_id: Option<String>,
    /// Connector number, when the step concerns one.
    pub connector: Option<u32>,
    /// Session id, when the step concerns one.
    pub session_id: Option<String>,
    /// The protocol frame, when one carried the step.
    pub frame: Option<FrameView>,
    /// Kind-specific figures (see docs/charging.md, "Timeline").
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<TimelineEvent> for TimelineEventView {
    fn from(e: TimelineEvent) -> Self {
        Self {
            id: e.id.to_string(),
            kind: e.kind.as_str().to_owned(),
            at: e.at,
            charge_point_id: e.charge_point_id.to_string(),
            station_id: e.station_id.map(|s| s.to_string()),
            connector: e.connector,
            session_id: e.session_id.map(|s| s.to_string()),
            frame: e.frame.map(|f| FrameView { protocol: f.protocol, message_id: f.message_id, action: f.action }),
            details: e.details,
        }
    }
}

/// One page of timeline events.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    /// Events in append order.
    pub items: Vec<TimelineEventView>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
    /// A session's timeline: the third-party platform's order number that started the session
    /// (null for a session started otherwise, and for a charge point's timeline).
    #[schema(required = true)]
    pub order_no: Option<String>,
}

/// Time range and page of a timeline.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimelineQuery {
    /// From, RFC 3339 (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// To, RFC 3339 (exclusive); not after `from`: an empty range.
    pub to: Option<DateTime<Utc>>,
    /// Items per page (1..=500, default 50; ignored by the CSV export).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor` (or the CSV's `X-Next-Cursor`).
    pub cursor: Option<String>,
}

impl TimelineQuery {
    fn parts(self) -> Result<(TimeRange, PageRequest), ApiError> {
        let range = TimeRange::new(self.from, self.to)?;
        Ok((range, ListQuery { limit: self.limit, cursor: self.cursor }.page()?))
    }
}

/// Whose timeline.
#[derive(Clone, Copy)]
enum Owner {
    Session(SessionId),
    ChargePoint(ChargePointId),
}

impl Owner {
    fn parse(id: &str, session: bool) -> Result<Self, ApiError> {
        Ok(if session {
            Self::Session(parse_id(id, "charging session")?)
        } else {
            Self::ChargePoint(parse_id(id, "charge point")?)
        })
    }

    async fn page(
        self,
        q: &impl TimelineQueries,
        scope: &Scope,
        range: TimeRange,
        page: &PageRequest,
    ) -> Result<Page<TimelineEvent>, ApiError> {
        let found = match self {
            Self::Session(id) => q.session_timeline(scope, id, range, page).await?,
            Self::ChargePoint(id) => q.charge_point_timeline(scope, id, range, page).await?,
        };
        found.ok_or_else(|| match self {
            Self::Session(id) => ApiError::not_found(format!("charging session {id} not found")),
            Self::ChargePoint(id) => ApiError::not_found(format!("charge point {id} not found")),
        })
    }

    /// The order numbers of the sessions `events` concern, by session (one lookup).
    async fn order_nos(
        self,
        state: &AppState,
        tenant: &TenantId,
        events: &[TimelineEvent],
    ) -> Result<HashMap<SessionId, String>, ApiError> {
        let mut ids: Vec<SessionId> = events.iter().filter_map(|e| e.session_id).collect();
        if let Self::Session(id) = self {
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        let found = state.store.order_nos_of(tenant, &ids).await?;
        Ok(found.into_iter().map(|(s, o)| (s, o.as_str().to_owned())).collect())
    }

    fn file_name(self) -> String {
        match self {
            Self::Session(id) => format!("session-{id}-timeline.csv"),
            Self::ChargePoint(id) => format!("charge-point-{id}-timeline.csv"),
        }
    }
}

async fn json_page(
    state: &AppState,
    p: &mgc_iam::Principal,
    owner: Owner,
    q: TimelineQuery,
) -> Result<Json<TimelinePage>, ApiError> {
    p.require(Role::Viewer)?;
    let (range, page) = q.parts()?;
    let page = owner.page(&state.store, &p.scope(), range, &page).await?;
    let order_no = match owner {
        Owner::Session(id) => owner.order_nos(state, &p.tenant, &[]).await?.remove(&id),
        Owner::ChargePoint(_) => None,
    };
    let items = page.items.into_iter().map(Into::into).collect();
    Ok(Json(TimelinePage { items, next_cursor: page.next_cursor, order_no }))
}

async fn csv(state: &AppState, p: &mgc_iam::Principal, owner: Owner, q: TimelineQuery) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let (range, first) = q.parts()?;
    let (mut events, mut cursor) = (Vec::new(), first.cursor);
    loop {
        let page = PageRequest { limit: MAX_LIMIT, cursor: cursor.take() };
        let found = owner.page(&state.store, &p.scope(), range, &page).await?;
        events.extend(found.items);
        cursor = found.next_cursor;
        if cursor.is_none() || events.len() >= CSV_MAX_ROWS as usize {
            break;
        }
    }
    let order_nos = owner.order_nos(state, &p.tenant, &events).await?;
    let bytes = mgc_reports::timeline_csv(&events, &order_nos).map_err(|e| {
        tracing::error!(error = %e, "timeline CSV");
        ApiError::internal()
    })?;
    let name = format!("attachment; filename=\"{}\"", owner.file_name());
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)],
        bytes,
    )
        .into_response();
    if let Some(next) = cursor.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert("x-next-cursor", next);
    }
    Ok(response)
}

/// The timeline of a charging session in the caller's scope, in append order.
#[utoipa::path(get, path = "/api/v1/charging-sessions/{id}/timeline", operation_id = "charging_sessions_timeline", tag = "charging",
    params(("id" = String, Path, description = "session id"), TimelineQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = TimelinePage), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn session_timeline(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> Result<Json<TimelinePage>, ApiError> {
    json_page(&state, &p, Owner::parse(&id, true)?, q).await
}

/// The timeline of a charge point in the caller's scope (its own steps and its sessions'), in append order.
#[utoipa::path(get, path = "/api/v1/charge-points/{id}/timeline", operation_id = "charge_points_timeline", tag = "charging",
    params(("id" = String, Path, description = "charge point id"), TimelineQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = TimelinePage), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn charge_point_timeline(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> Result<Json<TimelinePage>, ApiError> {
    json_page(&state, &p, Owner::parse(&id, false)?, q).await
}

/// CSV export of a session's timeline (columns in docs/charging.md); at most 10,000 rows, the
/// rest from the `X-Next-Cursor` header passed as `cursor`.
#[utoipa::path(get, path = "/api/v1/charging-sessions/{id}/timeline.csv", operation_id = "charging_sessions_timeline_csv", tag = "charging",
    params(("id" = String, Path, description = "session id"), TimelineQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "text/csv (UTF-8 with BOM)", content_type = "text/csv", body = crate::routes::statement_views::FileBytes), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn session_timeline_csv(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> Result<Response, ApiError> {
    csv(&state, &p, Owner::parse(&id, true)?, q).await
}

/// CSV export of a charge point's timeline (columns in docs/charging.md); at most 10,000 rows,
/// the rest from the `X-Next-Cursor` header passed as `cursor`.
#[utoipa::path(get, path = "/api/v1/charge-points/{id}/timeline.csv", operation_id = "charge_points_timeline_csv", tag = "charging",
    params(("id" = String, Path, description = "charge point id"), TimelineQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "text/csv (UTF-8 with BOM)", content_type = "text/csv", body = crate::routes::statement_views::FileBytes), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn charge_point_timeline_csv(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<TimelineQuery>,
) -> Result<Response, ApiError> {
    csv(&state, &p, Owner::parse(&id, false)?, q).await
}
