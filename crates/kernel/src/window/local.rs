//! Conversions between UTC instants and a zone's local wall-clock time.
//!
//! Everything works on whole UNIX seconds where a search is needed: tz offset
//! transitions always happen on whole seconds.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// How far (in seconds) around a local time to look for the instant that ends a
/// DST gap; UTC offsets are always below 24 h, so 30 h brackets every case.
const GAP_SEARCH_RADIUS: i64 = 30 * 3600;

/// UTC offset of `tz` at `t`, in seconds east of UTC.
pub(super) fn offset_secs(tz: Tz, t: DateTime<Utc>) -> i64 {
    i64::from(tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc())
}

/// UTC offset of `tz` at the UNIX second `secs`, or `None` outside chrono's range.
pub(super) fn offset_at(tz: Tz, secs: i64) -> Option<i64> {
    utc_at(secs).map(|t| offset_secs(tz, t))
}

/// The instant at UNIX second `secs`, or `None` outside chrono's range.
pub(super) fn utc_at(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// Local wall-clock time of `t` in `tz`, or `None` if it is not representable.
pub(super) fn local_time(tz: Tz, t: DateTime<Utc>) -> Option<NaiveDateTime> {
    let offset = tz.offset_from_utc_datetime(&t.naive_utc()).fix();
    t.naive_utc().checked_add_offset(offset)
}

/// The earliest instant whose local time is `local`; if `local` falls in a gap, the
/// first instant after the gap. `None` only outside chrono's range.
pub(super) fn first_instant_at_or_after(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc))),
        LocalResult::None => end_of_gap(tz, local),
    }
}

/// The transition instant at which local time jumps over the non-existent `local`:
/// the first second whose local time is at or after `local`.
fn end_of_gap(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let target = local.and_utc().timestamp();
    let reached = |s: i64| offset_at(tz, s).is_some_and(|offset| s + offset >= target);
    let (lo, hi) = (target - GAP_SEARCH_RADIUS, target + GAP_SEARCH_RADIUS);
    if reached(lo) || !reached(hi) {
        return None;
    }
    utc_at(first_true(lo, hi, reached))
}

/// Smallest `s` in `[lo, hi]` with `pred(s)`, for a predicate that is false then true
/// on the range and true at `hi`.
pub(super) fn first_true(mut lo: i64, mut hi: i64, pred: impl Fn(i64) -> bool) -> i64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    hi
}
