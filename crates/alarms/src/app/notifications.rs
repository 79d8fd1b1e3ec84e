//! Builds the notification requests of alarm changes and queues them in the unit of work.

use crate::domain::alarm::Alarm;
use crate::domain::delivery::NotificationRequest;
use crate::domain::ports::{NotificationRequests, Originator};
use crate::domain::rule::AlarmRule;
use crate::ChannelId;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};
use serde_json::json;

/// The request telling channels about `event` (`alarm.raised`, ...) of `alarm`.
pub fn request_for(event: &str, alarm: &Alarm, rule_name: &str, origin: Option<&Originator>) -> NotificationRequest {
    let verb = match event {
        "alarm.raised" => "raised",
        "alarm.severity_changed" => "severity changed",
        "alarm.cleared" => "cleared",
        "alarm.escalated" => "unacknowledged (escalated)",
        other => other,
    };
    let title = format!("[{}] {rule_name}: {verb}", alarm.severity.as_str().to_uppercase());
    let text = if event == "alarm.cleared" { format!("Cleared: {}", alarm.message) } else { alarm.message.clone() };
    let mut alarm_json = serde_json::to_value(alarm).unwrap_or_default();
    if let Some(obj) = alarm_json.as_object_mut() {
        obj.insert("status".into(), json!(alarm.status()));
    }
    let payload = json!({
        "alarm": alarm_json,
        "rule": {"id": alarm.rule_id, "name": rule_name, "version": alarm.rule_version},
        "device": origin.map(|o| json!({"id": o.device_id, "name": o.device_name, "kind": o.kind})),
        "station": origin.map(|o| json!({"id": o.station_id, "name": o.station_name})),
    });
    NotificationRequest { event: event.to_owned(), alarm_id: Some(alarm.id), title, text, payload }
}

/// Queues one delivery per channel in `tx`; nothing when there are no channels.
pub async fn notify<T: NotificationRequests + ?Sized>(
    tx: &mut T,
    tenant: &TenantId,
    channels: &[ChannelId],
    request: &NotificationRequest,
    at: DateTime<Utc>,
) -> Result<usize, RepoError> {
    if channels.is_empty() {
        return Ok(0);
    }
    Ok(tx.request_notifications(tenant, channels, request, at).await?.len())
}

/// The rule's channels for ordinary notifications.
pub fn channels_of(rule: &AlarmRule) -> &[ChannelId] {
    &rule.spec.channels
}
