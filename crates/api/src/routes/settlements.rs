//! `/api/v1/settlements` (current versions, detail with versions and adjustments, freeze) and
//! `/api/v1/exports/settlements.csv`.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery, ListQuery};
use crate::routes::csv_delimiter::CsvDelimiter;
use crate::routes::masterdata::visible_station;
use crate::routes::settlement_views::{AdjustmentView, SettlementVersionView, SettlementView};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use mgc_iam::{Principal, Role};
use mgc_kernel::StationId;
use mgc_masterdata::MasterdataQueries;
use mgc_settlement::{
    Adjustment, Settlement, SettlementFilter as Filter, SettlementId, SettlementQueries, SettlementVersion,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Longest range one list or export covers, in days.
const MAX_RANGE_DAYS: i64 = 366;

/// `?station_id=&from=&to=&delimiter=` (local dates, inclusive) of the CSV export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SettlementFilter {
    /// Only this station.
    pub station_id: Option<String>,
    /// First local date (`YYYY-MM-DD`).
    pub from: String,
    /// Last local date (`YYYY-MM-DD`), inclusive.
    pub to: String,
    /// Field separator: `comma` (default) or `semicolon`.
    #[param(inline)]
    pub delimiter: Option<CsvDelimiter>,
}

/// `?station_id=&from=&to=&limit=&cursor=` of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SettlementListQuery {
    /// Only this station.
    pub station_id: Option<String>,
    /// First local date (`YYYY-MM-DD`).
    pub from: String,
    /// Last local date (`YYYY-MM-DD`), inclusive.
    pub to: String,
    /// Items per page (1..=500, default 50).
    pub limit: Option<u32>,
    /// Cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One page of settlements.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementPage {
    /// Settlements with their current version, newest day first.
    pub items: Vec<SettlementItem>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

/// A settlement with its current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementItem {
    /// The settlement.
    #[serde(flatten)]
    #[schema(value_type = SettlementView)]
    pub settlement: Settlement,
    /// Its current version.
    #[schema(value_type = SettlementVersionView)]
    pub current: SettlementVersion,
}

/// A settlement with every version and adjustment.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettlementDetail {
    /// The settlement.
    #[serde(flatten)]
    #[schema(value_type = SettlementView)]
    pub settlement: Settlement,
    /// All versions, oldest first.
    #[schema(value_type = Vec<SettlementVersionView>)]
    pub versions: Vec<SettlementVersion>,
    /// Adjustments made after freezing, oldest first.
    #[schema(value_type = Vec<AdjustmentView>)]
    pub adjustments: Vec<Adjustment>,
}

fn date(raw: &str, field: &str) -> Result<NaiveDate, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::bad_request("invalid_query", format!("{field}: '{raw}' is not a date (YYYY-MM-DD)")))
}

/// The filter of a list or export, checked, with the caller's station scope.
fn filter(p: &Principal, station_id: Option<&str>, from: &str, to: &str) -> Result<Filter, ApiError> {
    let station = station_id.map(|s| parse_id::<StationId>(s, "station")).transpose()?;
    if let Some(s) = station {
        visible_station(p, s)?;
    }
    let (from, to) = (date(from, "from")?, date(to, "to")?);
    if to < from || (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("from {from} .. to {to} must be ordered and span at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(Filter { station, from, to })
}

/// Settlements (current versions) of the tenant's stations in a date range, newest day first.
#[utoipa::path(get, path = "/api/v1/settlements", operation_id = "settlements_list", tag = "settlement", params(SettlementListQuery), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SettlementPage), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<SettlementListQuery>,
) -> Result<Json<SettlementPage>, ApiError> {
    p.require(Role::Viewer)?;
    let f = filter(&p, q.station_id.as_deref(), &q.from, &q.to)?;
    let page = ListQuery { limit: q.limit, cursor: q.cursor }.page()?;
    let page = state.store.page_settlements(&p.scope(), &f, &page).await?;
    let items = page.items.into_iter().map(|(settlement, current)| SettlementItem { settlement, current }).collect();
    Ok(Json(SettlementPage { items, next_cursor: page.next_cursor }))
}

/// One settlement with all versions and adjustments.
#[utoipa::path(get, path = "/api/v1/settlements/{id}", operation_id = "settlements_get", tag = "settlement", params(("id" = String, Path, description = "settlement id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = SettlementDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SettlementDetail>, ApiError> {
    p.require(Role::Viewer)?;
    let id: SettlementId = parse_id(&id, "settlement")?;
    let (settlement, versions, adjustments) = state.store.settlement_detail(&p.scope(), id).await?;
    Ok(Json(SettlementDetail { settlement, versions, adjustments }))
}

/// Freezes a calculated settlement now (409 when unpriced or already frozen).
#[utoipa::path(post, path = "/api/v1/settlements/{id}/freeze", operation_id = "settlements_freeze", tag = "settlement", params(("id" = String, Path, description = "settlement id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = SettlementView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn freeze(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Settlement>, ApiError> {
    p.require(Role::Admin)?;
    let id: SettlementId = parse_id(&id, "settlement")?;
    state.store.settlement_detail(&p.scope(), id).await?;
    let s =
        mgc_settlement::app::freeze::freeze_settlement(state.store.begin().await?, &p.tenant, id, state.clock.now())
            .await?;
    Ok(Json(s))
}

/// CSV download: one row per day, direction and band (columns in docs/settlement.md).
#[utoipa::path(get, path = "/api/v1/exports/settlements.csv", operation_id = "settlements_export_csv", tag = "settlement", params(SettlementFilter), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, content_type = "text/csv", body = crate::routes::statement_views::FileBytes, description = "text/csv (UTF-8 with BOM): one row per day, direction and band naming station (code, name, id), date, version, state and content hash; energy in kWh"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn export_csv(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(f): ApiQuery<SettlementFilter>,
) -> Result<Response, ApiError> {
    p.require(Role::Viewer)?;
    let items = state.store.list_settlements(&p.scope(), &filter(&p, f.station_id.as_deref(), &f.from, &f.to)?).await?;
    // Each row names its station; a station deleted since has empty code and name (its id stays).
    let mut stations = std::collections::HashMap::new();
    for (s, _) in &items {
        if let std::collections::hash_map::Entry::Vacant(slot) = stations.entry(s.station_id) {
            slot.insert(MasterdataQueries::get_station(&state.store, &p.scope(), s.station_id).await.ok());
        }
    }
    let label = |id: StationId| {
        stations
            .get(&id)
            .and_then(Option::as_ref)
            .map(|st| mgc_reports::StationLabel { name: &st.name, code: &st.code })
    };
    let bytes = mgc_reports::settlements_csv(&items, label, f.delimiter.unwrap_or_default().into()).map_err(|e| {
        tracing::error!(error = %e, "settlements CSV");
        ApiError::internal()
    })?;
    let name = format!("attachment; filename=\"settlements-{}-{}.csv\"", f.from, f.to);
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)],
        bytes,
    )
        .into_response())
}
