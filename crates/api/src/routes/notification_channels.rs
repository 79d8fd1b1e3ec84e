//! `/api/v1/notification-channels`: webhook, DingTalk, WeCom and email channels, and test sends.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mgc_alarms::{
    AlarmQueries, Channel, ChannelConfig, ChannelId, ChannelInput, ChannelRepository, NotificationRequest,
};
use mgc_iam::Role;
use mgc_kernel::page::Page;
use serde::Serialize;
use serde_json::json;

/// A channel as shown to clients; secrets masked except once, right after creation.
#[derive(Debug, Serialize)]
pub struct ChannelView {
    /// The channel.
    #[serde(flatten)]
    pub channel: Channel,
}

fn masked(mut c: Channel) -> ChannelView {
    c.config = c.config.masked();
    ChannelView { channel: c }
}

/// A random 64-hex-character secret.
fn generated_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Creates a channel; a webhook without `secret` gets a generated one, shown in this response only.
#[utoipa::path(post, path = "/api/v1/notification-channels", operation_id = "notification_channels_create", tag = "notifications",
    request_body = crate::routes::channel_schemas::ChannelBody,
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = crate::routes::channel_views::ChannelView, description = "the channel with its secret"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(mut body): ApiJson<ChannelInput>,
) -> Result<(StatusCode, Json<ChannelView>), ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a notification channel")?;
    if let ChannelConfig::Webhook { secret, .. } = &mut body.config {
        if secret.is_empty() || secret == "***" {
            *secret = generated_secret();
        }
    }
    let channel = mgc_alarms::create_channel(state.store.begin().await?, &p.tenant, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(ChannelView { channel })))
}

/// Lists channels (secrets masked).
#[utoipa::path(get, path = "/api/v1/notification-channels", operation_id = "notification_channels_list", tag = "notifications", params(ListQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::channel_views::ChannelPage, description = "a page of channels")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<ChannelView>>, ApiError> {
    p.require(Role::Operator)?;
    Ok(Json(state.store.list_channels(&p.tenant, &q.page()?).await?.map(masked)))
}

async fn load(state: &AppState, tenant: &mgc_kernel::TenantId, id: ChannelId) -> Result<Channel, ApiError> {
    let mut tx = state.store.begin().await?;
    tx.channel(tenant, id).await?.ok_or_else(|| ApiError::not_found(format!("notification channel {id} not found")))
}

/// One channel (secrets masked).
#[utoipa::path(get, path = "/api/v1/notification-channels/{id}", operation_id = "notification_channels_get", tag = "notifications", params(("id" = String, Path, description = "channel id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::channel_views::ChannelView, description = "the channel"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<ChannelView>, ApiError> {
    p.require(Role::Operator)?;
    let id: ChannelId = parse_id(&id, "notification channel")?;
    Ok(Json(masked(load(&state, &p.tenant, id).await?)))
}

/// Replaces a channel; secrets left out or given as `***` are kept.
#[utoipa::path(put, path = "/api/v1/notification-channels/{id}", operation_id = "notification_channels_replace", tag = "notifications", params(("id" = String, Path, description = "channel id")),
    request_body = crate::routes::channel_schemas::ChannelBody, security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::channel_views::ChannelView, description = "the channel"), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChannelInput>,
) -> Result<Json<ChannelView>, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a notification channel")?;
    let id: ChannelId = parse_id(&id, "notification channel")?;
    let channel =
        mgc_alarms::update_channel(state.store.begin().await?, &p.tenant, id, body, state.clock.now()).await?;
    Ok(Json(masked(channel)))
}

/// Deletes a channel; its pending deliveries go to dead letter.
#[utoipa::path(delete, path = "/api/v1/notification-channels/{id}", operation_id = "notification_channels_delete", tag = "notifications", params(("id" = String, Path, description = "channel id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a notification channel")?;
    let id: ChannelId = parse_id(&id, "notification channel")?;
    mgc_alarms::delete_channel(state.store.begin().await?, &p.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The queued test delivery.
#[derive(Debug, Serialize)]
pub struct TestQueued {
    /// Delivery id: follow it at `/api/v1/notifications/{id}`.
    pub notification_id: String,
}

/// Queues a test message to the channel (sent by the worker like any notification).
#[utoipa::path(post, path = "/api/v1/notification-channels/{id}/test", operation_id = "notification_channels_test", tag = "notifications", params(("id" = String, Path, description = "channel id")),
    security(("bearer" = []), ("api_key" = [])), responses((status = 202, body = crate::routes::channel_views::TestQueuedView, description = "queued"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn test(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<TestQueued>), ApiError> {
    p.require(Role::Admin)?;
    p.require_tenant_wide("a notification channel")?;
    let id: ChannelId = parse_id(&id, "notification channel")?;
    let channel = load(&state, &p.tenant, id).await?;
    if !channel.enabled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "channel_disabled",
            format!("notification channel {id} is disabled"),
        ));
    }
    let now = state.clock.now();
    let request = NotificationRequest {
        event: "channel.test".into(),
        alarm_id: None,
        title: format!("Test message for '{}'", channel.name),
        text: format!("This is a test notification from microgrid-cloud, sent by {} at {now}.", p.subject),
        payload: json!({"channel_id": id, "requested_by": p.subject}),
    };
    let mut tx = state.store.begin().await?;
    let ids = mgc_alarms::NotificationRequests::request_notifications(&mut tx, &p.tenant, &[id], &request, now).await?;
    mgc_eventing::UnitOfWork::commit(tx).await?;
    let first = ids.first().ok_or_else(ApiError::internal)?;
    Ok((StatusCode::ACCEPTED, Json(TestQueued { notification_id: first.to_string() })))
}
