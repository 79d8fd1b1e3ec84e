//! The idempotent consumer of `TelemetryReceived`: evaluates the rules that read the points
//! a batch changed, for the devices that sent them.

use crate::app::evaluate::{evaluate_for, rule_points};
use crate::app::lifecycle::Subject;
use crate::domain::ports::AlarmTx;
use crate::domain::rule::Trigger;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::{EventEnvelope, IntegrationEvent, TelemetryReceived};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::{RepoError, SharedClock, TenantId};

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
    let spans: Vec<(mgc_kernel::DeviceId, Vec<String>)> = if ev.spans.is_empty() {
        ev.device_ids.iter().map(|d| (*d, ev.points.clone())).collect()
    } else {
        ev.spans.iter().map(|s| (s.device_id, s.points.clone())).collect()
    };
    let ids: Vec<_> = spans.iter().map(|(d, _)| *d).collect();
    let origins = tx.originators(tenant, &ids).await?;
    let mut evaluated = 0;
    for origin in &origins {
        let points = spans.iter().find(|(d, _)| *d == origin.device_id).map(|(_, p)| p.as_slice()).unwrap_or(&[]);
        let mut latest = None;
        for rule in rules.iter().filter(|r| r.spec.scope.matches(origin.device_id, origin.station_id, &origin.kind)) {
            let relevant = match &rule.spec.trigger {
                Trigger::Threshold { .. } => rule_points(&rule.spec.trigger).iter().any(|p| points.contains(p)),
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
            let values = latest.as_deref().unwrap_or(&[]);
            let subject = Subject { tenant, rule, origin };
            evaluate_for(tx, subject, values, now, true).await?;
            evaluated += 1;
        }
    }
    Ok(evaluated)
}
