//! `GET /api/v1/stats/charging/commands` (and the same under `/api/third/v1/…`): outcomes,
//! success rate and response times of the commands issued to a station's charge points.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_charging::{CommandFigures, CommandStats};
use mgc_iam::{Principal, Role};
use mgc_kernel::StationId;
use mgc_masterdata::domain::repository::MasterdataQueries;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Range (and station) of the command figures.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommandStatsQuery {
    /// Only commands to this station's charge points (all of the caller's otherwise).
    pub station_id: Option<String>,
    /// Start of the range (RFC 3339): commands issued from then.
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339, exclusive; after `from`, at most 366 days later).
    pub to: DateTime<Utc>,
}

/// Outcomes and response times of a set of commands.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandFiguresView {
    /// Commands issued in the range.
    pub count: u64,
    /// Of those, succeeded.
    pub succeeded: u64,
    /// Failed (refused, bad reply, no adapter, …).
    pub failed: u64,
    /// Sent but no final answer before the deadline.
    pub timed_out: u64,
    /// The deadline passed before they could be sent.
    pub expired: u64,
    /// Cancelled by an operator.
    pub cancelled: u64,
    /// Not ended yet (pending, sent or delivered).
    pub open: u64,
    /// Succeeded ÷ (succeeded + failed + timed out + expired), per mille, rounded down (none
    /// when none ended).
    pub success_permille: Option<u64>,
    /// Commands with a response time (succeeded or failed after being sent).
    pub answered: u64,
    /// Median response time (ms, nearest rank): first move to `sent` to the first move to
    /// `succeeded` or `failed`.
    pub response_p50_ms: Option<u64>,
    /// 95th percentile response time (ms, nearest rank).
    pub response_p95_ms: Option<u64>,
    /// Longest response time (ms).
    pub response_max_ms: Option<u64>,
}

impl From<CommandFigures> for CommandFiguresView {
    fn from(f: CommandFigures) -> Self {
        Self {
            count: f.count,
            succeeded: f.succeeded,
            failed: f.failed,
            timed_out: f.timed_out,
            expired: f.expired,
            cancelled: f.cancelled,
            open: f.open,
            success_permille: f.success_permille,
            answered: f.answered,
            response_p50_ms: f.response_p50_ms,
            response_p95_ms: f.response_p95_ms,
            response_max_ms: f.response_max_ms,
        }
    }
}

/// The command figures of a range, in total and per method.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandStatsView {
    /// The station asked for (none: every station in the caller's scope).
    pub station_id: Option<String>,
    /// Start of the range (UTC).
    pub from: DateTime<Utc>,
    /// End of the range (UTC, exclusive).
    pub to: DateTime<Utc>,
    /// All the commands.
    pub total: CommandFiguresView,
    /// Per method (`Reset`, `RemoteStartTransaction`, …).
    pub by_method: std::collections::BTreeMap<String, CommandFiguresView>,
}

/// The figures of `q` for `p` (viewer and up; a station out of scope is 404).
pub(crate) async fn command_stats_of(
    state: &AppState,
    p: &Principal,
    q: &CommandStatsQuery,
) -> Result<CommandStats, ApiError> {
    p.require(Role::Viewer)?;
    let station: Option<StationId> = q.station_id.as_deref().map(|s| parse_id(s, "station")).transpose()?;
    if let Some(s) = station {
        state.store.get_station(&p.scope(), s).await?;
    }
    Ok(mgc_charging::command_stats(&state.store, &p.scope(), station, q.from, q.to).await?)
}

async fn view_of(state: &AppState, p: &Principal, q: CommandStatsQuery) -> Result<Json<CommandStatsView>, ApiError> {
    let stats = command_stats_of(state, p, &q).await?;
    Ok(Json(CommandStatsView {
        station_id: q.station_id,
        from: q.from,
        to: q.to,
        total: stats.total.into(),
        by_method: stats.by_method.into_iter().map(|(m, f)| (m, f.into())).collect(),
    }))
}

/// Commands issued to charge points in the range: outcomes, success rate (per mille) and
/// response times (p50, p95, max in ms), in total and per method.
#[utoipa::path(get, path = "/api/v1/stats/charging/commands", operation_id = "charging_stats_commands", tag = "charging", params(CommandStatsQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = CommandStatsView), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn commands(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CommandStatsQuery>,
) -> Result<Json<CommandStatsView>, ApiError> {
    view_of(&state, &p, q).await
}

/// The command figures for a platform (as `GET /api/v1/stats/charging/commands`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/commands", operation_id = "third_stats_commands", tag = "third-party", params(CommandStatsQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, body = CommandStatsView), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input")))]
pub async fn third_commands(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CommandStatsQuery>,
) -> Result<Json<CommandStatsView>, ApiError> {
    view_of(&state, &p, q).await
}
