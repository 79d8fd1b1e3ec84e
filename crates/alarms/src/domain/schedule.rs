//! When a rule may raise alarms: days of the week and a daily time range in station time.

use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use mgc_kernel::StationTz;
use serde::{Deserialize, Serialize};

/// Active days and hours in the station's time zone; `start > end` spans midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Active days (`mon` .. `sun`); empty = every day.
    #[serde(default)]
    pub days: Vec<String>,
    /// Local start time `HH:MM` (inclusive).
    pub start: String,
    /// Local end time `HH:MM` (exclusive).
    pub end: String,
}

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// `HH:MM` with two digits each, 00:00-23:59.
fn parse_time(s: &str, field: &str) -> Result<NaiveTime, String> {
    let bad = || format!("schedule.{field}: '{s}' is not HH:MM");
    let b = s.as_bytes();
    let shaped = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit());
    if !shaped {
        return Err(bad());
    }
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| bad())
}

impl Schedule {
    /// Checks days and times.
    pub fn validate(&self) -> Result<(), String> {
        for d in &self.days {
            if !DAYS.iter().any(|(n, _)| n == d) {
                return Err(format!("schedule.days: unknown day '{d}' (mon, tue, wed, thu, fri, sat, sun)"));
            }
        }
        let (start, end) = (parse_time(&self.start, "start")?, parse_time(&self.end, "end")?);
        if start == end {
            return Err("schedule: start and end are equal; leave the schedule out to be always active".into());
        }
        Ok(())
    }

    /// Whether `at` falls in the schedule in `tz`. For a window spanning midnight, the day
    /// that counts is the day the window started.
    pub fn is_active(&self, tz: StationTz, at: DateTime<Utc>) -> bool {
        let (Ok(start), Ok(end)) = (parse_time(&self.start, "start"), parse_time(&self.end, "end")) else {
            return true;
        };
        let local = at.with_timezone(&tz.0);
        let time = local.time();
        let day_ok = |wd: Weekday| {
            self.days.is_empty() || DAYS.iter().any(|(n, d)| *d == wd && self.days.iter().any(|x| x == n))
        };
        if start < end {
            time >= start && time < end && day_ok(local.weekday())
        } else if time >= start {
            day_ok(local.weekday())
        } else {
            time < end && day_ok(local.weekday().pred())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn shanghai() -> StationTz {
        StationTz::parse("Asia/Shanghai").unwrap()
    }

    #[test]
    fn given_weekday_office_hours_when_checked_then_active_only_inside_in_station_time() {
        let s = Schedule { days: vec!["mon".into(), "tue".into()], start: "08:00".into(), end: "18:00".into() };
        s.validate().unwrap();
        // Monday 2026-03-02 09:00 Shanghai = 01:00 UTC.
        assert!(s.is_active(shanghai(), Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()));
        // Monday 07:59 Shanghai.
        assert!(!s.is_active(shanghai(), Utc.with_ymd_and_hms(2026, 3, 1, 23, 59, 0).unwrap()));
        // Wednesday 09:00 Shanghai.
        assert!(!s.is_active(shanghai(), Utc.with_ymd_and_hms(2026, 3, 4, 1, 0, 0).unwrap()));
    }

    #[test]
    fn given_night_window_when_checked_then_spans_midnight_from_its_start_day() {
        let s = Schedule { days: vec!["fri".into()], start: "22:00".into(), end: "06:00".into() };
        let tz = StationTz::UTC;
        assert!(s.is_active(tz, Utc.with_ymd_and_hms(2026, 3, 6, 23, 0, 0).unwrap())); // Fri 23:00
        assert!(s.is_active(tz, Utc.with_ymd_and_hms(2026, 3, 7, 5, 0, 0).unwrap())); // Sat 05:00
        assert!(!s.is_active(tz, Utc.with_ymd_and_hms(2026, 3, 8, 5, 0, 0).unwrap()));
        // Sun 05:00
    }

    #[test]
    fn given_bad_schedule_when_validated_then_names_field() {
        let s = Schedule { days: vec!["monday".into()], start: "08:00".into(), end: "18:00".into() };
        assert!(s.validate().unwrap_err().contains("'monday'"));
        let s = Schedule { days: vec![], start: "8am".into(), end: "18:00".into() };
        assert!(s.validate().unwrap_err().starts_with("schedule.start"));
        for loose in ["8:00", "08:5", " 08:00", "08:00 ", "24:00"] {
            let s = Schedule { days: vec![], start: "07:00".into(), end: loose.into() };
            assert!(s.validate().unwrap_err().starts_with("schedule.end"), "{loose}");
        }
    }
}
