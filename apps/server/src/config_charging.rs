//! The `[charging]` configuration section: retention of the charging audit trail (timeline), and
//! the benchmark switch that turns it off.

use mgc_charging::TimelineRetention;
use serde::{Deserialize, Serialize};

/// Retention of the charging timeline and how often it is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChargingConfig {
    /// Days the timeline events of an ended session are kept (an open session's are never deleted).
    pub timeline_session_days: u32,
    /// Days the timeline events without a session (connects, boots, status changes) are kept.
    pub timeline_event_days: u32,
    /// Seconds between two retention sweeps of the timeline.
    pub timeline_sweep_interval_s: u64,
    /// Record the timeline (default). Off only to measure what the audit trail costs
    /// (`just bench-notify`): the audit trail the charging issue requires is then missing.
    pub timeline_enabled: bool,
}

impl Default for ChargingConfig {
    fn default() -> Self {
        let retention = TimelineRetention::default();
        Self {
            timeline_session_days: retention.session_days,
            timeline_event_days: retention.event_days,
            timeline_sweep_interval_s: 3600,
            timeline_enabled: true,
        }
    }
}

impl ChargingConfig {
    /// The retention, or the first invalid setting named.
    pub fn retention(&self) -> Result<TimelineRetention, String> {
        if self.timeline_session_days == 0 {
            return Err("charging.timeline_session_days: must be at least 1".into());
        }
        if self.timeline_event_days == 0 {
            return Err("charging.timeline_event_days: must be at least 1".into());
        }
        if self.timeline_sweep_interval_s == 0 {
            return Err("charging.timeline_sweep_interval_s: must be at least 1".into());
        }
        TimelineRetention { session_days: self.timeline_session_days, event_days: self.timeline_event_days }
            .validated()
            .map_err(|e| format!("charging: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_defaults_then_thirty_and_seven_days_and_zero_days_are_refused() {
        let r = ChargingConfig::default().retention().unwrap();
        assert_eq!((r.session_days, r.event_days), (30, 7));
        assert!(ChargingConfig::default().timeline_enabled, "the audit trail is recorded unless switched off");
        let zero = ChargingConfig { timeline_event_days: 0, ..Default::default() };
        assert_eq!(zero.retention().unwrap_err(), "charging.timeline_event_days: must be at least 1");
    }
}
