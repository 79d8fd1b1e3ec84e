//! `/api/v1/notifications`: persisted deliveries by state, and manual retry of dead letters.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use mgc_alarms::{AlarmQueries, Delivery, DeliveryId, DeliveryState};
use mgc_iam::Role;
use mgc_kernel::page::{Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of `GET /api/v1/notifications`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// `pending`, `retrying`, `delivered` or `dead`.
    pub state: Option<String>,
    /// Only this alarm's notifications.
    pub alarm_id: Option<String>,
    /// Page size.
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// Lists deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", operation_id = "notifications_list", tag = "notifications", params(NotificationQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::notification_views::DeliveryPage, description = "a page of deliveries"), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> Result<Json<Page<Delivery>>, ApiError> {
    p.require(Role::Operator)?;
    let st = q
        .state
        .as_deref()
        .map(|s| {
            DeliveryState::parse(s).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("state: unknown '{s}' (pending, retrying, delivered, dead)"),
                )
            })
        })
        .transpose()?;
    let alarm = q.alarm_id.as_deref().map(|a| parse_id(a, "alarm")).transpose()?;
    let page = PageRequest::new(q.limit, q.cursor).map_err(|m| ApiError::bad_request("invalid_query", m))?;
    Ok(Json(state.store.list_deliveries(&p.scope(), st, alarm, &page).await?))
}

/// One delivery.
#[utoipa::path(get, path = "/api/v1/notifications/{id}", operation_id = "notifications_get", tag = "notifications", params(("id" = String, Path, description = "notification id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::notification_views::DeliveryView, description = "the delivery"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Delivery>, ApiError> {
    p.require(Role::Operator)?;
    let id: DeliveryId = parse_id(&id, "notification")?;
    Ok(Json(state.store.get_delivery(&p.scope(), id).await?))
}

/// Sends a dead (or retrying) delivery again now, with fresh attempts and age.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", operation_id = "notifications_retry", tag = "notifications", params(("id" = String, Path, description = "notification id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::notification_views::DeliveryView, description = "the delivery, pending again"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<Delivery>, ApiError> {
    p.require(Role::Operator)?;
    let id: DeliveryId = parse_id(&id, "notification")?;
    state.store.get_delivery(&p.scope(), id).await?;
    let mut tx = state.store.begin().await?;
    mgc_alarms::NotificationRequests::retry_delivery(&mut tx, &p.tenant, id, state.clock.now()).await?;
    mgc_eventing::UnitOfWork::commit(tx).await?;
    Ok(Json(state.store.get_delivery(&p.scope(), id).await?))
}
