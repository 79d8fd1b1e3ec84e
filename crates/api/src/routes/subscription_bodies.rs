//! The documented request bodies of `/api/v1/subscriptions` (the handlers read them as
//! [`mgc_platform::SubscriptionInput`], which checks the same rules).

use serde::Deserialize;
use utoipa::ToSchema;

/// An event type, or a glob of a group of them.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum EventPattern {
    /// A charge point came online.
    #[serde(rename = "device.online")]
    DeviceOnline,
    /// A charge point went offline.
    #[serde(rename = "device.offline")]
    DeviceOffline,
    /// A port's status or error code changed.
    #[serde(rename = "port.status_changed")]
    PortStatusChanged,
    /// A session started.
    #[serde(rename = "session.started")]
    SessionStarted,
    /// A session's energy or state, at most once per `progress_interval_s`.
    #[serde(rename = "session.progress")]
    SessionProgress,
    /// A session ended.
    #[serde(rename = "session.ended")]
    SessionEnded,
    /// A pile uploaded its settlement record.
    #[serde(rename = "settlement.uploaded")]
    SettlementUploaded,
    /// An alarm was raised.
    #[serde(rename = "alarm.raised")]
    AlarmRaised,
    /// An alarm's severity changed.
    #[serde(rename = "alarm.severity_changed")]
    AlarmSeverityChanged,
    /// An alarm was acknowledged.
    #[serde(rename = "alarm.acknowledged")]
    AlarmAcknowledged,
    /// An alarm was cleared.
    #[serde(rename = "alarm.cleared")]
    AlarmCleared,
    /// Both device events.
    #[serde(rename = "device.*")]
    Devices,
    /// Port events.
    #[serde(rename = "port.*")]
    Ports,
    /// Every session event.
    #[serde(rename = "session.*")]
    Sessions,
    /// Settlement events.
    #[serde(rename = "settlement.*")]
    Settlements,
    /// Every alarm event.
    #[serde(rename = "alarm.*")]
    Alarms,
    /// Everything.
    #[serde(rename = "*")]
    All,
}

/// `POST /api/v1/subscriptions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCreateBody {
    /// Receiver URL: http or https, ASCII URL characters (no IPv6 literal).
    #[schema(max_length = 2000, pattern = "^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")]
    pub url: String,
    /// Signing secret: 16 to 256 characters, never shown again.
    #[schema(min_length = 16, max_length = 256, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub secret: String,
    /// Event types or globs.
    #[schema(min_items = 1, max_items = 32)]
    pub event_types: Vec<EventPattern>,
    /// Least seconds between two `session.progress` notices of a session (default 60).
    #[schema(minimum = 0, maximum = 86400)]
    pub progress_interval_s: Option<u32>,
    /// Enabled (default true).
    pub enabled: Option<bool>,
}

/// `PUT /api/v1/subscriptions/{id}`: as for `POST`, the secret left out (or null) is kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionReplaceBody {
    /// Receiver URL: http or https, ASCII URL characters (no IPv6 literal).
    #[schema(max_length = 2000, pattern = "^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")]
    pub url: String,
    /// A new signing secret: 16 to 256 characters.
    #[schema(min_length = 16, max_length = 256, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub secret: Option<String>,
    /// Event types or globs.
    #[schema(min_items = 1, max_items = 32)]
    pub event_types: Vec<EventPattern>,
    /// Least seconds between two `session.progress` notices of a session (kept when left out).
    #[schema(minimum = 0, maximum = 86400)]
    pub progress_interval_s: Option<u32>,
    /// Enabled (kept when left out).
    pub enabled: Option<bool>,
}
