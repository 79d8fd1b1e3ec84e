//! Saving a changed session with the events its changes call for (same unit of work).

use crate::app::{events, trail};
use crate::{ChargingError, ChargingSession, ChargingTx, SessionChanges, SessionState, StopReason, TimelineKind};
use chrono::{DateTime, Utc};
use mgc_eventing::emit;

/// Saves `session` (stored state must still be `expected`) with `changes`, then emits
/// `ChargingSessionEnded` when it ended, otherwise `ChargingSessionUpdated` when its state changed
/// or `meter_update_due` (the caller's throttle decision for new meter values).
pub async fn save_session<T: ChargingTx>(
    tx: &mut T,
    session: &mut ChargingSession,
    expected: SessionState,
    changes: &SessionChanges,
    meter_update_due: bool,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let ended = session.state.is_terminal();
    let update = !ended && (!changes.transitions.is_empty() || meter_update_due);
    if update {
        session.last_update_event_at = Some(now);
    }
    tx.save_session(session, expected, changes).await?;
    if ended {
        emit(tx, &session.tenant, &events::session_ended(session, now), now).await?;
    } else if update {
        emit(tx, &session.tenant, &events::session_updated(session, now), now).await?;
    }
    Ok(())
}

/// Ends a running session without a StopTransaction (`failed`, see [`ChargingSession::close`])
/// and saves it with its `ChargingSessionEnded`, `stopped` and `session_without_stop` on the timeline.
pub async fn close_session<T: ChargingTx>(
    tx: &mut T,
    session: &mut ChargingSession,
    reason: StopReason,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    let expected = session.state;
    let t = session.close(reason, why, now)?;
    let changes = SessionChanges { transitions: vec![t], samples: Vec::new() };
    save_session(tx, session, expected, &changes, false, now).await?;
    trail::of_session(tx, session, TimelineKind::Stopped, trail::ended_details(session), now).await?;
    let details = serde_json::json!({ "transaction_id": session.transaction_id.0, "why": why });
    trail::of_session(tx, session, TimelineKind::SessionWithoutStop, details, now).await
}
