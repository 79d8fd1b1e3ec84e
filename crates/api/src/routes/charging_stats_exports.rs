//! `GET /api/v1/stats/charging/{sessions,utilisation,commands,fleet}/export?format=csv|xlsx`: the
//! charging statistics as files naming the station, range, granularity and units (the same
//! under `/api/third/v1/…`: `third_party_stats_exports.rs`).

use crate::auth::Auth;
use crate::extract::ApiQuery;
use crate::routes::charging_command_stats::{command_stats_of, CommandStatsQuery};
use crate::routes::charging_stats::{fleet_figures_of, request_of, SessionStatsQuery};
use crate::routes::csv_delimiter::CsvDelimiter;
use crate::routes::statement_views::FileBytes;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use mgc_charging::{CommandFigures, DeviceCounts, FleetFigures};
use mgc_iam::Principal;
use mgc_masterdata::domain::repository::MasterdataQueries;
use mgc_reports::{StatsCell, StatsTable};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// File format of a statistics export.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// CSV, UTF-8 with BOM.
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Query of the session and utilisation exports.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WindowExportQuery {
    /// The station; its time zone cuts the windows.
    pub station_id: String,
    /// `hour` (range up to 31 days), `day`, `month` or `year` (up to 366 days).
    pub granularity: String,
    /// Start of the range (RFC 3339).
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339, exclusive; after `from`).
    pub to: DateTime<Utc>,
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: ExportFormat,
    /// CSV field separator: `comma` (default) or `semicolon`.
    #[param(inline)]
    pub delimiter: Option<CsvDelimiter>,
}

/// Query of the command export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CommandExportQuery {
    /// Only commands to this station's charge points (all of the caller's otherwise).
    pub station_id: Option<String>,
    /// Start of the range (RFC 3339).
    pub from: DateTime<Utc>,
    /// End of the range (RFC 3339, exclusive; after `from`, at most 366 days later).
    pub to: DateTime<Utc>,
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: ExportFormat,
    /// CSV field separator: `comma` (default) or `semicolon`.
    #[param(inline)]
    pub delimiter: Option<CsvDelimiter>,
}

/// Query of the fleet export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FleetExportQuery {
    /// Only this station's piles (every station of the caller's otherwise).
    pub station_id: Option<String>,
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: ExportFormat,
    /// CSV field separator: `comma` (default) or `semicolon`.
    #[param(inline)]
    pub delimiter: Option<CsvDelimiter>,
}

const SESSION_COLUMNS: &[&str] = &[
    "label",
    "start",
    "end",
    "sessions",
    "completed",
    "failed",
    "running",
    "energy_wh",
    "avg_duration_s",
    "success_permille",
    "stop_reasons",
];
const UTILISATION_COLUMNS: &[&str] =
    &["label", "start", "end", "ports", "port_seconds", "charging_seconds", "utilisation_permille"];
const COMMAND_COLUMNS: &[&str] = &[
    "method",
    "count",
    "succeeded",
    "failed",
    "timed_out",
    "expired",
    "cancelled",
    "open",
    "success_permille",
    "answered",
    "response_p50_ms",
    "response_p95_ms",
    "response_max_ms",
];

const FLEET_COLUMNS: &[&str] = &["group", "item", "count"];

fn time(t: DateTime<Utc>) -> StatsCell {
    StatsCell::Text(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn int<T: TryInto<i64>>(v: T) -> StatsCell {
    StatsCell::opt(Some(v))
}

async fn table_for(
    state: &AppState,
    p: &Principal,
    station: Option<&str>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    granularity: &str,
) -> Result<StatsTable, ApiError> {
    let named = match station {
        Some(s) => Some(state.store.get_station(&p.scope(), crate::extract::parse_id(s, "station")?).await?),
        None => None,
    };
    Ok(StatsTable {
        title: "",
        station_code: named.as_ref().map(|s| s.code.clone()).unwrap_or_default(),
        station_name: named.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        station_id: station.unwrap_or_default().to_owned(),
        from: from.to_rfc3339_opts(SecondsFormat::Secs, true),
        to: to.to_rfc3339_opts(SecondsFormat::Secs, true),
        granularity: granularity.to_owned(),
        units: "",
        columns: &[],
        rows: Vec::new(),
    })
}

fn file(
    table: &StatsTable,
    format: ExportFormat,
    delimiter: Option<CsvDelimiter>,
    name: &str,
) -> Result<Response, ApiError> {
    let (rendered, content_type, ext) = match format {
        ExportFormat::Csv => {
            (mgc_reports::stats_csv(table, delimiter.unwrap_or_default().into()), "text/csv; charset=utf-8", "csv")
        }
        ExportFormat::Xlsx => (
            mgc_reports::stats_xlsx(table),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let bytes = rendered.map_err(|e| {
        tracing::error!(error = %e, "statistics export rendering");
        ApiError::internal()
    })?;
    let disposition = format!("attachment; filename=\"charging-{name}.{ext}\"");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        bytes,
    )
        .into_response())
}

fn window_query(q: &WindowExportQuery) -> SessionStatsQuery {
    SessionStatsQuery { station_id: q.station_id.clone(), granularity: q.granularity.clone(), from: q.from, to: q.to }
}

/// Sessions per window of the station's calendar as CSV or XLSX (the columns of
/// `GET /api/v1/stats/charging/sessions`; stop reasons as `reason=count` joined by `|`).
#[utoipa::path(get, path = "/api/v1/stats/charging/sessions/export", operation_id = "charging_stats_sessions_export", tag = "charging", params(WindowExportQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn sessions_export(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<WindowExportQuery>,
) -> Result<Response, ApiError> {
    let request = request_of(&state, &p, window_query(&q)).await?;
    let figures = mgc_charging::session_stats(&state.store, &p.scope(), &request).await?;
    let mut t = table_for(&state, &p, Some(&q.station_id), (q.from, q.to), &q.granularity).await?;
    t.title = "Sessions";
    t.units = "energy Wh, durations s, success per mille, times UTC";
    t.columns = SESSION_COLUMNS;
    t.rows = figures
        .into_iter()
        .map(|f| {
            let reasons: Vec<String> = f.stop_reasons.iter().map(|(r, n)| format!("{r}={n}")).collect();
            vec![
                StatsCell::Text(f.label),
                time(f.start),
                time(f.end),
                int(f.sessions),
                int(f.completed),
                int(f.failed),
                int(f.running),
                int(f.energy_wh),
                StatsCell::opt(f.avg_duration_s),
                StatsCell::opt(f.success_permille),
                StatsCell::Text(reasons.join("|")),
            ]
        })
        .collect();
    file(&t, q.format, q.delimiter, "sessions")
}

/// Port utilisation per window as CSV or XLSX (the columns of
/// `GET /api/v1/stats/charging/utilisation`).
#[utoipa::path(get, path = "/api/v1/stats/charging/utilisation/export", operation_id = "charging_stats_utilisation_export", tag = "charging", params(WindowExportQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn utilisation_export(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<WindowExportQuery>,
) -> Result<Response, ApiError> {
    let request = request_of(&state, &p, window_query(&q)).await?;
    let figures = mgc_charging::utilisation_stats(&state.store, &p.scope(), &request, state.clock.now()).await?;
    let mut t = table_for(&state, &p, Some(&q.station_id), (q.from, q.to), &q.granularity).await?;
    t.title = "Utilisation";
    t.units = "seconds, utilisation per mille, times UTC";
    t.columns = UTILISATION_COLUMNS;
    t.rows = figures
        .into_iter()
        .map(|f| {
            vec![
                StatsCell::Text(f.label),
                time(f.start),
                time(f.end),
                int(f.ports),
                int(f.port_seconds),
                int(f.charging_seconds),
                StatsCell::opt(f.utilisation_permille),
            ]
        })
        .collect();
    file(&t, q.format, q.delimiter, "utilisation")
}

fn command_row(method: String, f: CommandFigures) -> Vec<StatsCell> {
    vec![
        StatsCell::Text(method),
        int(f.count),
        int(f.succeeded),
        int(f.failed),
        int(f.timed_out),
        int(f.expired),
        int(f.cancelled),
        int(f.open),
        StatsCell::opt(f.success_permille),
        int(f.answered),
        StatsCell::opt(f.response_p50_ms),
        StatsCell::opt(f.response_p95_ms),
        StatsCell::opt(f.response_max_ms),
    ]
}

/// Command figures over the range as CSV or XLSX: one row `all`, then one per method (the
/// figures of `GET /api/v1/stats/charging/commands`).
#[utoipa::path(get, path = "/api/v1/stats/charging/commands/export", operation_id = "charging_stats_commands_export", tag = "charging", params(CommandExportQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity `range` and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn commands_export(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<CommandExportQuery>,
) -> Result<Response, ApiError> {
    let stats_query = CommandStatsQuery { station_id: q.station_id.clone(), from: q.from, to: q.to };
    let stats = command_stats_of(&state, &p, &stats_query).await?;
    let mut t = table_for(&state, &p, q.station_id.as_deref(), (q.from, q.to), "range").await?;
    t.title = "Commands";
    t.units = "response times ms, success per mille";
    t.columns = COMMAND_COLUMNS;
    t.rows = std::iter::once(command_row("all".into(), stats.total))
        .chain(stats.by_method.into_iter().map(|(m, f)| command_row(m, f)))
        .collect();
    file(&t, q.format, q.delimiter, "commands")
}

fn fleet_row(group: &str, item: &str, count: u64) -> Vec<StatsCell> {
    vec![StatsCell::Text(group.to_owned()), StatsCell::Text(item.to_owned()), int(count)]
}

fn counts_rows(group: &str, c: &DeviceCounts) -> [Vec<StatsCell>; 3] {
    [fleet_row(group, "total", c.total), fleet_row(group, "online", c.online), fleet_row(group, "offline", c.offline)]
}

/// The fleet figures as `(group, item, count)` rows, one per figure of the JSON `FleetView`:
/// `piles` total/online/offline, `by_type.<type>` total/online/offline, `by_protocol` and
/// `ports_by_status` one per key, `ports` idle/charging/fault.
fn fleet_rows(f: &FleetFigures) -> Vec<Vec<StatsCell>> {
    let piles = DeviceCounts { total: f.total, online: f.online, offline: f.offline };
    let mut rows: Vec<Vec<StatsCell>> = counts_rows("piles", &piles).into();
    for (name, counts) in [("ac", &f.by_type.ac), ("dc", &f.by_type.dc), ("two_wheeler", &f.by_type.two_wheeler)] {
        rows.extend(counts_rows(&format!("by_type.{name}"), counts));
    }
    rows.extend(f.by_protocol.iter().map(|(k, n)| fleet_row("by_protocol", k, *n)));
    rows.extend(f.ports_by_status.iter().map(|(k, n)| fleet_row("ports_by_status", k, *n)));
    rows.extend([
        fleet_row("ports", "idle", f.ports_idle),
        fleet_row("ports", "charging", f.ports_charging),
        fleet_row("ports", "fault", f.ports_fault),
    ]);
    rows
}

/// The fleet now as CSV or XLSX (the figures of `GET /api/v1/stats/charging/fleet`): one row
/// `(group, item, count)` per figure; `from` and `to` are both the moment of the count,
/// granularity `now`.
#[utoipa::path(get, path = "/api/v1/stats/charging/fleet/export", operation_id = "charging_stats_fleet_export", tag = "charging", params(FleetExportQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, the moment (from = to), granularity `now` and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn fleet_export(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<FleetExportQuery>,
) -> Result<Response, ApiError> {
    let figures = fleet_figures_of(&state, &p, q.station_id.as_deref()).await?;
    let now = state.clock.now();
    let mut t = table_for(&state, &p, q.station_id.as_deref(), (now, now), "now").await?;
    t.title = "Fleet";
    t.units = "counts of piles and ports at the moment given as from and to (UTC)";
    t.columns = FLEET_COLUMNS;
    t.rows = fleet_rows(&figures);
    file(&t, q.format, q.delimiter, "fleet")
}
