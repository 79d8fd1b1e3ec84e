//! Schema-only responses of subscriptions: a page of them, the queued ping, and the OpenAPI
//! statement of how `mgc_platform::SubscriptionStats` serializes (the handler returns it; these
//! only describe it, so they must follow it field by field: an `Option` serializes as `null`).

#![allow(dead_code)]

use crate::routes::subscriptions::SubscriptionView;
use serde::Deserialize;
use utoipa::ToSchema;

/// One page of subscriptions.
#[derive(ToSchema)]
pub struct SubscriptionPage {
    /// Subscriptions, newest first.
    items: Vec<SubscriptionView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// The queued ping.
#[derive(Deserialize, ToSchema)]
pub struct PingQueuedView {
    /// Delivery id: follow it at `/api/v1/notifications/{id}`.
    #[schema(format = Uuid)]
    notification_id: String,
}

/// Latency percentiles (nearest rank) of delivered notifications, ms (`Latency`).
#[derive(Deserialize, ToSchema)]
pub struct LatencyView {
    /// Deliveries measured.
    count: u64,
    /// Median (null before any).
    #[schema(required = true)]
    p50_ms: Option<i64>,
    /// 95th percentile.
    #[schema(required = true)]
    p95_ms: Option<i64>,
    /// 99th percentile.
    #[schema(required = true)]
    p99_ms: Option<i64>,
    /// Slowest.
    #[schema(required = true)]
    max_ms: Option<i64>,
}

/// Delivery statistics of a subscription (`mgc_platform::SubscriptionStats`).
#[derive(Deserialize, ToSchema)]
pub struct SubscriptionStatsView {
    /// The subscription.
    #[schema(format = Uuid)]
    subscription_id: String,
    /// Accepted by the receiver.
    delivered: i64,
    /// Waiting for a first attempt.
    pending: i64,
    /// Failed, another attempt scheduled.
    retrying: i64,
    /// Given up (dead letter, replayable).
    dead: i64,
    /// Attempts made.
    attempts: i64,
    /// Attempts that failed.
    failed_attempts: i64,
    /// delivered / (delivered + dead), 0..=1; null before any delivery finished.
    #[schema(required = true, minimum = 0.0, maximum = 1.0)]
    success_rate: Option<f64>,
    /// From queueing to acceptance.
    latency: LatencyView,
}
