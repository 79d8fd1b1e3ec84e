//! The scheduler tick: time-based conditions that no telemetry triggers — pending durations,
//! no-data rules (also for devices that never sent anything) and escalation.

use crate::app::evaluate::evaluate_for;
use crate::app::lifecycle::{Subject, SYSTEM};
use crate::app::notifications::{notify, request_for};
use crate::domain::evaluation::Decision;
use crate::domain::ports::{AlarmRepository, AlarmUnits, Originators};
use crate::domain::rule::Trigger;
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_kernel::RepoError;

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// (rule, device) pairs evaluated.
    pub evaluated: usize,
    /// Alarms raised.
    pub raised: usize,
    /// Alarms cleared.
    pub cleared: usize,
    /// Alarms escalated.
    pub escalated: usize,
}

impl TickReport {
    pub(crate) fn count(&mut self, d: &Decision) {
        self.evaluated += 1;
        match d {
            Decision::Raise { .. } => self.raised += 1,
            Decision::Clear => self.cleared += 1,
            _ => {}
        }
    }
}

/// Runs one scheduler tick at `now`; each (rule, device) commits in its own unit of work.
pub async fn run_tick<U: AlarmUnits>(units: &U, now: DateTime<Utc>) -> Result<TickReport, RepoError> {
    let mut report = TickReport::default();
    pending_durations(units, now, &mut report).await?;
    no_data(units, now, &mut report).await?;
    crate::app::backlog::notify_backlog(units, now, &mut report).await?;
    escalate(units, now, &mut report).await?;
    Ok(report)
}

async fn pending_durations<U: AlarmUnits>(
    units: &U,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> Result<(), RepoError> {
    let pending = units.begin_alarm_tx().await?.pending_states(1000).await?;
    for (tenant, rule_id, device) in pending {
        let mut tx = units.begin_alarm_tx().await?;
        let Some(rule) = tx.rule(&tenant, rule_id).await?.filter(|r| r.enabled) else { continue };
        if !matches!(rule.spec.trigger, Trigger::Threshold { duration_secs, .. } if duration_secs > 0) {
            continue;
        }
        let Some(origin) = tx.originators(&tenant, &[device]).await?.into_iter().next() else { continue };
        let latest = tx.latest_values(&tenant, device).await?;
        let d = evaluate_for(&mut tx, Subject { tenant: &tenant, rule: &rule, origin: &origin }, &latest, now, None)
            .await?;
        tx.commit().await?;
        report.count(&d);
    }
    Ok(())
}

async fn no_data<U: AlarmUnits>(units: &U, now: DateTime<Utc>, report: &mut TickReport) -> Result<(), RepoError> {
    let rules = units.begin_alarm_tx().await?.enabled_no_data_rules().await?;
    for rule in rules {
        let mut tx = units.begin_alarm_tx().await?;
        let origins = tx.originators_in_scope(&rule.tenant, &rule.spec.scope).await?;
        for origin in &origins {
            let latest = tx.latest_values(&rule.tenant, origin.device_id).await?;
            let subject = Subject { tenant: &rule.tenant, rule: &rule, origin };
            let d = evaluate_for(&mut tx, subject, &latest, now, None).await?;
            report.count(&d);
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn escalate<U: AlarmUnits>(units: &U, now: DateTime<Utc>, report: &mut TickReport) -> Result<(), RepoError> {
    let mut tx = units.begin_alarm_tx().await?;
    let due = tx.alarms_to_escalate(now, 500).await?;
    for (tenant, alarm) in &due {
        let Some(rule) = tx.rule(tenant, alarm.rule_id).await? else { continue };
        let Some(escalation) = rule.spec.escalation.clone() else { continue };
        let origin = tx.originators(tenant, &[alarm.device_id]).await?.into_iter().next();
        let comment = Some(format!("unacknowledged for {}s", escalation.after_secs));
        tx.append_history(tenant, &alarm.entry("escalated", SYSTEM, comment, now)).await?;
        let req = request_for("alarm.escalated", alarm, &rule.spec.name, origin.as_ref());
        notify(&mut tx, tenant, &escalation.channels, &req, now).await?;
        report.escalated += 1;
    }
    tx.commit().await
}
