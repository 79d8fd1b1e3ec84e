//! StopTransaction: end the session, idempotent for a re-sent stop; a stop that matches no
//! running session is recorded, never lost.

use crate::app::arrival::{arrive, Needs};
use crate::app::{persist, trail};
use crate::domain::id_tag::authorize;
use crate::domain::session::Stopped;
use crate::{
    ChargingError, ChargingTx, IdTagInfo, IdToken, MeterSample, OcppIdentity, SessionChanges, SessionState, StopInput,
    StopReason, TimelineEvent, TimelineKind, TransactionId, UnmatchedStop, UnmatchedStopKind,
};
use chrono::{DateTime, Utc};
use mgc_kernel::{TenantId, Wh};

/// A StopTransaction as the charging context sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct StopRequest {
    /// The transaction.
    pub transaction_id: TransactionId,
    /// Register at stop.
    pub meter_stop: Wh,
    /// Stop by the charge point's clock.
    pub stopped_at: DateTime<Utc>,
    /// Reason (`local` when none).
    pub reason: Option<StopReason>,
    /// Tag that stopped it.
    pub id_tag: Option<IdToken>,
    /// Samples taken during the transaction (OCPP `transactionData`).
    pub transaction_data: Vec<MeterSample>,
}

/// What a stop did.
#[derive(Debug, Clone, PartialEq)]
pub enum StopEffect {
    /// The session ended now.
    Ended {
        /// Its end state.
        state: SessionState,
        /// Energy delivered.
        energy: Wh,
    },
    /// The same stop had already ended it.
    Repeated,
    /// It matched no running session and was recorded as unmatched.
    Unmatched(UnmatchedStopKind),
}

/// The answer to a stop.
#[derive(Debug, Clone, PartialEq)]
pub struct StopOutcome {
    /// Authorization of the stopping tag, when one was given.
    pub id_tag_info: Option<IdTagInfo>,
    /// What happened.
    pub effect: StopEffect,
}

/// Handles a StopTransaction of `identity` received at `now`, and commits.
pub async fn stop_transaction<T: ChargingTx>(
    mut tx: T,
    tenant: &TenantId,
    identity: &OcppIdentity,
    req: StopRequest,
    now: DateTime<Utc>,
) -> Result<StopOutcome, ChargingError> {
    let cp = arrive(&mut tx, tenant, identity, Needs::Known, now).await?;
    let id_tag_info = match &req.id_tag {
        Some(tag) => Some(authorize(tx.id_tag(tenant, tag).await?.as_ref(), now)),
        None => None,
    };
    let session = tx.session_by_transaction(tenant, req.transaction_id).await?.filter(|s| s.charge_point_id == cp.id);
    let effect = match session {
        None => StopEffect::Unmatched(UnmatchedStopKind::UnknownTransaction),
        Some(mut session) => {
            let (expected, was_backwards) = (session.state, session.meter_went_backwards);
            if !session.state.is_terminal() {
                session.record_samples(&req.transaction_data, now)?;
            }
            let input = StopInput {
                meter_stop: req.meter_stop,
                stopped_at: req.stopped_at,
                reason: req.reason,
                id_tag: req.id_tag.clone(),
            };
            match session.stop(&input, now) {
                Ok(Stopped::Ended(t)) => {
                    let changes = SessionChanges { transitions: vec![t], samples: req.transaction_data.clone() };
                    persist::save_session(&mut tx, &mut session, expected, &changes, false, now).await?;
                    let details = trail::ended_details(&session);
                    trail::of_session(&mut tx, &session, TimelineKind::Stopped, details, now).await?;
                    trail::backwards_if_new(&mut tx, &session, was_backwards, now).await?;
                    StopEffect::Ended { state: session.state, energy: session.energy() }
                }
                Ok(Stopped::Repeated) => StopEffect::Repeated,
                Err(ChargingError::SessionEnded(_)) => StopEffect::Unmatched(UnmatchedStopKind::AfterEnd),
                Err(e) => return Err(e),
            }
        }
    };
    if let StopEffect::Unmatched(kind) = effect {
        let unmatched = UnmatchedStop {
            tenant: tenant.clone(),
            charge_point_id: cp.id,
            transaction_id: req.transaction_id,
            kind,
            meter_stop: req.meter_stop,
            stopped_at: req.stopped_at,
            reason: req.reason,
            id_tag: req.id_tag,
            received_at: now,
        };
        tx.record_unmatched_stop(&unmatched).await?;
        let details = serde_json::json!({
            "transaction_id": req.transaction_id.0,
            "unmatched": kind.as_str(),
            "meter_stop_wh": req.meter_stop.0,
            "stopped_at": req.stopped_at,
        });
        trail::append(&mut tx, TimelineEvent::of_charge_point(&cp, TimelineKind::Stopped, now, details)).await?;
        tracing::warn!(transaction = %req.transaction_id, kind = %kind, "stop matched no running session; recorded");
    }
    tx.commit().await?;
    Ok(StopOutcome { id_tag_info, effect })
}
