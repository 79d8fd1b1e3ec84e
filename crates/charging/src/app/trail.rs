//! Appending to the audit trail inside a service's unit of work (with the unit's protocol frame).

use crate::{ChargePoint, ChargingError, ChargingSession, ChargingTx, TimelineEvent, TimelineKind};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Appends `event` carrying the frame of the unit of work.
pub async fn append<T: ChargingTx>(tx: &mut T, event: TimelineEvent) -> Result<(), ChargingError> {
    let frame = tx.frame();
    tx.append_timeline(&event.with_frame(frame)).await?;
    Ok(())
}

/// Appends a charge point event.
pub async fn of_charge_point<T: ChargingTx>(
    tx: &mut T,
    cp: &ChargePoint,
    kind: TimelineKind,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    append(tx, TimelineEvent::of_charge_point(cp, kind, now, details)).await
}

/// Appends a session event.
pub async fn of_session<T: ChargingTx>(
    tx: &mut T,
    s: &ChargingSession,
    kind: TimelineKind,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    append(tx, TimelineEvent::of_session(s, kind, now, details)).await
}

/// The figures of an ended session, for its `stopped` event.
pub fn ended_details(s: &ChargingSession) -> Value {
    json!({
        "transaction_id": s.transaction_id.0,
        "state": s.state.as_str(),
        "reason": s.stop_reason.map(|r| r.as_str()),
        "energy_wh": s.energy().0,
        "meter_start_wh": s.meter_start.0,
        "meter_stop_wh": s.meter_stop.map(|w| w.0),
        "stopped_at": s.stopped_at,
        "duration_s": s.duration_s(),
    })
}

/// A `negative_meter_delta` anomaly when the session's register went backwards now (it had not before).
pub async fn backwards_if_new<T: ChargingTx>(
    tx: &mut T,
    s: &ChargingSession,
    was_backwards: bool,
    now: DateTime<Utc>,
) -> Result<(), ChargingError> {
    if s.meter_went_backwards && !was_backwards {
        let details = json!({ "transaction_id": s.transaction_id.0, "highest_register_wh": s.last_register.0 });
        of_session(tx, s, TimelineKind::NegativeMeterDelta, details, now).await?;
    }
    Ok(())
}
