//! The idempotent consumer of `TelemetryReceived`: evaluates the rules that read the points
//! a batch changed, for the devices that sent them.

use crate::app::evaluate::{evaluate_for, rule_points};
use crate::app::lifecycle::Subject;
use crate::domain::ports::{AlarmTx, LatestValue};
use crate::domain::rule::Trigger;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::{EventEnvelope, IntegrationEvent, TelemetryReceived};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::DeviceId;
use mgc_kernel::{RepoError, SharedClock, TenantId};
use std::collections::BTreeMap;

/// Most stored samples of one device read per batch.
const MAX_SAMPLES: u32 = 10_000;

/// A device of a batch: its points and time range.
type SpanRef<'a> = (DeviceId, &'a [String], DateTime<Utc>, DateTime<Utc>);

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "alarms.evaluate";

/// Evaluates alarm rules on every committed ingest batch.
#[derive(Debug, Clone)]
pub struct TelemetryAlarmConsumer {
    clock: SharedClock,
}

impl TelemetryAlarmConsumer {
    /// A consumer using `clock` for alarm times, cooldowns and no-data windows.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl<T: AlarmTx> EventHandler<T> for TelemetryAlarmConsumer {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![TelemetryReceived::TYPE]
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        let ev: TelemetryReceived = event.decode().map_err(HandlerError::new)?;
        evaluate_batch(tx, &event.tenant_id, &ev, self.clock.now()).await.map(|_| ()).map_err(HandlerError::new)
    }
}

/// Evaluates the tenant's rules for one ingest batch.
pub async fn evaluate_batch<T: AlarmTx>(
    tx: &mut T,
    tenant: &TenantId,
    ev: &TelemetryReceived,
    now: DateTime<Utc>,
) -> Result<usize, RepoError> {
    let rules = tx.enabled_rules(tenant).await?;
    if rules.is_empty() {
        return Ok(0);
    }
    let spans: Vec<SpanRef<'_>> = if ev.spans.is_empty() {
        ev.device_ids.iter().map(|d| (*d, ev.points.as_slice(), ev.from, ev.to)).collect()
    } else {
        ev.spans.iter().map(|s| (s.device_id, s.points.as_slice(), s.from, s.to)).collect()
    };
    let ids: Vec<_> = spans.iter().map(|s| s.0).collect();
    let origins = tx.originators(tenant, &ids).await?;
    let mut evaluated = 0;
    for origin in &origins {
        let Some(&(_, points, from, to)) = spans.iter().find(|s| s.0 == origin.device_id) else { continue };
        let mut latest: Option<Vec<LatestValue>> = None;
        let mut samples: Option<Vec<LatestValue>> = None;
        for rule in rules.iter().filter(|r| r.spec.scope.matches(origin.device_id, origin.station_id, &origin.kind)) {
            let read = rule_points(&rule.spec.trigger);
            let relevant = match &rule.spec.trigger {
                Trigger::Threshold { .. } => read.iter().any(|p| points.contains(p)),
                Trigger::NoData { points: watched, .. } => {
                    watched.is_empty() || watched.iter().any(|p| points.contains(p))
                }
            };
            if !relevant {
                continue;
            }
            if latest.is_none() {
                latest = Some(tx.latest_values(tenant, origin.device_id).await?);
            }
            let latest = latest.as_deref().unwrap_or(&[]);
            let subject = Subject { tenant, rule, origin };
            if matches!(rule.spec.trigger, Trigger::NoData { .. }) {
                evaluate_for(tx, subject, latest, now, Some(to)).await?;
                evaluated += 1;
                continue;
            }
            if samples.is_none() {
                samples = Some(tx.samples_between(tenant, origin.device_id, from, to, MAX_SAMPLES).await?);
            }
            // Every sample of the batch in time order, on top of the latest values: a spike that is
            // already over when the batch is evaluated still raises (and clears) its alarm.
            let mut by_ts: BTreeMap<DateTime<Utc>, Vec<&LatestValue>> = BTreeMap::new();
            for v in samples.iter().flatten().filter(|v| read.contains(&v.point)) {
                by_ts.entry(v.ts).or_default().push(v);
            }
            if by_ts.is_empty() {
                evaluate_for(tx, subject, latest, now, Some(to)).await?;
                evaluated += 1;
                continue;
            }
            let mut view: Vec<LatestValue> = latest.iter().filter(|l| read.contains(&l.point)).cloned().collect();
            for (ts, group) in by_ts {
                for v in group {
                    match view.iter_mut().find(|l| l.point == v.point) {
                        Some(slot) => *slot = v.clone(),
                        None => view.push(v.clone()),
                    }
                }
                evaluate_for(tx, subject, &view, now, Some(ts)).await?;
                evaluated += 1;
            }
        }
    }
    Ok(evaluated)
}
