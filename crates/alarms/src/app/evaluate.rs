//! Evaluates one rule for one device against its latest values and applies the decision.

use crate::app::lifecycle::{apply_decision, Subject};
use crate::domain::condition::Values;
use crate::domain::evaluation::{evaluate_no_data, evaluate_threshold, Decision, Sample, ThresholdRule};
use crate::domain::ports::{AlarmTx, LatestValue};
use crate::domain::rule::Trigger;
use chrono::{DateTime, Utc};
use mgc_kernel::RepoError;

/// Points a threshold rule reads (empty for no-data rules).
pub fn rule_points(trigger: &Trigger) -> Vec<String> {
    let mut out = Vec::new();
    if let Trigger::Threshold { levels, clear_condition, .. } = trigger {
        levels.iter().for_each(|l| l.condition.points(&mut out));
        if let Some(c) = clear_condition {
            c.points(&mut out);
        }
    }
    out
}

/// Evaluates `s.rule` for `s.origin` on `values`. `sample_at`: the time of a telemetry sample
/// (else a scheduler tick at `now`). Returns the decision taken.
pub async fn evaluate_for<T: AlarmTx>(
    tx: &mut T,
    s: Subject<'_>,
    latest: &[LatestValue],
    now: DateTime<Utc>,
    sample_at: Option<DateTime<Utc>>,
) -> Result<Decision, RepoError> {
    let fresh = sample_at.is_some();
    let (rule, origin) = (s.rule, s.origin);
    let mut state = tx.rule_state(rule.id, origin.device_id).await?.unwrap_or_default();
    let before = state.clone();
    let open = tx.open_alarm(s.tenant, rule.id, origin.device_id).await?;
    let mut decision = match &rule.spec.trigger {
        Trigger::Threshold { levels, clear_condition, hysteresis, duration_secs, repeat_count } => {
            let points = rule_points(&rule.spec.trigger);
            let relevant: Vec<&LatestValue> = latest.iter().filter(|l| points.contains(&l.point)).collect();
            let values: Values = relevant.iter().filter_map(|l| Some((l.point.clone(), l.value?))).collect();
            let at = sample_at.unwrap_or(now);
            let in_schedule = rule.spec.schedule.as_ref().is_none_or(|sch| sch.is_active(origin.time_zone, at));
            let threshold = ThresholdRule {
                levels,
                clear_condition: clear_condition.as_ref(),
                hysteresis: *hysteresis,
                duration_secs: *duration_secs,
                repeat_count: *repeat_count,
            };
            let sample = Sample { at, values: &values, fresh };
            evaluate_threshold(&threshold, &mut state, open.as_ref().map(|a| a.severity), sample, in_schedule)
        }
        Trigger::NoData { points, silent_secs, severity } => {
            let last_seen = latest
                .iter()
                .filter(|l| !l.derived && (points.is_empty() || points.contains(&l.point)))
                .map(|l| l.ts)
                .max();
            let watch_from = rule.updated_at.max(origin.created_at);
            let in_schedule = rule.spec.schedule.as_ref().is_none_or(|sch| sch.is_active(origin.time_zone, now));
            evaluate_no_data(*silent_secs, *severity, last_seen, watch_from, now, open.is_some(), in_schedule)
        }
    };
    if let Decision::Raise { hit: Some(h), .. } | Decision::Change { hit: Some(h), .. } = &mut decision {
        h.detail = latest.iter().find(|l| l.point == h.point).and_then(|l| l.detail.clone());
    }
    apply_decision(tx, s, &mut state, open, decision.clone(), now).await?;
    if state != before {
        tx.save_rule_state(s.tenant, rule.id, origin.device_id, &state, now).await?;
    }
    Ok(decision)
}
