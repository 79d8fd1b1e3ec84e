//! Events about alarms: raised, severity changed, acknowledged, cleared.

use crate::IntegrationEvent;
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A rule raised a new alarm for an originator (device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmRaised {
    /// The alarm.
    pub alarm_id: Uuid,
    /// The rule that raised it.
    pub rule_id: Uuid,
    /// Rule version that raised it.
    pub rule_version: i64,
    /// Originator device.
    pub device_id: DeviceId,
    /// Station of the device.
    pub station_id: StationId,
    /// `critical`, `major`, `minor`, `warning` or `info`.
    pub severity: String,
    /// Rendered message.
    pub message: String,
    /// Value that triggered it (none for no-data alarms).
    pub value: Option<f64>,
    /// When the condition started to hold.
    pub started_at: DateTime<Utc>,
}

impl IntegrationEvent for AlarmRaised {
    const TYPE: &'static str = "alarms.alarm_raised";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("alarm", self.alarm_id.to_string())
    }
}

/// An open alarm escalated or de-escalated to another severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmSeverityChanged {
    /// The alarm.
    pub alarm_id: Uuid,
    /// Station of the originator.
    pub station_id: StationId,
    /// Severity before.
    pub from: String,
    /// Severity now.
    pub to: String,
    /// Value that caused the change.
    pub value: Option<f64>,
}

impl IntegrationEvent for AlarmSeverityChanged {
    const TYPE: &'static str = "alarms.alarm_severity_changed";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("alarm", self.alarm_id.to_string())
    }
}

/// An operator acknowledged an alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmAcknowledged {
    /// The alarm.
    pub alarm_id: Uuid,
    /// Station of the originator.
    pub station_id: StationId,
    /// Who acknowledged it.
    pub by: String,
    /// Their comment.
    pub comment: Option<String>,
}

impl IntegrationEvent for AlarmAcknowledged {
    const TYPE: &'static str = "alarms.alarm_acknowledged";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("alarm", self.alarm_id.to_string())
    }
}

/// An alarm was cleared, by its clear condition (`by` = `system`) or by an operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmCleared {
    /// The alarm.
    pub alarm_id: Uuid,
    /// Station of the originator.
    pub station_id: StationId,
    /// `system` or the operator.
    pub by: String,
    /// Operator comment.
    pub comment: Option<String>,
    /// When it was cleared.
    pub cleared_at: DateTime<Utc>,
}

impl IntegrationEvent for AlarmCleared {
    const TYPE: &'static str = "alarms.alarm_cleared";
    const VERSION: u32 = 1;
    fn aggregate(&self) -> (&'static str, String) {
        ("alarm", self.alarm_id.to_string())
    }
}
