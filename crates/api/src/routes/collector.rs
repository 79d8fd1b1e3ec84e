//! `GET /api/v1/collector/sources`: health of the pull collector's sources of the caller's tenant.

use crate::auth::Auth;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_adapter_collector::{SourceHealth, SourceState};
use mgc_iam::Role;
use serde::Serialize;
use utoipa::ToSchema;

/// Health of one pull source.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    /// Source name (from the configuration).
    pub name: String,
    /// Kind of system polled (`winpower`).
    pub kind: String,
    /// Base URL polled.
    pub url: String,
    /// `pending` (not polled yet), `ok` or `failing` (backing off).
    #[schema(pattern = "^(pending|ok|failing)$")]
    pub state: String,
    /// When the last poll succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    /// When the last poll ran.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// How long the last poll took (ms).
    #[schema(minimum = 0)]
    pub last_duration_ms: Option<u64>,
    /// Failed polls since the process started.
    #[schema(minimum = 0)]
    pub error_count: u64,
    /// Failed polls in a row (0 when healthy).
    #[schema(minimum = 0)]
    pub consecutive_failures: u32,
    /// Code of the last failure: `collector_credentials_refused`, `collector_timeout`,
    /// `collector_unreachable`, `collector_protocol_error` or `collector_storage_error`.
    pub last_error_code: Option<String>,
    /// Message of the last failure (never a credential).
    pub last_error: Option<String>,
    /// When the next poll is due.
    pub next_poll_at: Option<DateTime<Utc>>,
    /// Devices listed by the last successful poll (their names in the source).
    pub devices: Vec<String>,
    /// Of those, the ones no device of the tenant matches (their readings are quarantined).
    pub unknown_devices: Vec<String>,
    /// Name of the source's own device (`collector:<name>`, kind `gateway`, in the station the
    /// configuration names), which carries `collector_ok` and its alarm; null until it exists.
    pub alarm_device: Option<String>,
    /// Why the source's own device could not be created (no such station, name taken), if so.
    pub alarm_device_error: Option<String>,
}

impl From<SourceHealth> for SourceView {
    fn from(h: SourceHealth) -> Self {
        let state = match h.state {
            SourceState::Pending => "pending",
            SourceState::Ok => "ok",
            SourceState::Failing => "failing",
        };
        Self {
            name: h.name,
            kind: h.kind.to_owned(),
            url: h.url,
            state: state.to_owned(),
            last_success_at: h.last_success_at,
            last_attempt_at: h.last_attempt_at,
            last_duration_ms: h.last_duration_ms,
            error_count: h.error_count,
            consecutive_failures: h.consecutive_failures,
            last_error_code: h.last_error_code.map(str::to_owned),
            last_error: h.last_error,
            next_poll_at: h.next_poll_at,
            devices: h.devices,
            unknown_devices: h.unknown_devices,
            alarm_device: h.alarm_device,
            alarm_device_error: h.alarm_device_error,
        }
    }
}

/// The tenant's sources.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceList {
    /// Sources by name.
    pub items: Vec<SourceView>,
}

/// Health of the pull collector's sources that feed the caller's tenant (this instance's view).
#[utoipa::path(get, path = "/api/v1/collector/sources", operation_id = "collector_sources_list", tag = "collector",
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SourceList), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(State(state): State<AppState>, Auth(p): Auth) -> Result<Json<SourceList>, ApiError> {
    p.require(Role::Viewer)?;
    let items = state.collector.of_tenant(&p.tenant).into_iter().map(SourceView::from).collect();
    Ok(Json(SourceList { items }))
}
