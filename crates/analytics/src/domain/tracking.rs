//! Which hours of a station are closed, which are due, and which late data makes dirty.
//!
//! A station is tracked from the local midnight before its first data (`tracked_from`); hours
//! in `[tracked_from, closed_until)` are closed (the scheduler advances `closed_until` hour by
//! hour once an hour has ended plus the grace period). Data for a closed hour marks it dirty;
//! data before `tracked_from` moves `tracked_from` back to that day's midnight and marks every
//! hour in between dirty, so whole days get statistics.

use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{Granularity, StationId, StationTz, TenantId, Window};

/// The closing cursor of one station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationCursor {
    /// Tenant.
    pub tenant: TenantId,
    /// Station.
    pub station_id: StationId,
    /// The station's zone, as windows are aligned to it.
    pub tz: StationTz,
    /// Start of the first tracked local day.
    pub tracked_from: DateTime<Utc>,
    /// Every hour ending at or before this instant (and after `tracked_from`) is closed.
    pub closed_until: DateTime<Utc>,
}

/// What data arriving for `[from, to]` means for a station's cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct DataArrival {
    /// The cursor after the arrival.
    pub cursor: StationCursor,
    /// Whether the cursor changed (or was created).
    pub changed: bool,
    /// Closed hours (or hours before the old start) that must be computed again.
    pub dirty_hours: Vec<Window>,
}

/// Applies data of `[from, to]` to `cursor` (`None`: the station's first data). Data older than
/// `oldest` is not analysed (the span is clipped to it).
#[must_use]
pub fn on_data(
    tenant: &TenantId,
    station: StationId,
    tz: StationTz,
    cursor: Option<StationCursor>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    oldest: DateTime<Utc>,
) -> Option<DataArrival> {
    let from = from.max(oldest);
    if to < from {
        return None;
    }
    let day_start = tz.window_containing(Granularity::Day, from).start;
    let Some(mut cursor) = cursor else {
        let cursor = StationCursor {
            tenant: tenant.clone(),
            station_id: station,
            tz,
            tracked_from: day_start,
            closed_until: day_start,
        };
        return Some(DataArrival { cursor, changed: true, dirty_hours: Vec::new() });
    };
    let mut dirty = Vec::new();
    let mut changed = false;
    if day_start < cursor.tracked_from {
        dirty.extend(tz.windows_between(Granularity::Hour, day_start, cursor.tracked_from));
        cursor.tracked_from = day_start;
        changed = true;
    }
    let closed_to = to.min(cursor.closed_until - Duration::milliseconds(1));
    if closed_to >= from.max(cursor.tracked_from) {
        for hour in
            tz.windows_between(Granularity::Hour, from.max(cursor.tracked_from), closed_to + Duration::milliseconds(1))
        {
            if hour.end <= cursor.closed_until && !dirty.contains(&hour) {
                dirty.push(hour);
            }
        }
    }
    Some(DataArrival { cursor, changed, dirty_hours: dirty })
}

/// Hours after `closed_until` that have ended at least `grace` before `now` (at most `limit`).
#[must_use]
pub fn due_hours(cursor: &StationCursor, now: DateTime<Utc>, grace: Duration, limit: usize) -> Vec<Window> {
    let mut hours = Vec::new();
    let mut hour = cursor.tz.window_containing(Granularity::Hour, cursor.closed_until);
    while hours.len() < limit && hour.end + grace <= now {
        hours.push(hour);
        let next = cursor.tz.next_window(hour, Granularity::Hour);
        if next.end <= hour.end {
            break;
        }
        hour = next;
    }
    hours
}
