//! `/api/v1/strategies`: CRUD of versioned strategies per station, enable/disable, soft delete.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mgc_iam::{Principal, Role};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::StationId;
use mgc_strategy::{
    Strategy, StrategyError, StrategyFilter, StrategyId, StrategyInput, StrategyParams, StrategyQueries, Targets,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Body of create and replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyBody {
    /// The station it controls.
    pub station_id: String,
    /// Display name.
    pub name: String,
    /// `schedule`, `peak_shaving`, `anti_backflow` or `tou_arbitrage`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Parameters of the type (see docs/strategies.md).
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// Evaluated by the scheduler (create: default false; replace: default unchanged).
    pub enabled: Option<bool>,
    /// Target devices: `battery_device_id` (pcs or battery), `pv_device_ids` (pv inverters).
    #[schema(value_type = Option<Object>)]
    pub targets: Option<Targets>,
    /// No-repeat deadband in W (default 100).
    pub deadband_w: Option<i64>,
    /// Seconds each requested command may take (default 30).
    pub command_timeout_s: Option<u32>,
}

fn invalid(message: String) -> ApiError {
    StrategyError::InvalidDefinition(message).into()
}

impl StrategyBody {
    fn into_input(self, p: &Principal) -> Result<StrategyInput, ApiError> {
        let station_id: StationId = self
            .station_id
            .parse()
            .map_err(|_| invalid(format!("station_id: '{}' is not a station id", self.station_id)))?;
        if !p.may_see_station(station_id) {
            return Err(StrategyError::UnknownStation(station_id).into());
        }
        Ok(StrategyInput {
            station_id,
            name: self.name,
            params: StrategyParams::from_parts(&self.type_name, self.params).map_err(invalid)?,
            enabled: self.enabled,
            targets: self.targets,
            deadband_w: self.deadband_w,
            command_timeout_s: self.command_timeout_s,
        })
    }
}

/// Filters of the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StrategyListQuery {
    /// Station id.
    pub station_id: Option<String>,
    /// Strategy type.
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    /// `true` or `false`.
    pub enabled: Option<bool>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// A live strategy the principal may see (other tenants' and out-of-scope ones are 404).
pub(crate) async fn visible(state: &AppState, p: &Principal, raw: &str) -> Result<Strategy, ApiError> {
    let id: StrategyId = parse_id(raw, "strategy")?;
    let missing = || ApiError::not_found(format!("strategy {id} not found"));
    state.store.get_strategy(&p.scope(), id).await?.ok_or_else(missing)
}

/// Creates a strategy (version 1).
#[utoipa::path(post, path = "/api/v1/strategies", operation_id = "strategies_create", tag = "strategies", request_body = crate::routes::strategy_schemas::StrategyDefinition,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = crate::routes::strategy_views::StrategyView, description = "the strategy"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<StrategyBody>,
) -> Result<(StatusCode, Json<Strategy>), ApiError> {
    p.require(Role::Operator)?;
    let input = body.into_input(&p)?;
    let s = mgc_strategy::create_strategy(state.store.begin().await?, &p.tenant, input, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// Lists the tenant's strategies, newest first.
#[utoipa::path(get, path = "/api/v1/strategies", operation_id = "strategies_list", tag = "strategies", params(StrategyListQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_views::StrategyPage, description = "a page of strategies"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<StrategyListQuery>,
) -> Result<Json<Page<Strategy>>, ApiError> {
    p.require(Role::Viewer)?;
    let bad = |field: &str, m: String| ApiError::bad_request("invalid_query", format!("{field}: {m}"));
    let station_id = q
        .station_id
        .as_deref()
        .map(|s| s.parse::<StationId>().map_err(|e| bad("station_id", e.to_string())))
        .transpose()?;
    if let Some(t) = q.type_name.as_deref().filter(|t| !StrategyParams::TYPE_NAMES.contains(t)) {
        let expected = StrategyParams::TYPE_NAMES.join(", ");
        return Err(bad("type", format!("unknown strategy type '{t}' (expected one of {expected})")));
    }
    let filter = StrategyFilter { station_id, type_name: q.type_name, enabled: q.enabled };
    if q.cursor.as_deref().is_some_and(|c| !c.is_empty() && uuid::Uuid::parse_str(c).is_err()) {
        return Err(bad("cursor", "not one this service returned".to_owned()));
    }
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| bad("limit", m))?;
    Ok(Json(state.store.list_strategies(&p.scope(), &filter, &page).await?))
}

/// One strategy (its current version).
#[utoipa::path(get, path = "/api/v1/strategies/{id}", operation_id = "strategies_get", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_views::StrategyView, description = "the strategy"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Strategy>, ApiError> {
    p.require(Role::Viewer)?;
    visible(&state, &p, &id).await.map(Json)
}

/// Replaces a strategy's definition (version + 1).
#[utoipa::path(put, path = "/api/v1/strategies/{id}", operation_id = "strategies_replace", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    request_body = crate::routes::strategy_schemas::StrategyDefinition, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_views::StrategyView, description = "the strategy"), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StrategyBody>,
) -> Result<Json<Strategy>, ApiError> {
    p.require(Role::Operator)?;
    let s = visible(&state, &p, &id).await?;
    let input = body.into_input(&p)?;
    Ok(Json(
        mgc_strategy::update_strategy(state.store.begin().await?, &p.tenant, s.id, input, state.clock.now()).await?,
    ))
}

/// Soft-deletes a strategy (its versions and executions stay).
#[utoipa::path(delete, path = "/api/v1/strategies/{id}", operation_id = "strategies_delete", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Operator)?;
    let s = visible(&state, &p, &id).await?;
    mgc_strategy::delete_strategy(state.store.begin().await?, &p.tenant, s.id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_enabled(state: AppState, p: Principal, id: String, enabled: bool) -> Result<Json<Strategy>, ApiError> {
    p.require(Role::Operator)?;
    let s = visible(&state, &p, &id).await?;
    let now = state.clock.now();
    Ok(Json(mgc_strategy::set_strategy_enabled(state.store.begin().await?, &p.tenant, s.id, enabled, now).await?))
}

/// Enables a strategy: the scheduler evaluates it from its next round.
#[utoipa::path(post, path = "/api/v1/strategies/{id}/enable", operation_id = "strategies_enable", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_views::StrategyView, description = "the strategy"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn enable(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Strategy>, ApiError> {
    set_enabled(state, p, id, true).await
}

/// Disables a strategy: no more executions until enabled.
#[utoipa::path(post, path = "/api/v1/strategies/{id}/disable", operation_id = "strategies_disable", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_views::StrategyView, description = "the strategy"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Strategy>, ApiError> {
    set_enabled(state, p, id, false).await
}
