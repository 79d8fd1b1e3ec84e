//! The idempotent consumer of the charging context's events: a charge point's connection, its
//! connectors' status and its ended sessions become derived points of the charger's masterdata
//! device ([`crate::domain::derived`]), and the rules reading them are evaluated at once. A
//! charge point linked to no device has no originator yet and raises nothing.

use crate::app::derived::evaluate_changed;
use crate::app::evaluate::rule_points;
use crate::domain::derived::{
    error_rate_pct, error_rate_window, fault_connector, fault_detail, fault_point, faulted_ports, faulted_ports_detail,
    is_failure, is_fault, ONLINE, PORTS_FAULTED,
};
use crate::domain::ports::{AlarmTx, Originator};
use crate::domain::rule::AlarmRule;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_contracts::{
    ChargePointConnectionChanged, ChargingSessionEnded, ConnectorStatusChanged, EventEnvelope, IntegrationEvent,
};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{RepoError, SharedClock, TenantId};

/// Consumer name in the processed-events table.
pub const CONSUMER: &str = "alarms.charging";

/// Turns charging events into derived points and evaluates the rules that read them.
#[derive(Debug, Clone)]
pub struct ChargingAlarmConsumer {
    clock: SharedClock,
}

impl ChargingAlarmConsumer {
    /// A consumer using `clock` for alarm times and cooldowns.
    pub fn new(clock: SharedClock) -> Self {
        Self { clock }
    }
}

#[async_trait]
impl<T: AlarmTx> EventHandler<T> for ChargingAlarmConsumer {
    fn consumer(&self) -> &'static str {
        CONSUMER
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![ChargePointConnectionChanged::TYPE, ConnectorStatusChanged::TYPE, ChargingSessionEnded::TYPE]
    }

    async fn handle(&self, tx: &mut T, event: &EventEnvelope) -> Result<(), HandlerError> {
        handle(tx, event, self.clock.now()).await.map_err(HandlerError::new)
    }
}

/// A derived point change: (point, value, detail).
type Change = (String, f64, Option<String>);

/// What an event tells, decoded.
enum Fact {
    /// Connection or connector changes of a charge point.
    Points(Uuid, Vec<Change>),
    /// A session of a charge point ended: (charge point, session, failed).
    SessionEnded(Uuid, Uuid, bool),
}

fn decode(event: &EventEnvelope) -> Result<Option<Fact>, HandlerError> {
    Ok(Some(match event.event_type.as_str() {
        ChargePointConnectionChanged::TYPE => {
            let e: ChargePointConnectionChanged = event.decode().map_err(HandlerError::new)?;
            let value = if e.online { 1.0 } else { 0.0 };
            Fact::Points(e.charge_point_id, vec![(ONLINE.to_owned(), value, Some(e.reason))])
        }
        ConnectorStatusChanged::TYPE => {
            let e: ConnectorStatusChanged = event.decode().map_err(HandlerError::new)?;
            let value = if is_fault(&e.to) { 1.0 } else { 0.0 };
            let detail = fault_detail(&e.error_code, e.vendor_error_code.as_deref());
            Fact::Points(e.charge_point_id, vec![(fault_point(e.connector), value, Some(detail))])
        }
        ChargingSessionEnded::TYPE => {
            let e: ChargingSessionEnded = event.decode().map_err(HandlerError::new)?;
            Fact::SessionEnded(e.charge_point_id, e.session_id, is_failure(&e.state))
        }
        _ => return Ok(None),
    }))
}

async fn handle<T: AlarmTx>(tx: &mut T, event: &EventEnvelope, now: DateTime<Utc>) -> Result<(), HandlerError> {
    let Some(fact) = decode(event)? else { return Ok(()) };
    let (tenant, at) = (&event.tenant_id, event.occurred_at);
    let charge_point = match &fact {
        Fact::Points(cp, _) | Fact::SessionEnded(cp, _, _) => *cp,
    };
    let origin = tx.charge_point_originator(tenant, charge_point).await.map_err(HandlerError::new)?;
    let Some(origin) = origin else {
        tracing::debug!(%tenant, %charge_point, "charge point linked to no device: no charging alarms for it");
        return Ok(());
    };
    apply(tx, tenant, &origin, fact, at, now).await.map_err(HandlerError::new)
}

async fn apply<T: AlarmTx>(
    tx: &mut T,
    tenant: &TenantId,
    origin: &Originator,
    fact: Fact,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let rules = tx.enabled_rules(tenant).await?;
    let changes = match fact {
        Fact::Points(_, changes) => changes,
        Fact::SessionEnded(_, session, failed) => {
            if !tx.record_session_outcome(tenant, session, origin.device_id, failed, at).await? {
                return Ok(());
            }
            error_rates(tx, tenant, &rules, origin).await?
        }
    };
    if changes.is_empty() {
        return Ok(());
    }
    for (point, value, detail) in &changes {
        tx.put_derived(tenant, origin.device_id, point, *value, detail.as_deref(), at).await?;
    }
    let mut points: Vec<String> = changes.into_iter().map(|c| c.0).collect();
    if points.iter().any(|p| fault_connector(p).is_some_and(|n| n >= 1)) {
        // The count over every port, from the fault points just written and those kept before.
        let values = tx.latest_values(tenant, origin.device_id).await?;
        let ports =
            faulted_ports(values.iter().filter(|v| v.derived).filter_map(|v| Some((v.point.as_str(), v.value?))));
        let detail = faulted_ports_detail(&ports);
        tx.put_derived(tenant, origin.device_id, PORTS_FAULTED, ports.len() as f64, Some(&detail), at).await?;
        points.push(PORTS_FAULTED.to_owned());
    }
    evaluate_changed(tx, tenant, &rules, origin, &points, at, now).await?;
    Ok(())
}

/// The error-rate points the tenant's rules read, each over its window of the device's sessions.
async fn error_rates<T: AlarmTx>(
    tx: &mut T,
    tenant: &TenantId,
    rules: &[AlarmRule],
    origin: &Originator,
) -> Result<Vec<Change>, RepoError> {
    let mut windows: Vec<(String, u32)> = Vec::new();
    for rule in rules.iter().filter(|r| r.spec.scope.matches(origin.device_id, origin.station_id, &origin.kind)) {
        for point in rule_points(&rule.spec.trigger) {
            if let Some(n) = error_rate_window(&point).filter(|_| !windows.iter().any(|(p, _)| *p == point)) {
                windows.push((point, n));
            }
        }
    }
    let mut out = Vec::new();
    for (point, n) in windows {
        let outcomes = tx.recent_outcomes(tenant, origin.device_id, n).await?;
        if let Some(pct) = error_rate_pct(&outcomes) {
            let failed = outcomes.iter().filter(|f| **f).count();
            out.push((point, pct, Some(format!("{failed} of the last {} sessions failed", outcomes.len()))));
        }
    }
    Ok(out)
}
