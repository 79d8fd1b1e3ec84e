//! `/api/v1/strategies/{id}/versions` and `/executions`: what a strategy was and what it did.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery};
use crate::routes::strategies::visible;
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::Role;
use mgc_kernel::page::{Page, PageRequest};
use mgc_strategy::{Execution, ExecutionId, Strategy, StrategyQueries};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of the execution list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExecutionListQuery {
    /// Ran at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Ran before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// Every version of a strategy, oldest first.
#[utoipa::path(get, path = "/api/v1/strategies/{id}/versions", operation_id = "strategies_versions", tag = "strategies", params(("id" = String, Path, description = "strategy id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = Vec<crate::routes::strategy_views::StrategyView>, description = "the versions"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<Strategy>>, ApiError> {
    p.require(Role::Viewer)?;
    let s = visible(&state, &p, &id).await?;
    Ok(Json(state.store.strategy_versions(&p.tenant, s.id).await?))
}

/// Executions of a strategy, newest first.
#[utoipa::path(get, path = "/api/v1/strategies/{id}/executions", operation_id = "strategy_executions_list", tag = "strategies",
    params(("id" = String, Path, description = "strategy id"), ExecutionListQuery),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_execution_views::ExecutionPage, description = "a page of executions"), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ExecutionListQuery>,
) -> Result<Json<Page<Execution>>, ApiError> {
    p.require(Role::Viewer)?;
    let s = visible(&state, &p, &id).await?;
    let bad = |m: String| ApiError::bad_request("invalid_query", m);
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from >= to {
            return Err(bad(format!("from: {from} must be before to {to}")));
        }
    }
    if q.cursor.as_deref().is_some_and(|c| !c.is_empty() && uuid::Uuid::parse_str(c).is_err()) {
        return Err(bad("cursor: not one this service returned".to_owned()));
    }
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| bad(format!("limit: {m}")))?;
    Ok(Json(state.store.list_executions(&p.tenant, s.id, q.from, q.to, &page).await?))
}

/// One execution of a strategy.
#[utoipa::path(get, path = "/api/v1/strategies/{id}/executions/{execution_id}", operation_id = "strategy_executions_get", tag = "strategies",
    params(("id" = String, Path, description = "strategy id"), ("execution_id" = String, Path, description = "execution id")),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::strategy_execution_views::ExecutionView, description = "the execution"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path((id, execution)): Path<(String, String)>,
) -> Result<Json<Execution>, ApiError> {
    p.require(Role::Viewer)?;
    let s = visible(&state, &p, &id).await?;
    let execution: ExecutionId = parse_id(&execution, "execution")?;
    state
        .store
        .execution(&p.tenant, s.id, execution)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("execution {execution} not found")))
}
