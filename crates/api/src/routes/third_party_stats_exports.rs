//! `GET /api/third/v1/stats/charging/{sessions,utilisation,commands,fleet}/export`: the charging
//! statistics files for platforms, within the key's tenant and stations (the handlers of
//! `charging_stats_exports.rs`, declared under the third-party tag).

use crate::auth::Auth;
use crate::extract::ApiQuery;
use crate::routes::charging_stats_exports::{
    commands_export, fleet_export, sessions_export, utilisation_export, CommandExportQuery, FleetExportQuery,
    WindowExportQuery,
};
use crate::routes::statement_views::FileBytes;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::response::Response;

/// The session figures file for a platform (as `GET /api/v1/stats/charging/sessions/export`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/sessions/export", operation_id = "third_stats_sessions_export", tag = "third-party", params(WindowExportQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn third_sessions_export(
    state: State<AppState>,
    auth: Auth,
    query: ApiQuery<WindowExportQuery>,
) -> Result<Response, ApiError> {
    sessions_export(state, auth, query).await
}

/// The port utilisation file for a platform (as `GET /api/v1/stats/charging/utilisation/export`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/utilisation/export", operation_id = "third_stats_utilisation_export", tag = "third-party", params(WindowExportQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn third_utilisation_export(
    state: State<AppState>,
    auth: Auth,
    query: ApiQuery<WindowExportQuery>,
) -> Result<Response, ApiError> {
    utilisation_export(state, auth, query).await
}

/// The command figures file for a platform (as `GET /api/v1/stats/charging/commands/export`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/commands/export", operation_id = "third_stats_commands_export", tag = "third-party", params(CommandExportQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, range, granularity `range` and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "invalid_charging_input: from not before to, or the range too long")))]
pub async fn third_commands_export(
    state: State<AppState>,
    auth: Auth,
    query: ApiQuery<CommandExportQuery>,
) -> Result<Response, ApiError> {
    commands_export(state, auth, query).await
}

/// The fleet file for a platform (as `GET /api/v1/stats/charging/fleet/export`).
#[utoipa::path(get, path = "/api/third/v1/stats/charging/fleet/export", operation_id = "third_stats_fleet_export", tag = "third-party", params(FleetExportQuery),
    security(("api_key" = []), ("bearer" = [])),
    responses((status = 200, description = "the file: CSV (UTF-8 with BOM; every row leads with station, the moment (from = to), granularity `now` and units) or XLSX (a header block naming them)",
            content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn third_fleet_export(
    state: State<AppState>,
    auth: Auth,
    query: ApiQuery<FleetExportQuery>,
) -> Result<Response, ApiError> {
    fleet_export(state, auth, query).await
}
