//! Half-open time windows aligned to calendar units of a station's local time.
//!
//! # Semantics
//!
//! Windows are calendar units of **local** time in the station's IANA zone, expressed
//! as half-open UTC intervals `[start, end)`. Consecutive windows are contiguous.
//!
//! * **Day**: from local midnight to the next local midnight, so a day lasts 23 or 25
//!   hours on DST changes (America/New_York 2026-03-08: 23 h, 2026-11-01: 25 h). When
//!   local midnight does not exist (a DST gap at 00:00, e.g. America/Santiago
//!   2026-09-06), the day starts at the first instant after the gap. When midnight
//!   happens twice, the day starts at the first one. A calendar date that is skipped
//!   entirely (Pacific/Apia 2011-12-30) has no window.
//! * **Month / Year**: calendar months / years, starting at the local start of their
//!   first day (as for days).
//! * **Hour**: the hour window containing `t` starts at `t`'s local time truncated to
//!   the hour, converted back to UTC with `t`'s own UTC offset, and ends one hour later
//!   (so Asia/Kolkata, +05:30, hours start at UTC :30). A window never spans a UTC-offset
//!   transition: it is clipped at the transition on either side. Hence the repeated
//!   fall-back hour (New_York 2026-11-01 01:00–02:00) yields two distinct one-hour
//!   windows, and a zone with a 30-minute shift (Australia/Lord_Howe) gets one
//!   30-minute window on each change: in spring local 02:30–03:00 (02:00–02:30 does
//!   not exist), in autumn the second pass of 01:30–02:00. Offsets with seconds
//!   (historical LMT) work the same way.
//!
//! Labels ([`StationTz::local_label`]) are derived from the local time of the window
//! start, so the two repeated fall-back hours share a label.
//!
//! No function here panics. Only at the extreme ends of chrono's representable range
//! (hundreds of thousands of years away), where a window cannot be represented, is the
//! result clamped to `[DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)`.

mod calendar;
mod granularity;
mod hour;
mod local;
mod station_tz;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use granularity::Granularity;
pub use station_tz::StationTz;

/// A half-open UTC interval `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Window {
    /// First instant inside the window.
    #[serde(serialize_with = "crate::utc_text::serialize")]
    pub start: DateTime<Utc>,
    /// First instant after the window.
    #[serde(serialize_with = "crate::utc_text::serialize")]
    pub end: DateTime<Utc>,
}

impl Window {
    /// Length of the window (`end - start`).
    #[must_use]
    pub fn duration(&self) -> Duration {
        self.end.signed_duration_since(self.start)
    }

    /// Whether `start <= t < end`.
    #[must_use]
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t < self.end
    }
}
