//! Which hours of a station are closed, which are due, and which late data makes dirty.
//!
//! A station is tracked from the local midnight before its first data (`tracked_from`); hours
//! in `[tracked_from, closed_until)` are closed (the scheduler advances `closed_until` hour by
//! hour once an hour has ended plus the grace period). Data for a closed hour marks it dirty;
//! data before `tracked_from` moves `tracked_from` back to that day's midnight and marks every
//! hour in between dirty, so whole days get statistics.

use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{Granularity, StationId, StationTz, TenantId, Window};
use std::collections::BTreeSet;

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

/// New samples of one series (device and point), with its stored samples around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesArrival {
    /// Earliest new sample.
    pub from: DateTime<Utc>,
    /// Latest new sample.
    pub to: DateTime<Utc>,
    /// The series' last stored sample before `from`.
    pub prev: Option<DateTime<Utc>>,
    /// The series' first stored sample after `to`.
    pub next: Option<DateTime<Utc>>,
}

impl SeriesArrival {
    /// New samples whose neighbours do not matter (points without figures, or a station's first
    /// data): they reach only their own hours.
    #[must_use]
    pub fn alone(from: DateTime<Utc>, to: DateTime<Utc>) -> SeriesArrival {
        SeriesArrival { from, to, prev: Some(from), next: Some(to) }
    }

    /// The instants whose hours the arrival can change, `[start, end]`: from the last sample
    /// before it to the first after it. Without a sample after, the reach ends with the new
    /// samples (later hours keep naming the series as `no data`), unless the series had no
    /// sample at all: then every later hour names it from now on (`end` none).
    #[must_use]
    pub fn reach(&self) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
        let end = match (self.prev, self.next) {
            (_, Some(next)) => Some(next),
            (Some(_), None) => Some(self.to),
            (None, None) => None,
        };
        (self.prev.unwrap_or(self.from), end)
    }
}

/// What data arriving means for a station's cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct DataArrival {
    /// The cursor after the arrival.
    pub cursor: StationCursor,
    /// Whether the cursor changed (or was created).
    pub changed: bool,
    /// Closed hours (or hours before the old start) that must be computed again, in order.
    pub dirty_hours: Vec<Window>,
}

/// Applies `arrivals` (the series of the station with new samples) to `cursor` (`None`: the
/// station's first data). Data older than `oldest` is not analysed (spans are clipped to it).
#[must_use]
pub fn on_data(
    tenant: &TenantId,
    station: StationId,
    tz: StationTz,
    cursor: Option<StationCursor>,
    arrivals: &[SeriesArrival],
    oldest: DateTime<Utc>,
) -> Option<DataArrival> {
    let arrivals: Vec<&SeriesArrival> = arrivals.iter().filter(|a| a.to >= oldest && a.to >= a.from).collect();
    let from = arrivals.iter().map(|a| a.from).min()?.max(oldest);
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
    let mut dirty = BTreeSet::new();
    let mut changed = false;
    if day_start < cursor.tracked_from {
        dirty.extend(tz.windows_between(Granularity::Hour, day_start, cursor.tracked_from));
        cursor.tracked_from = day_start;
        changed = true;
    }
    for arrival in arrivals {
        let (start, end) = arrival.reach();
        let start = start.max(oldest).max(cursor.tracked_from);
        let end = end.map_or(cursor.closed_until, |e| (e + Duration::milliseconds(1)).min(cursor.closed_until));
        dirty.extend(
            tz.windows_between(Granularity::Hour, start, end).into_iter().filter(|h| h.end <= cursor.closed_until),
        );
    }
    Some(DataArrival { cursor, changed, dirty_hours: dirty.into_iter().collect() })
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
