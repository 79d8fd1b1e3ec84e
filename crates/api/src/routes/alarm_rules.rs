//! `/api/v1/alarm-rules`: CRUD, enable/disable; every change bumps the rule's version.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mgc_alarms::{AlarmQueries, AlarmRule, RuleId, RuleInput};
use mgc_iam::{Principal, Role};
use mgc_kernel::page::Page;
use mgc_kernel::RepoError;
use mgc_masterdata::MasterdataQueries;

/// 422 naming the field when the rule's station or device is not one of the caller's.
async fn check_rule_scope(
    state: &AppState,
    p: &Principal,
    scope: &mgc_alarms::domain::rule::Scope,
) -> Result<(), ApiError> {
    let unknown = |field: &str, e: RepoError| match e {
        RepoError::NotFound { what, id } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            format!("{field}: {what} {id} not found"),
        ),
        other => ApiError::from(other),
    };
    if let Some(station) = scope.station_id {
        state.store.get_station(&p.scope(), station).await.map_err(|e| unknown("scope.station_id", e))?;
    }
    if let Some(device) = scope.device_id {
        state.store.get_device(&p.scope(), device).await.map_err(|e| unknown("scope.device_id", e))?;
    }
    Ok(())
}

/// Creates a rule (version 1).
#[utoipa::path(post, path = "/api/v1/alarm-rules", operation_id = "alarm_rules_create", tag = "alarms",
    request_body(content = crate::routes::alarm_rule_schemas::AlarmRuleBody, description = "the rule (see docs/alarms.md)"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = crate::routes::alarm_rule_views::AlarmRuleView, description = "the rule"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<RuleInput>,
) -> Result<(StatusCode, Json<AlarmRule>), ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an alarm rule")?;
    check_rule_scope(&state, &p, &body.scope).await?;
    let rule = mgc_alarms::create_rule(state.store.begin().await?, &p.tenant, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

/// Lists the tenant's rules, newest first.
#[utoipa::path(get, path = "/api/v1/alarm-rules", operation_id = "alarm_rules_list", tag = "alarms", params(ListQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_rule_views::AlarmRulePage, description = "a page of rules")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<AlarmRule>>, ApiError> {
    Ok(Json(state.store.list_rules(&p.tenant, &q.page()?).await?))
}

/// One rule.
#[utoipa::path(get, path = "/api/v1/alarm-rules/{id}", operation_id = "alarm_rules_get", tag = "alarms", params(("id" = String, Path, description = "rule id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_rule_views::AlarmRuleView, description = "the rule"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<AlarmRule>, ApiError> {
    let id: RuleId = parse_id(&id, "alarm rule")?;
    let mut tx = state.store.begin().await?;
    let rule = mgc_alarms::AlarmRepository::rule(&mut tx, &p.tenant, id).await?;
    rule.map(Json).ok_or_else(|| ApiError::not_found(format!("alarm rule {id} not found")))
}

/// Replaces a rule's definition (version + 1).
#[utoipa::path(put, path = "/api/v1/alarm-rules/{id}", operation_id = "alarm_rules_replace", tag = "alarms", params(("id" = String, Path, description = "rule id")),
    request_body(content = crate::routes::alarm_rule_schemas::AlarmRuleBody, description = "the full rule, as for POST"), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::alarm_rule_views::AlarmRuleView, description = "the rule"), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RuleInput>,
) -> Result<Json<AlarmRule>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an alarm rule")?;
    check_rule_scope(&state, &p, &body.scope).await?;
    let id: RuleId = parse_id(&id, "alarm rule")?;
    Ok(Json(mgc_alarms::update_rule(state.store.begin().await?, &p.tenant, id, body, state.clock.now()).await?))
}

/// Deletes a rule; its open alarms are cleared by the system.
#[utoipa::path(delete, path = "/api/v1/alarm-rules/{id}", operation_id = "alarm_rules_delete", tag = "alarms", params(("id" = String, Path, description = "rule id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an alarm rule")?;
    let id: RuleId = parse_id(&id, "alarm rule")?;
    mgc_alarms::delete_rule(state.store.begin().await?, &p.tenant, id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_enabled(
    state: AppState,
    p: mgc_iam::Principal,
    id: String,
    enabled: bool,
) -> Result<Json<AlarmRule>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("an alarm rule")?;
    let id: RuleId = parse_id(&id, "alarm rule")?;
    Ok(Json(mgc_alarms::set_rule_enabled(state.store.begin().await?, &p.tenant, id, enabled, state.clock.now()).await?))
}

/// Enables a rule.
#[utoipa::path(post, path = "/api/v1/alarm-rules/{id}/enable", operation_id = "alarm_rules_enable", tag = "alarms", params(("id" = String, Path, description = "rule id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_rule_views::AlarmRuleView, description = "the rule")))]
pub async fn enable(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<AlarmRule>, ApiError> {
    set_enabled(state, p, id, true).await
}

/// Disables a rule.
#[utoipa::path(post, path = "/api/v1/alarm-rules/{id}/disable", operation_id = "alarm_rules_disable", tag = "alarms", params(("id" = String, Path, description = "rule id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::alarm_rule_views::AlarmRuleView, description = "the rule")))]
pub async fn disable(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<AlarmRule>, ApiError> {
    set_enabled(state, p, id, false).await
}
