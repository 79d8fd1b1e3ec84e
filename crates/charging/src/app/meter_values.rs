//! MeterValues: add samples to the connector's running session, with a throttled update event.

use crate::app::arrival::{arrive, Needs};
use crate::app::{persist, trail};
use crate::{
    ChargingError, ChargingSession, ChargingSettings, ChargingTx, MeterSample, OcppIdentity, SampleSummary,
    SessionChanges, TimelineKind, TransactionId,
};
use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;

/// A MeterValues message as the charging context sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterValuesInput {
    /// Connector number (0 = the charge point's main meter).
    pub connector: u32,
    /// Transaction the samples belong to, when the charge point named one.
    pub transaction_id: Option<TransactionId>,
    /// The samples.
    pub samples: Vec<MeterSample>,
}

/// What happened to the samples.
#[derive(Debug, Clone, PartialEq)]
pub enum MeterValuesOutcome {
    /// Recorded on a running session.
    Recorded {
        /// The session's transaction.
        transaction_id: TransactionId,
        /// What they did to it.
        summary: SampleSummary,
        /// True when a `ChargingSessionUpdated` was emitted (at most one per throttle interval).
        update_emitted: bool,
    },
    /// No transaction named and none running on the connector: not kept by this context.
    NoSession,
    /// The named transaction is not one of this charge point's: not kept.
    UnknownTransaction(TransactionId),
    /// The named transaction already ended: not kept.
    SessionEnded(TransactionId),
}

/// Handles a MeterValues of `identity` received at `now`, and commits.
pub async fn meter_values<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    input: MeterValuesInput,
    settings: &ChargingSettings,
    now: DateTime<Utc>,
) -> Result<MeterValuesOutcome, ChargingError> {
    let cp = arrive(&mut tx, tenant, identity, Needs::Known, now).await?;
    let session: Option<ChargingSession> = match input.transaction_id {
        Some(id) => match tx.session_by_transaction(tenant, id).await?.filter(|s| s.charge_point_id == cp.id) {
            Some(s) => Some(s),
            None => return finish(tx, MeterValuesOutcome::UnknownTransaction(id)).await,
        },
        None => tx.open_sessions(tenant, cp.id).await?.into_iter().find(|s| s.connector == input.connector),
    };
    let Some(mut session) = session else {
        return finish(tx, MeterValuesOutcome::NoSession).await;
    };
    if session.state.is_terminal() {
        return finish(tx, MeterValuesOutcome::SessionEnded(session.transaction_id)).await;
    }
    let (expected, was_backwards) = (session.state, session.meter_went_backwards);
    let summary = session.record_samples(&input.samples, now)?;
    let last = input.samples.last().cloned();
    let due = summary.recorded > 0 && session.update_due(now, settings.session_update_min_interval());
    let changes = SessionChanges { transitions: Vec::new(), samples: input.samples };
    persist::save_session(&mut tx, &mut session, expected, &changes, due, now).await?;
    let details = serde_json::json!({
        "transaction_id": session.transaction_id.0,
        "samples": summary.recorded,
        "energy_wh": session.energy().0,
        "register_wh": last.as_ref().and_then(|s| s.energy_register).map(|w| w.0),
        "power_w": last.as_ref().and_then(|s| s.power_w),
        "soc_percent": last.and_then(|s| s.soc_percent),
    });
    trail::of_session(&mut tx, &session, TimelineKind::MeterProgress, details, now).await?;
    trail::backwards_if_new(&mut tx, &session, was_backwards, now).await?;
    finish(tx, MeterValuesOutcome::Recorded { transaction_id: session.transaction_id, summary, update_emitted: due })
        .await
}

async fn finish<T: ChargingTx>(tx: T, outcome: MeterValuesOutcome) -> Result<MeterValuesOutcome, ChargingError> {
    tx.commit().await?;
    Ok(outcome)
}
