//! Evaluates the rules that read derived points after those points changed: the same
//! threshold evaluation as telemetry, with the change as a fresh sample.

use crate::app::evaluate::{evaluate_for, rule_points};
use crate::app::lifecycle::Subject;
use crate::domain::evaluation::Decision;
use crate::domain::ports::{AlarmTx, Originator};
use crate::domain::rule::{AlarmRule, Trigger};
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};

/// Whether `rule` is an enabled threshold rule of `origin` reading one of `points`.
pub fn reads(rule: &AlarmRule, origin: &Originator, points: &[String]) -> bool {
    rule.enabled
        && matches!(rule.spec.trigger, Trigger::Threshold { .. })
        && rule.spec.scope.matches(origin.device_id, origin.station_id, &origin.kind)
        && rule_points(&rule.spec.trigger).iter().any(|p| points.contains(p))
}

/// Evaluates `rules` that [`reads`] `points` for `origin`, on its latest values, as a sample at `at`.
pub async fn evaluate_changed<T: AlarmTx>(
    tx: &mut T,
    tenant: &TenantId,
    rules: &[AlarmRule],
    origin: &Originator,
    points: &[String],
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Decision>, RepoError> {
    let mut decisions = Vec::new();
    let mut latest = None;
    for rule in rules.iter().filter(|r| reads(r, origin, points)) {
        if latest.is_none() {
            latest = Some(tx.latest_values(tenant, origin.device_id).await?);
        }
        let values = latest.as_deref().unwrap_or(&[]);
        decisions.push(evaluate_for(tx, Subject { tenant, rule, origin }, values, now, Some(at)).await?);
    }
    Ok(decisions)
}
