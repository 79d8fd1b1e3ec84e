//! `/api/v1/subscriptions`: a tenant's platform subscriptions (receiver URL, signing secret that
//! is never shown again, event types), the test ping and delivery statistics.

use crate::auth::Auth;
use crate::extract::{parse_id, ApiJson, ApiQuery, ListQuery};
use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use mgc_iam::{Principal, Role};
use mgc_kernel::page::Page;
use mgc_platform::{
    stats_of, Subscription, SubscriptionError, SubscriptionId, SubscriptionInput, SubscriptionQueries,
    SubscriptionStats,
};
use serde::Serialize;

impl From<SubscriptionError> for ApiError {
    fn from(e: SubscriptionError) -> Self {
        use SubscriptionError as E;
        let status = match &e {
            E::Repo(r) => return ApiError::from(r.clone()),
            E::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::NotFound(_) => StatusCode::NOT_FOUND,
            E::Disabled(_) => StatusCode::CONFLICT,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

/// Every refusal (for the error-code table test); a new variant does not compile until listed.
#[cfg(test)]
pub(crate) fn refusals() -> Vec<SubscriptionError> {
    use SubscriptionError as E;
    let all = vec![E::Invalid("url: x".into()), E::NotFound(SubscriptionId::new()), E::Disabled(SubscriptionId::new())];
    all.iter().for_each(|e| match e {
        E::Invalid(_) | E::NotFound(_) | E::Disabled(_) | E::Repo(_) => {}
    });
    all
}

/// A subscription as shown to clients: everything but the secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriptionView {
    /// Id (also the `channel_id` of its deliveries at `/api/v1/notifications`).
    #[schema(value_type = String, format = Uuid)]
    pub id: SubscriptionId,
    /// Receiver URL.
    pub url: String,
    /// Event types or globs.
    pub event_types: Vec<String>,
    /// Least seconds between two `session.progress` notices of one session.
    pub progress_interval_s: u32,
    /// Whether new events are queued for it.
    pub enabled: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn view(s: Subscription) -> SubscriptionView {
    SubscriptionView {
        id: s.id,
        url: s.url,
        event_types: s.event_types,
        progress_interval_s: s.progress_interval_s,
        enabled: s.enabled,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

fn admin(p: &Principal) -> Result<(), ApiError> {
    p.require(Role::Admin)?;
    Ok(p.require_tenant_wide("a subscription")?)
}

async fn load(state: &AppState, p: &Principal, id: &str) -> Result<Subscription, ApiError> {
    let id: SubscriptionId = parse_id(id, "subscription")?;
    state.store.get_subscription(&p.tenant, id).await?.ok_or_else(|| SubscriptionError::NotFound(id).into())
}

/// Creates a subscription (the secret is required and never shown again).
#[utoipa::path(post, path = "/api/v1/subscriptions", operation_id = "subscriptions_create", tag = "subscriptions",
    request_body(content = crate::routes::subscription_bodies::SubscriptionCreateBody, description = "the receiver, its secret and the event types (docs/third-party.md)"),
    security(("bearer" = []), ("api_key" = [])),
    responses((status = 201, body = SubscriptionView, description = "the subscription, without its secret"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiJson(body): ApiJson<SubscriptionInput>,
) -> Result<(StatusCode, Json<SubscriptionView>), ApiError> {
    admin(&p)?;
    let sub = mgc_platform::create_subscription(state.store.begin().await?, &p.tenant, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(view(sub))))
}

/// Lists the tenant's subscriptions, newest first.
#[utoipa::path(get, path = "/api/v1/subscriptions", operation_id = "subscriptions_list", tag = "subscriptions", params(ListQuery),
    security(("bearer" = []), ("api_key" = [])), responses((status = 200, body = crate::routes::subscription_views::SubscriptionPage, description = "a page of subscriptions")))]
pub async fn list(
    State(state): State<AppState>,
    Auth(p): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Page<SubscriptionView>>, ApiError> {
    admin(&p)?;
    Ok(Json(state.store.list_subscriptions(&p.tenant, &q.page()?).await?.map(view)))
}

/// One subscription.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}", operation_id = "subscriptions_get", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SubscriptionView, description = "the subscription"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionView>, ApiError> {
    admin(&p)?;
    Ok(Json(view(load(&state, &p, &id).await?)))
}

/// Replaces a subscription's settings; a secret left out is kept.
#[utoipa::path(put, path = "/api/v1/subscriptions/{id}", operation_id = "subscriptions_replace", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")),
    request_body(content = crate::routes::subscription_bodies::SubscriptionReplaceBody, description = "as for POST; a secret left out is kept"), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = SubscriptionView, description = "the subscription"), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SubscriptionInput>,
) -> Result<Json<SubscriptionView>, ApiError> {
    admin(&p)?;
    let id: SubscriptionId = parse_id(&id, "subscription")?;
    let tx = state.store.begin().await?;
    let sub = mgc_platform::update_subscription(tx, &p.tenant, id, body, state.clock.now()).await?;
    Ok(Json(view(sub)))
}

/// Deletes a subscription; its unsent deliveries go to dead letter.
#[utoipa::path(delete, path = "/api/v1/subscriptions/{id}", operation_id = "subscriptions_delete", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    admin(&p)?;
    let id: SubscriptionId = parse_id(&id, "subscription")?;
    mgc_platform::delete_subscription(state.store.begin().await?, &p.tenant, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The queued ping.
#[derive(Debug, Serialize)]
pub struct PingQueued {
    /// Delivery id: follow it at `/api/v1/notifications/{id}`.
    pub notification_id: String,
}

/// Queues a signed `ping` to the subscription, sent like every notification.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/ping", operation_id = "subscriptions_ping", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 202, body = crate::routes::subscription_views::PingQueuedView, description = "queued"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn ping(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<PingQueued>), ApiError> {
    admin(&p)?;
    let id: SubscriptionId = parse_id(&id, "subscription")?;
    let tx = state.store.begin().await?;
    let delivery = mgc_platform::ping_subscription(tx, &p.tenant, id, &p.subject, state.clock.now()).await?;
    Ok((StatusCode::ACCEPTED, Json(PingQueued { notification_id: delivery.to_string() })))
}

/// Delivery statistics: counts by state, success rate, latency percentiles.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}/stats", operation_id = "subscriptions_stats", tag = "subscriptions",
    params(("id" = String, Path, description = "subscription id")), security(("bearer" = []), ("api_key" = [])),
    responses((status = 200, body = crate::routes::subscription_views::SubscriptionStatsView, description = "counts by state, success rate and latency percentiles"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    Auth(p): Auth,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionStats>, ApiError> {
    admin(&p)?;
    let sub = load(&state, &p, &id).await?;
    let figures = state.store.delivery_figures(&p.tenant, sub.id).await?;
    Ok(Json(stats_of(sub.id, figures)))
}
