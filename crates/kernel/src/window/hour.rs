//! Local clock-hour windows.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::local::{first_true, offset_at, offset_secs, utc_at};
use super::Window;

const HOUR: i64 = 3600;

/// The hour window containing `t`: `t`'s local time truncated to the hour, converted
/// back with `t`'s offset, one hour long, clipped at offset transitions on either side.
/// `None` only outside chrono's range.
pub(super) fn hour_window(tz: Tz, t: DateTime<Utc>) -> Option<Window> {
    let now = t.timestamp(); // whole second at or before t
    let offset = offset_secs(tz, t);
    let into_hour = now.checked_add(offset)?.rem_euclid(HOUR);
    let mut start = now - into_hour;
    let mut end = start + HOUR;

    // The truncated start may lie before a transition (e.g. a 30-minute DST shift):
    // begin at the first second that already has t's offset.
    if offset_at(tz, start)? != offset {
        start = first_true(start, now, |s| offset_at(tz, s) == Some(offset));
    }
    // A transition after t ends the window early.
    if offset_at(tz, end - 1)? != offset {
        end = first_true(now + 1, end - 1, |s| offset_at(tz, s) != Some(offset));
    }
    Some(Window { start: utc_at(start)?, end: utc_at(end)? })
}
