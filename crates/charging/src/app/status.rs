//! StatusNotification: record the connector's status and let its running session follow.

use crate::app::arrival::{arrive, Needs};
use crate::app::{events, persist, trail};
use crate::{
    ChargingError, ChargingTx, Connector, ConnectorStatus, OcppIdentity, SessionChanges, SessionState, StatusReport,
    TimelineEvent, TimelineKind, TransactionId,
};
use chrono::{DateTime, Utc};
use mgc_eventing::emit;
use mgc_kernel::TenantId;

/// What a status notification changed.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusOutcome {
    /// True when the connector's status or error code changed (a history entry was recorded).
    pub changed: bool,
    /// The running session of the connector and its state after the report.
    pub session: Option<(TransactionId, SessionState)>,
}

/// The session state a connector status implies, when it implies one.
pub fn session_state_for(status: ConnectorStatus) -> Option<SessionState> {
    match status {
        ConnectorStatus::Charging => Some(SessionState::Charging),
        ConnectorStatus::SuspendedEv => Some(SessionState::SuspendedEv),
        ConnectorStatus::SuspendedEvse => Some(SessionState::SuspendedEvse),
        ConnectorStatus::Finishing => Some(SessionState::Finishing),
        _ => None,
    }
}

/// Handles a StatusNotification of `identity` received at `now`, and commits. A status the
/// session state machine forbids (e.g. `charging` after `finishing`) leaves the session as it is.
pub async fn status_notification<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    report: StatusReport,
    now: DateTime<Utc>,
) -> Result<StatusOutcome, ChargingError> {
    let cp = arrive(&mut tx, tenant, identity, Needs::Known, now).await?;
    let entry = match tx.connector(tenant, cp.id, report.connector).await? {
        Some(mut connector) => connector.apply(&report, now).map(|e| (connector, e)),
        None => Some(Connector::first_report(tenant.clone(), cp.id, &report, now)),
    };
    let changed = entry.is_some();
    let running = tx.open_sessions(tenant, cp.id).await?.into_iter().find(|s| s.connector == report.connector);
    if let Some((connector, entry)) = entry {
        tx.save_connector(&connector, std::slice::from_ref(&entry)).await?;
        emit(&mut tx, tenant, &events::connector_changed(&cp, connector.number, &entry), now).await?;
        let details = serde_json::json!({
            "from": entry.from.map(|s| s.as_str()),
            "to": entry.status.as_str(),
            "error_code": entry.error_code.as_str(),
            "info": entry.info,
            "vendor_error_code": entry.vendor_error_code,
        });
        let event = TimelineEvent::of_charge_point(&cp, TimelineKind::StatusChanged, now, details);
        let event = event.on_connector(connector.number).in_session(running.as_ref().map(|s| s.id));
        trail::append(&mut tx, event).await?;
    }
    let mut session_after = None;
    if let Some(mut session) = running {
        let expected = session.state;
        if let Some(to) = session_state_for(report.status).filter(|_| changed) {
            let why = format!("connector {} reported {}", report.connector, report.status);
            match session.transition(to, why, now) {
                Ok(Some(t)) => {
                    let changes = SessionChanges { transitions: vec![t], samples: Vec::new() };
                    persist::save_session(&mut tx, &mut session, expected, &changes, false, now).await?;
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::info!(transaction = %session.transaction_id, error = %e, "status ignored by session")
                }
            }
        }
        session_after = Some((session.transaction_id, session.state));
    }
    tx.commit().await?;
    Ok(StatusOutcome { changed, session: session_after })
}
