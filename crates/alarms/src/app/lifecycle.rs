//! Applies evaluation decisions to alarms, and the operator commands (ack, clear, assign).
//! Every change writes the alarm, its history entry, its event and its deliveries in one unit.

use crate::app::notifications::{channels_of, notify, request_for};
use crate::domain::alarm::Alarm;
use crate::domain::condition::Hit;
use crate::domain::evaluation::{Decision, RuleState};
use crate::domain::ports::{AlarmRepository, AlarmTx, NotificationRequests, Originator};
use crate::domain::rule::AlarmRule;
use crate::domain::template::{human_duration, render, TemplateVars};
use crate::AlarmError;
use crate::{AlarmId, Severity};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use mgc_contracts::{AlarmAcknowledged, AlarmCleared, AlarmRaised, AlarmSeverityChanged};
use mgc_eventing::{emit, OutboxWriter};
use mgc_kernel::{RepoError, TenantId};

/// Actor name of automatic changes.
pub const SYSTEM: &str = "system";

/// Who and what a decision is about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Tenant.
    pub tenant: &'a TenantId,
    /// The rule.
    pub rule: &'a AlarmRule,
    /// The device.
    pub origin: &'a Originator,
}

fn message(s: &Subject<'_>, severity: Severity, hit: Option<&Hit>, since: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let vars = TemplateVars {
        device: s.origin.device_name.clone(),
        station: s.origin.station_name.clone(),
        rule: s.rule.spec.name.clone(),
        severity: severity.as_str().to_owned(),
        point: hit.map(|h| h.point.clone()).unwrap_or_else(|| "no data".into()),
        value: hit.map(|h| h.value.to_string()).unwrap_or_default(),
        threshold: hit.map(|h| h.threshold.clone()).unwrap_or_default(),
        duration: human_duration((at - since).num_seconds()),
        time: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        detail: hit.and_then(|h| h.detail.clone()).unwrap_or_default(),
    };
    render(&s.rule.spec.message, &vars)
}

fn new_alarm(
    s: &Subject<'_>,
    severity: Severity,
    hit: Option<&Hit>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Alarm {
    let escalate_at = s
        .rule
        .spec
        .escalation
        .as_ref()
        .map(|e| now + Duration::seconds(i64::try_from(e.after_secs).unwrap_or(i64::MAX / 1000)));
    Alarm {
        id: AlarmId::new(),
        tenant: Some(s.tenant.clone()),
        rule_id: s.rule.id,
        rule_version: s.rule.version,
        device_id: s.origin.device_id,
        station_id: s.origin.station_id,
        severity,
        acknowledged: false,
        cleared: false,
        started_at: since,
        ended_at: now.max(since),
        acknowledged_at: None,
        acknowledged_by: None,
        cleared_at: None,
        cleared_by: None,
        assignee: None,
        message: message(s, severity, hit, since, now),
        point: hit.map(|h| h.point.clone()),
        last_value: hit.map(|h| h.value),
        threshold: hit.map(|h| h.threshold.clone()),
        count: 1,
        escalate_at,
        escalated_at: None,
        notified: false,
        updated_at: now,
    }
}

/// Applies `decision` to the (rule, device) alarm `open`; `state` records notification times.
pub async fn apply_decision<T: AlarmTx>(
    tx: &mut T,
    s: Subject<'_>,
    state: &mut RuleState,
    open: Option<Alarm>,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let tenant = s.tenant;
    match (decision, open) {
        (Decision::Raise { severity, hit, since }, None) => {
            let mut alarm = new_alarm(&s, severity, hit.as_ref(), since, now);
            let send = state.may_notify(now, s.rule.spec.cooldown_secs) && !channels_of(s.rule).is_empty();
            alarm.notified = send;
            tx.save_alarm(tenant, &alarm, true).await?;
            tx.append_history(tenant, &alarm.entry("raised", SYSTEM, None, now)).await?;
            let ev = AlarmRaised {
                alarm_id: alarm.id.as_uuid(),
                rule_id: s.rule.id.as_uuid(),
                rule_version: s.rule.version,
                device_id: alarm.device_id,
                station_id: alarm.station_id,
                severity: severity.as_str().to_owned(),
                message: alarm.message.clone(),
                value: alarm.last_value,
                started_at: alarm.started_at,
            };
            emit(tx, tenant, &ev, now).await?;
            if send {
                state.last_notified_at = Some(now);
                let req = request_for("alarm.raised", &alarm, &s.rule.spec.name, Some(s.origin));
                notify(tx, tenant, channels_of(s.rule), &req, now).await?;
            }
        }
        (Decision::Repeat { hit }, Some(mut alarm)) => {
            alarm.count = alarm.count.saturating_add(1);
            alarm.ended_at = now.max(alarm.ended_at);
            alarm.last_value = Some(hit.value);
            alarm.updated_at = now;
            tx.save_alarm(tenant, &alarm, false).await?;
        }
        (Decision::Change { to, hit }, Some(mut alarm)) => {
            let from = alarm.severity;
            alarm.severity = to;
            alarm.message = message(&s, to, hit.as_ref(), alarm.started_at, now);
            if let Some(h) = &hit {
                alarm.last_value = Some(h.value);
                alarm.threshold = Some(h.threshold.clone());
                alarm.point = Some(h.point.clone());
            }
            alarm.ended_at = now.max(alarm.ended_at);
            alarm.updated_at = now;
            let send = state.may_notify(now, s.rule.spec.cooldown_secs) && !channels_of(s.rule).is_empty();
            alarm.notified |= send;
            tx.save_alarm(tenant, &alarm, false).await?;
            let comment = Some(format!("{from} -> {to}"));
            tx.append_history(tenant, &alarm.entry("severity_changed", SYSTEM, comment, now)).await?;
            let ev = AlarmSeverityChanged {
                alarm_id: alarm.id.as_uuid(),
                station_id: alarm.station_id,
                from: from.as_str().to_owned(),
                to: to.as_str().to_owned(),
                value: alarm.last_value,
            };
            emit(tx, tenant, &ev, now).await?;
            if send {
                state.last_notified_at = Some(now);
                let req = request_for("alarm.severity_changed", &alarm, &s.rule.spec.name, Some(s.origin));
                notify(tx, tenant, channels_of(s.rule), &req, now).await?;
            }
        }
        (Decision::Clear, Some(alarm)) => {
            match clear_alarm(tx, tenant, alarm, Some(s.rule), Some(s.origin), SYSTEM, None, now).await {
                Ok(_) => {}
                Err(AlarmError::Repo(e)) => return Err(e),
                // Open alarms only reach here; one cleared meanwhile needs nothing more.
                Err(e) => tracing::debug!(code = e.code(), error = %e, "system clear skipped"),
            }
        }
        _ => {}
    }
    Ok(())
}

/// Clears `alarm`, writes history and event, and tells the channels that heard of it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn clear_alarm<T: AlarmRepository + NotificationRequests + OutboxWriter + Send>(
    tx: &mut T,
    tenant: &TenantId,
    mut alarm: Alarm,
    rule: Option<&AlarmRule>,
    origin: Option<&Originator>,
    by: &str,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> Result<Alarm, AlarmError> {
    alarm.clear(by, now)?;
    tx.save_alarm(tenant, &alarm, false).await?;
    tx.append_history(tenant, &alarm.entry("cleared", by, comment.clone(), now)).await?;
    let ev = AlarmCleared {
        alarm_id: alarm.id.as_uuid(),
        station_id: alarm.station_id,
        by: by.to_owned(),
        comment,
        cleared_at: now,
    };
    emit(tx, tenant, &ev, now).await?;
    if let Some(rule) = rule.filter(|_| alarm.notified) {
        let req = request_for("alarm.cleared", &alarm, &rule.spec.name, origin);
        notify(tx, tenant, channels_of(rule), &req, now).await?;
    }
    Ok(alarm)
}

async fn load<T: AlarmRepository>(tx: &mut T, tenant: &TenantId, id: AlarmId) -> Result<Alarm, AlarmError> {
    tx.alarm(tenant, id).await?.ok_or(AlarmError::AlarmNotFound(id))
}

/// An operator acknowledges the alarm (409 when it already is).
pub async fn acknowledge<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: AlarmId,
    by: &str,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> Result<Alarm, AlarmError> {
    let mut alarm = load(&mut tx, tenant, id).await?;
    alarm.acknowledge(by, now)?;
    tx.save_alarm(tenant, &alarm, false).await?;
    tx.append_history(tenant, &alarm.entry("acknowledged", by, comment.clone(), now)).await?;
    let ev = AlarmAcknowledged { alarm_id: id.as_uuid(), station_id: alarm.station_id, by: by.to_owned(), comment };
    emit(&mut tx, tenant, &ev, now).await?;
    tx.commit().await?;
    Ok(alarm)
}

/// An operator clears the alarm (409 when it already is).
pub async fn clear_by_operator<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: AlarmId,
    by: &str,
    comment: Option<String>,
    now: DateTime<Utc>,
) -> Result<Alarm, AlarmError> {
    let alarm = load(&mut tx, tenant, id).await?;
    let rule = tx.rule(tenant, alarm.rule_id).await?;
    let origin = tx.originators(tenant, &[alarm.device_id]).await?.into_iter().next();
    let alarm = clear_alarm(&mut tx, tenant, alarm, rule.as_ref(), origin.as_ref(), by, comment, now).await?;
    tx.commit().await?;
    Ok(alarm)
}

/// Assigns the alarm to a user (`None` unassigns).
pub async fn assign<T: AlarmTx>(
    mut tx: T,
    tenant: &TenantId,
    id: AlarmId,
    assignee: Option<String>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Alarm, AlarmError> {
    let mut alarm = load(&mut tx, tenant, id).await?;
    alarm.assignee = assignee.clone();
    alarm.updated_at = now;
    tx.save_alarm(tenant, &alarm, false).await?;
    let comment = Some(assignee.map_or_else(|| "unassigned".to_owned(), |a| format!("assigned to {a}")));
    tx.append_history(tenant, &alarm.entry("assigned", by, comment, now)).await?;
    tx.commit().await?;
    Ok(alarm)
}
