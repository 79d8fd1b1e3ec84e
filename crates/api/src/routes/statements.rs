//! `/api/v1/statements`: generate, list, show, issue, void, and downloads as `.csv`, `.xlsx`, `.pdf`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::routes::csv_delimiter::CsvDelimiter;
use crate::routes::masterdata::visible_station;
use crate::routes::statement_views::{FileBytes, StatementView};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mgc_iam::{Principal, Role};
use mgc_kernel::StationId;
use mgc_settlement::app::statements;
use mgc_settlement::{SettlementQueries, Statement, StatementFilter, StatementId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Body of `POST /api/v1/statements/generate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    /// Station of the caller's tenant.
    pub station_id: String,
    /// Local month `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

/// Body of `POST /api/v1/statements/{id}/void`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Void {
    /// Why the statement is withdrawn.
    pub reason: String,
}

/// Filters of `GET /api/v1/statements`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatementListQuery {
    /// Only this station.
    pub station_id: Option<String>,
    /// Only this month (`YYYY-MM`).
    pub month: Option<String>,
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// `?delimiter=` of a statement download (CSV only; the other formats ignore it).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    /// CSV field separator: `comma` (default) or `semicolon`.
    #[param(inline)]
    pub delimiter: Option<CsvDelimiter>,
}

/// One page of statements.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementPage {
    /// Statements, newest month and version first.
    #[schema(value_type = Vec<StatementView>)]
    pub items: Vec<Statement>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

async fn visible(state: &AppState, p: &Principal, id: StatementId) -> Result<Statement, ApiError> {
    Ok(state.store.get_statement(&p.scope(), id).await?)
}

/// Builds (or refreshes) the draft statement of a station's month.
#[utoipa::path(post, path = "/api/v1/statements/generate", operation_id = "statements_generate", tag = "settlement", request_body = Generate, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StatementView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn generate(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<Generate>,
) -> Result<Json<Statement>, ApiError> {
    p.require(Role::Admin)?;
    let station: StationId = parse_id(&body.station_id, "station")?;
    visible_station(&p, station)?;
    let s =
        statements::generate_statement(state.store.begin().await?, &p.tenant, station, &body.month, state.clock.now())
            .await?;
    Ok(Json(s))
}

/// Lists statements, newest month and version first.
#[utoipa::path(get, path = "/api/v1/statements", operation_id = "statements_list", tag = "settlement", params(StatementListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StatementPage), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<StatementListQuery>,
) -> Result<Json<StatementPage>, ApiError> {
    p.require(Role::Viewer)?;
    let station = q.station_id.as_deref().map(|s| parse_id::<StationId>(s, "station")).transpose()?;
    let f = StatementFilter { station, month: q.month };
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let page = state.store.list_statements(&p.scope(), &f, &page).await?;
    Ok(Json(StatementPage { items: page.items, next_cursor: page.next_cursor }))
}

/// Shows a statement (`{id}`) or downloads it (`{id}.csv`, `{id}.xlsx`, `{id}.pdf`).
#[utoipa::path(get, path = "/api/v1/statements/{id}", operation_id = "statements_get", tag = "settlement",
    params(("id" = String, Path, description = "statement id, or id with .csv, .xlsx or .pdf"), DownloadQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, description = "the statement (JSON, for `{id}`), or the file (`{id}.csv`: CSV, UTF-8 with BOM; `{id}.xlsx`; `{id}.pdf`), each naming station, month, version, state and content hash",
            content((StatementView = "application/json"), (FileBytes = "text/csv"),
                (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileBytes = "application/pdf"))),
        (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(file): Path<String>,
    ApiQuery(q): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let (raw_id, extension) = match file.rsplit_once('.') {
        Some((id, ext)) => (id, Some(ext)),
        None => (file.as_str(), None),
    };
    let content_type = match extension {
        None => None,
        Some("csv") => Some("text/csv; charset=utf-8"),
        Some("xlsx") => Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Some("pdf") => Some("application/pdf"),
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_format",
                format!("'.{other}' is not a statement format; use .csv, .xlsx or .pdf"),
            ));
        }
    };
    let id: StatementId = parse_id(raw_id, "statement")?;
    let s = visible(&state, &p, id).await?;
    let (Some(ext), Some(content_type)) = (extension, content_type) else {
        return Ok(Json(s).into_response());
    };
    // The files name the station; a station deleted since is named by its id.
    let station =
        mgc_masterdata::MasterdataQueries::get_station(&state.store, &p.scope(), s.content.station_id).await.ok();
    let label = station.as_ref().map(|st| mgc_reports::StationLabel { name: &st.name, code: &st.code });
    let rendered = match ext {
        "csv" => mgc_reports::statement_csv(&s, label, q.delimiter.unwrap_or_default().into()),
        "xlsx" => mgc_reports::statement_xlsx(&s, label),
        _ => mgc_reports::statement_pdf(&s, label),
    };
    let bytes = rendered.map_err(|e| {
        tracing::error!(error = %e, statement = %id, "statement rendering");
        ApiError::internal()
    })?;
    let name = format!("attachment; filename=\"statement-{}-v{}.{ext}\"", s.month, s.version);
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, name)], bytes)
        .into_response())
}

/// Issues a current draft: freezes its days, consumes its adjustments, stamps the content hash.
#[utoipa::path(post, path = "/api/v1/statements/{id}/issue", operation_id = "statements_issue", tag = "settlement", params(("id" = String, Path, description = "statement id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = StatementView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Statement>, ApiError> {
    p.require(Role::Admin)?;
    let id: StatementId = parse_id(&id, "statement")?;
    visible(&state, &p, id).await?;
    Ok(Json(statements::issue_statement(state.store.begin().await?, &p.tenant, id, state.clock.now()).await?))
}

/// Voids an issued statement with a reason; generating again makes the next version.
#[utoipa::path(post, path = "/api/v1/statements/{id}/void", operation_id = "statements_void", tag = "settlement", params(("id" = String, Path, description = "statement id")),
    request_body = Void, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = StatementView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn void(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Void>,
) -> Result<Json<Statement>, ApiError> {
    p.require(Role::Admin)?;
    let id: StatementId = parse_id(&id, "statement")?;
    visible(&state, &p, id).await?;
    Ok(Json(
        statements::void_statement(state.store.begin().await?, &p.tenant, id, &body.reason, state.clock.now()).await?,
    ))
}
