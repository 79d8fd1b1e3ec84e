//! Schema-only responses of notifications: the OpenAPI statement of how
//! `mgc_alarms::Delivery` serializes (the handlers return it; these only describe it, so they
//! must follow it field by field: an `Option` serializes as `null`, so it is required and nullable).

#![allow(dead_code)]

use serde::Deserialize;
use utoipa::ToSchema;

/// Where a delivery stands (`DeliveryState`).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStateName {
    /// Waiting for its first attempt.
    Pending,
    /// Failed at least once; another attempt is scheduled.
    Retrying,
    /// Receiver accepted it.
    Delivered,
    /// Gave up; retry by hand.
    Dead,
}

/// One notification to one channel or subscription (`mgc_alarms::Delivery`).
#[derive(Deserialize, ToSchema)]
pub struct DeliveryView {
    /// Id (also the receiver's idempotency key).
    #[schema(format = Uuid)]
    id: String,
    /// Channel (or subscription).
    #[schema(format = Uuid)]
    channel_id: String,
    /// `alarm.raised`, `alarm.severity_changed`, `alarm.cleared`, `alarm.escalated`,
    /// `channel.test`, or a subscription's event type.
    event: String,
    /// The alarm (null for other events).
    #[schema(format = Uuid, required = true)]
    alarm_id: Option<String>,
    /// Short title.
    title: String,
    /// Rendered message text.
    text: String,
    /// The event's snapshot for the webhook envelope (its fields depend on `event`).
    #[schema(value_type = Object)]
    payload: String,
    /// State.
    state: DeliveryStateName,
    /// Attempts made.
    attempts: u32,
    /// Next attempt (pending/retrying).
    #[schema(format = DateTime)]
    next_attempt_at: String,
    /// Created.
    #[schema(format = DateTime)]
    created_at: String,
    /// Start of its age (created, or the last manual retry).
    #[schema(format = DateTime)]
    age_from: String,
    /// Last error.
    #[schema(required = true)]
    last_error: Option<String>,
    /// When delivered.
    #[schema(format = DateTime, required = true)]
    delivered_at: Option<String>,
}

/// One page of deliveries.
#[derive(Deserialize, ToSchema)]
pub struct DeliveryPage {
    /// Deliveries, newest first.
    items: Vec<DeliveryView>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
