//! The retention sweep of the audit trail.

use crate::{ChargingError, TimelinePurge, TimelineRetention};
use chrono::{DateTime, Utc};

/// Events deleted per statement.
pub const PURGE_BATCH: u32 = 1000;

/// Deletes the timeline events `retention` no longer keeps at `now`, in batches of
/// [`PURGE_BATCH`], at most `max_batches` of them; returns how many went.
pub async fn sweep_timeline<P: TimelinePurge + ?Sized>(
    purge: &P,
    retention: TimelineRetention,
    now: DateTime<Utc>,
    max_batches: u32,
) -> Result<u64, ChargingError> {
    let (sessions_before, events_before) = retention.cutoffs(now);
    let mut total = 0;
    for _ in 0..max_batches {
        let gone = purge.purge_timeline(sessions_before, events_before, PURGE_BATCH).await?;
        total += gone;
        if gone < u64::from(PURGE_BATCH) {
            break;
        }
    }
    Ok(total)
}
