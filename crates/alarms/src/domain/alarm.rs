//! The alarm aggregate: ThingsBoard-like flags (acknowledged, cleared) and its history.

use crate::{AlarmError, AlarmId, RuleId, Severity};
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};

/// One alarm: at most one open (not cleared) per (rule, originator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    /// Id.
    pub id: AlarmId,
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: Option<TenantId>,
    /// Rule that raised it.
    pub rule_id: RuleId,
    /// Rule version that raised it.
    pub rule_version: i64,
    /// Originator device.
    pub device_id: DeviceId,
    /// Station of the device.
    pub station_id: StationId,
    /// Current severity.
    pub severity: Severity,
    /// Acknowledged by an operator.
    pub acknowledged: bool,
    /// Cleared (by its condition or an operator).
    pub cleared: bool,
    /// When the condition started to hold.
    pub started_at: DateTime<Utc>,
    /// Last time the condition was seen holding.
    pub ended_at: DateTime<Utc>,
    /// When acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Who acknowledged.
    pub acknowledged_by: Option<String>,
    /// When cleared.
    pub cleared_at: Option<DateTime<Utc>>,
    /// Who cleared (`system` for the clear condition).
    pub cleared_by: Option<String>,
    /// Assigned user.
    pub assignee: Option<String>,
    /// Rendered message.
    pub message: String,
    /// Triggering point.
    pub point: Option<String>,
    /// Last triggering value.
    pub last_value: Option<f64>,
    /// Threshold text.
    pub threshold: Option<String>,
    /// Times the condition was seen holding.
    pub count: i64,
    /// When an unacknowledged alarm escalates.
    pub escalate_at: Option<DateTime<Utc>>,
    /// When it escalated.
    pub escalated_at: Option<DateTime<Utc>>,
    /// Whether any notification went out for it.
    pub notified: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One state change of an alarm (the history and the SSE stream).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Stream position (assigned on insert; SSE event id).
    pub seq: i64,
    /// Alarm.
    pub alarm_id: AlarmId,
    /// Rule.
    pub rule_id: RuleId,
    /// Originator device.
    pub device_id: DeviceId,
    /// Station.
    pub station_id: StationId,
    /// `raised`, `severity_changed`, `acknowledged`, `cleared`, `assigned`, `escalated`.
    pub action: String,
    /// `system` or the operator.
    pub actor: String,
    /// Operator comment or details.
    pub comment: Option<String>,
    /// Severity after the change.
    pub severity: Severity,
    /// Status after the change.
    pub status: String,
    /// Message of the alarm.
    pub message: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl Alarm {
    /// `active_unack`, `active_ack`, `cleared_unack` or `cleared_ack`.
    pub fn status(&self) -> &'static str {
        match (self.cleared, self.acknowledged) {
            (false, false) => "active_unack",
            (false, true) => "active_ack",
            (true, false) => "cleared_unack",
            (true, true) => "cleared_ack",
        }
    }

    /// A history entry describing the alarm as it is now.
    pub fn entry(&self, action: &str, actor: &str, comment: Option<String>, at: DateTime<Utc>) -> HistoryEntry {
        HistoryEntry {
            seq: 0,
            alarm_id: self.id,
            rule_id: self.rule_id,
            device_id: self.device_id,
            station_id: self.station_id,
            action: action.to_owned(),
            actor: actor.to_owned(),
            comment,
            severity: self.severity,
            status: self.status().to_owned(),
            message: self.message.clone(),
            at,
        }
    }

    /// Operator acknowledgement; refused when already acknowledged.
    pub fn acknowledge(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), AlarmError> {
        if self.acknowledged {
            return Err(AlarmError::AlreadyAcknowledged(self.id));
        }
        self.acknowledged = true;
        self.acknowledged_at = Some(at);
        self.acknowledged_by = Some(by.to_owned());
        self.updated_at = at;
        Ok(())
    }

    /// Clear by an operator or the clear condition; refused when already cleared.
    pub fn clear(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), AlarmError> {
        if self.cleared {
            return Err(AlarmError::AlreadyCleared(self.id));
        }
        self.cleared = true;
        self.cleared_at = Some(at);
        self.cleared_by = Some(by.to_owned());
        self.updated_at = at;
        Ok(())
    }
}

/// Whether a status filter value is valid.
pub fn is_status(s: &str) -> bool {
    matches!(
        s,
        "active_unack" | "active_ack" | "cleared_unack" | "cleared_ack" | "active" | "cleared" | "unack" | "ack"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm() -> Alarm {
        let now = Utc::now();
        Alarm {
            id: AlarmId::new(),
            tenant: None,
            rule_id: RuleId::new(),
            rule_version: 1,
            device_id: DeviceId::new(),
            station_id: StationId::new(),
            severity: Severity::Major,
            acknowledged: false,
            cleared: false,
            started_at: now,
            ended_at: now,
            acknowledged_at: None,
            acknowledged_by: None,
            cleared_at: None,
            cleared_by: None,
            assignee: None,
            message: "m".into(),
            point: None,
            last_value: None,
            threshold: None,
            count: 1,
            escalate_at: None,
            escalated_at: None,
            notified: false,
            updated_at: now,
        }
    }

    #[test]
    fn given_alarm_when_acked_and_cleared_then_status_walks_the_four_states() {
        let mut a = alarm();
        assert_eq!(a.status(), "active_unack");
        a.acknowledge("op", Utc::now()).unwrap();
        assert_eq!(a.status(), "active_ack");
        assert_eq!(a.acknowledge("op", Utc::now()), Err(AlarmError::AlreadyAcknowledged(a.id)));
        a.clear("op", Utc::now()).unwrap();
        assert_eq!(a.status(), "cleared_ack");
        assert!(a.clear("op", Utc::now()).is_err());
        let mut b = alarm();
        b.clear("system", Utc::now()).unwrap();
        assert_eq!(b.status(), "cleared_unack");
    }
}
