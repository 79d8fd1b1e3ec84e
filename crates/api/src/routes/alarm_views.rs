//! Schema-only responses of alarms: the OpenAPI statement of how `AlarmView` (a
//! `mgc_alarms::Alarm` with its status and history) serializes (the handlers return it; these only
//! describe it, so they must follow it field by field: an `Option` serializes as `null`, so it is
//! required and nullable; `history` is left out of lists and writes).

#![allow(dead_code)]

use crate::routes::alarm_rule_schemas::SeverityName;
use serde::Deserialize;
use utoipa::ToSchema;

/// `active_unack`, `active_ack`, `cleared_unack` or `cleared_ack`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlarmStatusName {
    /// Active, not acknowledged.
    ActiveUnack,
    /// Active, acknowledged.
    ActiveAck,
    /// Cleared, not acknowledged.
    ClearedUnack,
    /// Cleared and acknowledged.
    ClearedAck,
}

/// One state change of an alarm (`mgc_alarms::HistoryEntry`).
#[derive(Deserialize, ToSchema)]
pub struct AlarmHistoryView {
    /// Stream position (the SSE event id).
    seq: i64,
    /// Alarm.
    #[schema(format = Uuid)]
    alarm_id: String,
    /// Rule.
    #[schema(format = Uuid)]
    rule_id: String,
    /// Originator device.
    #[schema(format = Uuid)]
    device_id: String,
    /// Station.
    #[schema(format = Uuid)]
    station_id: String,
    /// `raised`, `severity_changed`, `acknowledged`, `cleared`, `assigned`, `escalated`.
    action: String,
    /// `system` or the operator.
    actor: String,
    /// Operator comment or details.
    #[schema(required = true)]
    comment: Option<String>,
    /// Severity after the change.
    severity: SeverityName,
    /// Status after the change.
    status: AlarmStatusName,
    /// Message of the alarm.
    message: String,
    /// When.
    #[schema(format = DateTime)]
    at: String,
}

/// An alarm with its status (and, read alone, its history).
#[derive(Deserialize, ToSchema)]
pub struct AlarmViewBody {
    /// Id.
    #[schema(format = Uuid)]
    id: String,
    /// Rule that raised it.
    #[schema(format = Uuid)]
    rule_id: String,
    /// Rule version that raised it.
    rule_version: i64,
    /// Originator device.
    #[schema(format = Uuid)]
    device_id: String,
    /// Station of the device.
    #[schema(format = Uuid)]
    station_id: String,
    /// Current severity.
    severity: SeverityName,
    /// Acknowledged by an operator.
    acknowledged: bool,
    /// Cleared (by its condition or an operator).
    cleared: bool,
    /// When the condition started to hold.
    #[schema(format = DateTime)]
    started_at: String,
    /// Last time the condition was seen holding.
    #[schema(format = DateTime)]
    ended_at: String,
    /// When acknowledged.
    #[schema(format = DateTime, required = true)]
    acknowledged_at: Option<String>,
    /// Who acknowledged.
    #[schema(required = true)]
    acknowledged_by: Option<String>,
    /// When cleared.
    #[schema(format = DateTime, required = true)]
    cleared_at: Option<String>,
    /// Who cleared (`system` for the clear condition).
    #[schema(required = true)]
    cleared_by: Option<String>,
    /// Assigned user.
    #[schema(required = true)]
    assignee: Option<String>,
    /// Rendered message.
    message: String,
    /// Triggering point.
    #[schema(required = true)]
    point: Option<String>,
    /// Last triggering value.
    #[schema(required = true)]
    last_value: Option<f64>,
    /// Threshold text.
    #[schema(required = true)]
    threshold: Option<String>,
    /// Times the condition was seen holding.
    count: i64,
    /// When an unacknowledged alarm escalates.
    #[schema(format = DateTime, required = true)]
    escalate_at: Option<String>,
    /// When it escalated.
    #[schema(format = DateTime, required = true)]
    escalated_at: Option<String>,
    /// Whether any notification went out for it.
    notified: bool,
    /// Last change.
    #[schema(format = DateTime)]
    updated_at: String,
    /// Status.
    status: AlarmStatusName,
    /// Every state change, oldest first (single-alarm reads only).
    #[serde(default)]
    history: Vec<AlarmHistoryView>,
}

/// One page of alarms.
#[derive(Deserialize, ToSchema)]
pub struct AlarmPage {
    /// Alarms, newest first.
    items: Vec<AlarmViewBody>,
    /// Cursor of the next page (null on the last).
    #[schema(required = true)]
    next_cursor: Option<String>,
}
