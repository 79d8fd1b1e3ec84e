//! Alarm rules: scope, trigger (threshold levels or no-data), schedule, message, channels.

use crate::domain::condition::Condition;
use crate::domain::schedule::Schedule;
use crate::domain::template::validate_template;
use crate::{ChannelId, RuleId, Severity};
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which devices a rule watches: all of these that are set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Devices of this station only.
    #[serde(default)]
    pub station_id: Option<StationId>,
    /// This device only.
    #[serde(default)]
    pub device_id: Option<DeviceId>,
    /// Devices of this kind only (e.g. `pv_inverter`).
    #[serde(default)]
    pub device_kind: Option<String>,
}

impl Scope {
    /// Whether a device with this station and kind is in scope.
    pub fn matches(&self, device: DeviceId, station: StationId, kind: &str) -> bool {
        self.device_id.is_none_or(|d| d == device)
            && self.station_id.is_none_or(|s| s == station)
            && self.device_kind.as_deref().is_none_or(|k| k == kind)
    }
}

/// One severity level of a threshold rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    /// Severity raised while the condition holds.
    pub severity: Severity,
    /// The condition.
    pub condition: Condition,
}

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Trigger {
    /// Conditions on latest values, highest severity first.
    Threshold {
        /// Levels sorted highest severity first.
        levels: Vec<Level>,
        /// Explicit clear condition (else: no level holds within the hysteresis margin).
        clear_condition: Option<Condition>,
        /// Margin a value must pass the threshold by before a level stops holding.
        hysteresis: f64,
        /// Seconds a condition must hold before it raises (0 = at once).
        duration_secs: u64,
        /// Consecutive samples a condition must hold for (1 = the first).
        repeat_count: u32,
    },
    /// Device (or the listed points) silent for a while.
    NoData {
        /// Points watched (empty = any point of the device).
        points: Vec<String>,
        /// Seconds of silence that raise.
        silent_secs: u64,
        /// Severity raised.
        severity: Severity,
    },
}

/// Notify more channels when an alarm stays unacknowledged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Seconds after the alarm started.
    pub after_secs: u64,
    /// Channels notified once.
    pub channels: Vec<ChannelId>,
}

/// A validated rule definition (what the API accepts and the rule stores).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Human name.
    pub name: String,
    /// Devices watched.
    pub scope: Scope,
    /// What fires it.
    pub trigger: Trigger,
    /// When it may raise (None = always).
    pub schedule: Option<Schedule>,
    /// Message template.
    pub message: String,
    /// Channels notified on raise, severity change and clear.
    pub channels: Vec<ChannelId>,
    /// Minimum seconds between two notifications of one alarm (raise and severity changes).
    pub cooldown_secs: u64,
    /// Escalation when unacknowledged.
    pub escalation: Option<Escalation>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlarmRule {
    /// Id.
    pub id: RuleId,
    /// Owner tenant.
    pub tenant: TenantId,
    /// Version, +1 per change.
    pub version: i64,
    /// Whether it is evaluated.
    pub enabled: bool,
    /// The definition.
    pub spec: RuleSpec,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The JSON body of `POST`/`PUT /api/v1/alarm-rules`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// Human name.
    pub name: String,
    /// Enabled (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Devices watched.
    #[serde(default)]
    pub scope: Scope,
    /// `threshold` (default) or `no_data`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Severity of a single-level threshold or a no-data rule.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Condition of a single-level threshold rule.
    #[serde(default)]
    pub condition: Option<Value>,
    /// Per-severity conditions (`[{"severity": .., "condition": ..}]`).
    #[serde(default)]
    pub levels: Option<Vec<LevelInput>>,
    /// Explicit clear condition.
    #[serde(default)]
    pub clear_condition: Option<Value>,
    /// Hysteresis margin.
    #[serde(default)]
    pub hysteresis: Option<f64>,
    /// Seconds the condition must hold.
    #[serde(default)]
    pub duration_secs: Option<u64>,
    /// Consecutive samples the condition must hold for.
    #[serde(default)]
    pub repeat_count: Option<u32>,
    /// No-data: seconds of silence.
    #[serde(default)]
    pub no_data_secs: Option<u64>,
    /// No-data: points watched.
    #[serde(default)]
    pub points: Option<Vec<String>>,
    /// Active hours.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// Message template.
    #[serde(default)]
    pub message: Option<String>,
    /// Channel ids.
    #[serde(default)]
    pub channels: Vec<ChannelId>,
    /// Cooldown seconds.
    #[serde(default)]
    pub cooldown_secs: u64,
    /// Escalation.
    #[serde(default)]
    pub escalation: Option<Escalation>,
}

/// One level of a [`RuleInput`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelInput {
    /// Severity.
    pub severity: Severity,
    /// Condition (API form).
    pub condition: Value,
}

/// Longest duration, silence, cooldown or escalation delay a rule may ask for (30 days).
pub const MAX_SECS: u64 = 30 * 24 * 3600;

/// Default message when a rule gives none.
pub const DEFAULT_MESSAGE: &str =
    "[{severity}] {rule}: {device} at {station}: {point} = {value} ({threshold}) at {time}";

impl RuleInput {
    /// Validates into a rule definition; the message names the bad field.
    pub fn into_spec(self) -> Result<(RuleSpec, bool), String> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || self.name.chars().count() > 200 {
            return Err("name: required, not blank, at most 200 characters as sent".into());
        }
        let trigger = match self.kind.as_deref().unwrap_or("threshold") {
            "threshold" => self.threshold_trigger()?,
            "no_data" => self.no_data_trigger()?,
            other => return Err(format!("type: unknown rule type '{other}' (threshold, no_data)")),
        };
        if let Some(s) = &self.schedule {
            s.validate()?;
        }
        let message = self.message.clone().unwrap_or_else(|| DEFAULT_MESSAGE.to_owned());
        if message.chars().count() > 2000 {
            return Err("message: at most 2000 characters".into());
        }
        validate_template(&message)?;
        if let Some(e) = &self.escalation {
            if e.after_secs == 0 || e.channels.is_empty() {
                return Err("escalation: after_secs must be positive and channels non-empty".into());
            }
        }
        let seconds = [
            ("duration_secs", self.duration_secs),
            ("no_data_secs", self.no_data_secs),
            ("cooldown_secs", Some(self.cooldown_secs)),
            ("escalation.after_secs", self.escalation.as_ref().map(|e| e.after_secs)),
        ];
        if let Some((field, v)) = seconds.iter().find_map(|(f, v)| v.filter(|v| *v > MAX_SECS).map(|v| (f, v))) {
            return Err(format!("{field}: {v} is more than {MAX_SECS} (30 days)"));
        }
        let spec = RuleSpec {
            name,
            scope: self.scope,
            trigger,
            schedule: self.schedule,
            message,
            channels: self.channels,
            cooldown_secs: self.cooldown_secs,
            escalation: self.escalation,
        };
        Ok((spec, self.enabled.unwrap_or(true)))
    }

    fn threshold_trigger(&self) -> Result<Trigger, String> {
        if self.no_data_secs.is_some() || self.points.is_some() {
            return Err("no_data_secs/points: only for type no_data".into());
        }
        let mut levels = match (&self.condition, &self.levels) {
            (Some(c), None) => vec![Level {
                severity: self.severity.ok_or("severity: required with condition")?,
                condition: Condition::parse(c, "condition")?,
            }],
            (None, Some(levels)) if !levels.is_empty() => {
                if self.severity.is_some() {
                    return Err("severity: give it per level, not beside levels".into());
                }
                levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        Ok(Level {
                            severity: l.severity,
                            condition: Condition::parse(&l.condition, &format!("levels[{i}].condition"))?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?
            }
            (Some(_), Some(_)) => return Err("condition/levels: give one of them, not both".into()),
            _ => return Err("condition: required (or levels) for a threshold rule".into()),
        };
        levels.sort_by_key(|l| std::cmp::Reverse(l.severity));
        if levels.windows(2).any(|w| w[0].severity == w[1].severity) {
            return Err("levels: each severity may appear once".into());
        }
        let hysteresis = self.hysteresis.unwrap_or(0.0);
        if !hysteresis.is_finite() || hysteresis < 0.0 {
            return Err("hysteresis: must be a non-negative number".into());
        }
        let clear_condition =
            self.clear_condition.as_ref().map(|c| Condition::parse(c, "clear_condition")).transpose()?;
        if clear_condition.is_some() && hysteresis > 0.0 {
            return Err("hysteresis/clear_condition: give one of them, not both".into());
        }
        let repeat_count = self.repeat_count.unwrap_or(1);
        if repeat_count == 0 {
            return Err("repeat_count: must be at least 1".into());
        }
        Ok(Trigger::Threshold {
            levels,
            clear_condition,
            hysteresis,
            duration_secs: self.duration_secs.unwrap_or(0),
            repeat_count,
        })
    }

    fn no_data_trigger(&self) -> Result<Trigger, String> {
        let threshold_only = [
            ("condition", self.condition.is_some()),
            ("levels", self.levels.is_some()),
            ("clear_condition", self.clear_condition.is_some()),
            ("hysteresis", self.hysteresis.is_some()),
            ("duration_secs", self.duration_secs.is_some()),
            ("repeat_count", self.repeat_count.is_some()),
        ];
        if let Some((field, _)) = threshold_only.iter().find(|(_, given)| *given) {
            return Err(format!("{field}: not used by a no_data rule"));
        }
        let silent_secs = self.no_data_secs.filter(|s| *s > 0).ok_or("no_data_secs: required, positive")?;
        Ok(Trigger::NoData {
            points: self.points.clone().unwrap_or_default(),
            silent_secs,
            severity: self.severity.unwrap_or(Severity::Major),
        })
    }
}

impl RuleSpec {
    /// Every channel the rule may notify.
    pub fn all_channels(&self) -> Vec<ChannelId> {
        let mut all = self.channels.clone();
        if let Some(e) = &self.escalation {
            all.extend(e.channels.iter().copied());
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: Value) -> Result<RuleSpec, String> {
        serde_json::from_value::<RuleInput>(v).map_err(|e| e.to_string())?.into_spec().map(|(s, _)| s)
    }

    #[test]
    fn given_levels_when_validated_then_sorted_highest_first() {
        let spec = input(json!({"name": "temp", "levels": [
            {"severity": "minor", "condition": {"point": "t", "op": ">", "value": 60}},
            {"severity": "critical", "condition": {"point": "t", "op": ">", "value": 90}},
            {"severity": "major", "condition": {"point": "t", "op": ">", "value": 75}}]}))
        .unwrap();
        let Trigger::Threshold { levels, .. } = spec.trigger else { panic!("threshold expected") };
        let order: Vec<_> = levels.iter().map(|l| l.severity).collect();
        assert_eq!(order, vec![Severity::Critical, Severity::Major, Severity::Minor]);
    }

    #[test]
    fn given_invalid_rules_when_validated_then_messages_name_the_field() {
        let cases = [
            (json!({"name": "x"}), "condition"),
            (json!({"name": "x", "condition": {"point": "t", "op": ">", "value": 1}}), "severity"),
            (json!({"name": "x", "type": "no_data"}), "no_data_secs"),
            (json!({"name": "x", "type": "maybe"}), "type"),
            (json!({"name": "", "type": "no_data", "no_data_secs": 5}), "name"),
            (
                json!({"name": "x", "severity": "major", "condition": {"point": "t", "op": ">", "value": 1}, "message": "{nope}"}),
                "message",
            ),
            (
                json!({"name": "x", "severity": "major", "condition": {"point": "t", "op": ">", "value": 1}, "repeat_count": 0}),
                "repeat_count",
            ),
            (
                json!({"name": "x", "severity": "major", "condition": {"point": "t", "op": ">", "value": 1}, "hysteresis": 1, "clear_condition": {"point": "t", "op": "<", "value": 0}}),
                "hysteresis",
            ),
        ];
        for (body, field) in cases {
            let err = input(body.clone()).unwrap_err();
            assert!(err.starts_with(field), "{body}: {err}");
        }
    }

    #[test]
    fn given_a_no_data_rule_with_threshold_fields_then_each_is_named() {
        for field in ["hysteresis", "duration_secs", "repeat_count", "clear_condition"] {
            let value =
                if field == "clear_condition" { json!({"point": "t", "op": "<", "value": 0}) } else { json!(0) };
            let mut body = json!({"name": "x", "type": "no_data", "no_data_secs": 60});
            body[field] = value;
            let err = input(body).unwrap_err();
            assert!(err.starts_with(field), "{field}: {err}");
        }
    }

    #[test]
    fn given_text_limits_then_characters_as_sent_are_counted() {
        let rule = |name: String, message: String| {
            input(json!({"name": name, "type": "no_data", "no_data_secs": 60, "message": message}))
        };
        assert!(rule("é".repeat(200), "ü".repeat(2000)).is_ok(), "characters, not bytes");
        assert!(rule(format!(" {}", "n".repeat(200)), "m".into()).unwrap_err().starts_with("name"));
        assert!(rule("\u{3000}".into(), "m".into()).unwrap_err().starts_with("name"));
        assert!(rule("n".into(), "ü".repeat(2001)).unwrap_err().starts_with("message"));
    }

    #[test]
    fn given_scope_then_every_set_part_must_match() {
        let (d, s) = (DeviceId::new(), StationId::new());
        let scope = Scope { station_id: Some(s), device_id: None, device_kind: Some("pv_inverter".into()) };
        assert!(scope.matches(d, s, "pv_inverter"));
        assert!(!scope.matches(d, s, "meter"));
        assert!(!scope.matches(d, StationId::new(), "pv_inverter"));
    }
}
