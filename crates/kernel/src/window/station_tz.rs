//! A station's IANA time zone and the window functions that depend on it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::calendar::calendar_window;
use super::hour::hour_window;
use super::local::local_time;
use super::{Granularity, Window};
use crate::error::KernelError;

/// The IANA time zone a station's calendar windows are aligned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StationTz(pub Tz);

impl StationTz {
    /// The UTC zone.
    pub const UTC: StationTz = StationTz(Tz::UTC);

    /// Every name [`StationTz::parse`] accepts.
    pub fn known_names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }

    /// Looks up an IANA zone name such as `"Asia/Shanghai"` (exact spelling).
    pub fn parse(name: &str) -> Result<StationTz, KernelError> {
        name.parse::<Tz>().map(StationTz).map_err(|_| KernelError::InvalidTimeZone { value: name.to_owned() })
    }

    /// The IANA name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The `g` window that contains `t` (see the [module docs](super) for the rules).
    #[must_use]
    pub fn window_containing(&self, g: Granularity, t: DateTime<Utc>) -> Window {
        let window = match g {
            Granularity::Hour => hour_window(self.0, t),
            Granularity::Day | Granularity::Month | Granularity::Year => calendar_window(self.0, g, t),
        };
        window.unwrap_or(Window { start: DateTime::<Utc>::MIN_UTC, end: DateTime::<Utc>::MAX_UTC })
    }

    /// All `g` windows that intersect `[from, to)`, in order and contiguous; empty if
    /// `from >= to`. The first window may start before `from` and the last end after `to`.
    #[must_use]
    pub fn windows_between(&self, g: Granularity, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Window> {
        let mut windows = Vec::new();
        if from >= to {
            return windows;
        }
        let mut window = self.window_containing(g, from);
        loop {
            windows.push(window);
            if window.end >= to {
                break;
            }
            let next = self.next_window(window, g);
            if next.end <= window.end {
                break; // no progress: only at the ends of chrono's range
            }
            window = next;
        }
        windows
    }

    /// The `g` window that starts where `w` ends (the one containing `w.end`).
    #[must_use]
    pub fn next_window(&self, w: Window, g: Granularity) -> Window {
        self.window_containing(g, w.end)
    }

    /// Local label of the window start: `"2026-03-08T02"`, `"2026-03-08"`, `"2026-03"`, `"2026"`.
    #[must_use]
    pub fn local_label(&self, w: &Window, g: Granularity) -> String {
        let local = local_time(self.0, w.start).unwrap_or(w.start.naive_utc());
        let (year, month, day) = (local.year(), local.month(), local.day());
        match g {
            Granularity::Hour => {
                format!("{year:04}-{month:02}-{day:02}T{:02}", local.hour())
            }
            Granularity::Day => format!("{year:04}-{month:02}-{day:02}"),
            Granularity::Month => format!("{year:04}-{month:02}"),
            Granularity::Year => format!("{year:04}"),
        }
    }
}

impl From<Tz> for StationTz {
    fn from(tz: Tz) -> Self {
        StationTz(tz)
    }
}

impl fmt::Display for StationTz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StationTz {
    type Err = KernelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StationTz::parse(s)
    }
}

impl Serialize for StationTz {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for StationTz {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        StationTz::parse(&raw).map_err(serde::de::Error::custom)
    }
}
