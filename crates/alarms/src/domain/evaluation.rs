//! Pure rule evaluation: persisted per-(rule, device) state in, a decision about the alarm out.

use crate::domain::condition::Condition;
use crate::domain::condition::{Hit, Values};
use crate::domain::rule::Level;
use crate::Severity;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a rule remembers about one device between evaluations (persisted, so a restart
/// neither forgets a pending duration nor raises twice).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleState {
    /// Since when the raising (or escalating) condition has held without a break.
    pub pending_since: Option<DateTime<Utc>>,
    /// Consecutive samples it has held for.
    pub pending_count: u32,
    /// Time of the newest sample evaluated (older or equal samples do not count again).
    pub last_sample: Option<DateTime<Utc>>,
    /// When this rule last notified about this device (cooldown).
    pub last_notified_at: Option<DateTime<Utc>>,
}

/// The latest values of a device at one instant.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// The instant (sample time on telemetry, the clock on a scheduler tick).
    pub at: DateTime<Utc>,
    /// Latest value per point.
    pub values: &'a Values,
    /// A new sample (counts towards `repeat_count`); false on scheduler ticks.
    pub fresh: bool,
}

/// What should happen to the (rule, device) alarm.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// No change.
    Nothing,
    /// Open a new alarm.
    Raise {
        /// Severity.
        severity: Severity,
        /// What triggered it (none for no-data).
        hit: Option<Hit>,
        /// Since when the condition held.
        since: DateTime<Utc>,
    },
    /// The open alarm's condition held again: bump count, last value and end time.
    Repeat {
        /// What held.
        hit: Hit,
    },
    /// Escalate or de-escalate the open alarm.
    Change {
        /// New severity.
        to: Severity,
        /// What caused it.
        hit: Option<Hit>,
    },
    /// Clear the open alarm.
    Clear,
}

/// The threshold part of a rule, as evaluation needs it.
#[derive(Debug, Clone, Copy)]
pub struct ThresholdRule<'a> {
    /// Levels, highest severity first.
    pub levels: &'a [Level],
    /// Explicit clear condition.
    pub clear_condition: Option<&'a Condition>,
    /// Hysteresis margin.
    pub hysteresis: f64,
    /// Seconds a condition must hold.
    pub duration_secs: u64,
    /// Consecutive samples it must hold for.
    pub repeat_count: u32,
}

impl RuleState {
    fn reset(&mut self) {
        self.pending_since = None;
        self.pending_count = 0;
    }

    fn track(&mut self, at: DateTime<Utc>, fresh: bool) {
        match self.pending_since {
            None => {
                self.pending_since = Some(at);
                self.pending_count = 1;
            }
            Some(_) if fresh => self.pending_count = self.pending_count.saturating_add(1),
            Some(_) => {}
        }
    }

    fn satisfied(&self, at: DateTime<Utc>, rule: &ThresholdRule<'_>) -> bool {
        let duration = Duration::seconds(i64::try_from(rule.duration_secs).unwrap_or(i64::MAX / 1000));
        self.pending_since.is_some_and(|since| at - since >= duration) && self.pending_count >= rule.repeat_count
    }

    /// Whether a notification may go out at `now` given `cooldown_secs`.
    pub fn may_notify(&self, now: DateTime<Utc>, cooldown_secs: u64) -> bool {
        let cooldown = Duration::seconds(i64::try_from(cooldown_secs).unwrap_or(i64::MAX / 1000));
        self.last_notified_at.is_none_or(|last| now - last >= cooldown)
    }
}

/// Evaluates a threshold rule for one device. `open` is the severity of its open alarm.
pub fn evaluate_threshold(
    rule: &ThresholdRule<'_>,
    state: &mut RuleState,
    open: Option<Severity>,
    sample: Sample<'_>,
    in_schedule: bool,
) -> Decision {
    let fresh = sample.fresh && state.last_sample.is_none_or(|last| sample.at > last);
    if fresh {
        state.last_sample = Some(sample.at);
    }
    let values = sample.values;
    let matched = rule.levels.iter().find_map(|l| l.condition.hit(values, 0.0).map(|h| (l.severity, h)));
    let Some(current) = open else {
        let Some((severity, hit)) = matched.filter(|_| in_schedule) else {
            state.reset();
            return Decision::Nothing;
        };
        state.track(sample.at, fresh);
        if !state.satisfied(sample.at, rule) {
            return Decision::Nothing;
        }
        let since = state.pending_since.unwrap_or(sample.at);
        state.reset();
        return Decision::Raise { severity, hit: Some(hit), since };
    };
    let keeps_open = match rule.clear_condition {
        Some(clear) => !clear.holds(values, 0.0),
        None => rule.levels.iter().any(|l| l.condition.holds(values, rule.hysteresis)),
    };
    if !keeps_open {
        state.reset();
        return Decision::Clear;
    }
    if let Some((severity, hit)) = matched.clone().filter(|(s, _)| *s > current) {
        state.track(sample.at, fresh);
        if state.satisfied(sample.at, rule) {
            state.reset();
            return Decision::Change { to: severity, hit: Some(hit) };
        }
        return if fresh { Decision::Repeat { hit } } else { Decision::Nothing };
    }
    state.reset();
    let current_holds =
        rule.levels.iter().find(|l| l.severity == current).is_some_and(|l| l.condition.holds(values, rule.hysteresis));
    if !current_holds {
        let lower = rule
            .levels
            .iter()
            .filter(|l| l.severity < current)
            .find_map(|l| l.condition.hit(values, rule.hysteresis).map(|h| (l.severity, h)));
        if let Some((to, hit)) = lower {
            return Decision::Change { to, hit: Some(hit) };
        }
    }
    match matched {
        Some((_, hit)) if fresh => Decision::Repeat { hit },
        _ => Decision::Nothing,
    }
}

/// Evaluates a no-data rule: silent since the later of the last point and `watch_from`.
pub fn evaluate_no_data(
    silent_secs: u64,
    severity: Severity,
    last_seen: Option<DateTime<Utc>>,
    watch_from: DateTime<Utc>,
    now: DateTime<Utc>,
    open: bool,
    in_schedule: bool,
) -> Decision {
    let since = last_seen.map_or(watch_from, |seen| seen.max(watch_from));
    let silent = now - since >= Duration::seconds(i64::try_from(silent_secs).unwrap_or(i64::MAX / 1000));
    match (open, silent) {
        (true, false) => Decision::Clear,
        (false, true) if in_schedule => Decision::Raise { severity, hit: None, since },
        _ => Decision::Nothing,
    }
}
