//! Notifications as persisted delivery records, one per channel.

use crate::{AlarmId, ChannelId, DeliveryId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What to tell channels about an alarm change (rendered once, sent to each channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRequest {
    /// `alarm.raised`, `alarm.severity_changed`, `alarm.cleared`, `alarm.escalated`, `channel.test`.
    pub event: String,
    /// The alarm (none for tests).
    pub alarm_id: Option<AlarmId>,
    /// Short title.
    pub title: String,
    /// Rendered message text.
    pub text: String,
    /// Alarm snapshot for the webhook envelope.
    pub payload: serde_json::Value,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its first attempt.
    Pending,
    /// Failed at least once; another attempt is scheduled.
    Retrying,
    /// Receiver accepted it.
    Delivered,
    /// Gave up (max attempts or max age); retry by hand.
    Dead,
}

impl DeliveryState {
    /// snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Dead => "dead",
        }
    }

    /// Parses a stored or queried name.
    pub fn parse(s: &str) -> Option<Self> {
        [DeliveryState::Pending, DeliveryState::Retrying, DeliveryState::Delivered, DeliveryState::Dead]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// One notification to one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Id (also the receiver's idempotency key).
    pub id: DeliveryId,
    /// Channel.
    pub channel_id: ChannelId,
    /// The request.
    #[serde(flatten)]
    pub request: NotificationRequest,
    /// State.
    pub state: DeliveryState,
    /// Attempts made.
    pub attempts: u32,
    /// Next attempt (pending/retrying).
    pub next_attempt_at: DateTime<Utc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Start of its age (created, or the last manual retry).
    pub age_from: DateTime<Utc>,
    /// Last error.
    pub last_error: Option<String>,
    /// When delivered.
    pub delivered_at: Option<DateTime<Utc>>,
}
