//! Day, month and year windows: from the local start of one calendar unit to the
//! local start of the next.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::local::{first_instant_at_or_after, local_time};
use super::{Granularity, Window};

/// Steps allowed when `t`'s local date is not in the window its date suggests
/// (only when local time falls back across midnight, or a whole date is skipped).
const MAX_STEPS: usize = 8;

/// The day, month or year window containing `t` (`Hour` is treated as `Day`).
/// `None` only outside chrono's range.
pub(super) fn calendar_window(tz: Tz, g: Granularity, t: DateTime<Utc>) -> Option<Window> {
    let mut unit = unit_start(g, local_time(tz, t)?.date())?;
    for _ in 0..MAX_STEPS {
        let next = step(g, unit, true)?;
        let start = first_instant_at_or_after(tz, midnight(unit))?;
        let end = first_instant_at_or_after(tz, midnight(next))?;
        if t < start {
            unit = step(g, unit, false)?;
        } else if t >= end {
            unit = next;
        } else {
            return Some(Window { start, end });
        }
    }
    None
}

/// First local date of the unit containing `date`.
fn unit_start(g: Granularity, date: NaiveDate) -> Option<NaiveDate> {
    match g {
        Granularity::Hour | Granularity::Day => Some(date),
        Granularity::Month => NaiveDate::from_ymd_opt(date.year(), date.month(), 1),
        Granularity::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1),
    }
}

/// First local date of the following (`forward`) or preceding unit.
fn step(g: Granularity, unit: NaiveDate, forward: bool) -> Option<NaiveDate> {
    let (year, month) = (unit.year(), unit.month());
    match (g, forward) {
        (Granularity::Hour | Granularity::Day, true) => unit.succ_opt(),
        (Granularity::Hour | Granularity::Day, false) => unit.pred_opt(),
        (Granularity::Month, true) if month == 12 => NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1),
        (Granularity::Month, true) => NaiveDate::from_ymd_opt(year, month + 1, 1),
        (Granularity::Month, false) if month == 1 => NaiveDate::from_ymd_opt(year.checked_sub(1)?, 12, 1),
        (Granularity::Month, false) => NaiveDate::from_ymd_opt(year, month - 1, 1),
        (Granularity::Year, true) => NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1),
        (Granularity::Year, false) => NaiveDate::from_ymd_opt(year.checked_sub(1)?, 1, 1),
    }
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(chrono::NaiveTime::MIN)
}
