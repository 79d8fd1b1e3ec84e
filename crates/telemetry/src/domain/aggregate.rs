//! Bucketed telemetry in a station's local time: `interval` × `agg` over numeric points.
//!
//! Buckets follow the station's calendar: `1h`, `1d` and `1mo` are local clock hours, local
//! days (23 or 25 hours on DST days) and calendar months; sub-hour intervals (`1m` … `30m`,
//! dividing an hour) are counted from the start of the local hour, so they never straddle an
//! hour boundary either. Points without a numeric value are ignored.

use crate::domain::error::TelemetryError;
use chrono::{DateTime, Utc};
use mgc_kernel::{Granularity, StationTz, Window};
use serde::Serialize;
use std::collections::BTreeMap;

/// How the values of a bucket are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agg {
    /// Arithmetic mean of the samples.
    Avg,
    /// Smallest sample.
    Min,
    /// Largest sample.
    Max,
    /// Sum of the samples.
    Sum,
    /// Number of samples.
    Count,
    /// Latest sample.
    Last,
}

impl std::str::FromStr for Agg {
    type Err = TelemetryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "avg" => Agg::Avg,
            "min" => Agg::Min,
            "max" => Agg::Max,
            "sum" => Agg::Sum,
            "count" => Agg::Count,
            "last" => Agg::Last,
            other => return Err(TelemetryError::InvalidAgg(other.to_owned())),
        })
    }
}

/// Bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Minutes within a local hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30).
    Minutes(u32),
    /// A calendar unit of local time.
    Calendar(Granularity),
}

impl std::str::FromStr for Interval {
    type Err = TelemetryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || TelemetryError::InvalidInterval(s.to_owned());
        match s {
            "1h" => Ok(Interval::Calendar(Granularity::Hour)),
            "1d" => Ok(Interval::Calendar(Granularity::Day)),
            "1mo" => Ok(Interval::Calendar(Granularity::Month)),
            _ => {
                let n: u32 = s.strip_suffix('m').and_then(|n| n.parse().ok()).ok_or_else(bad)?;
                if n == 0 || 60 % n != 0 {
                    return Err(bad());
                }
                Ok(if n == 60 { Interval::Calendar(Granularity::Hour) } else { Interval::Minutes(n) })
            }
        }
    }
}

/// One numeric sample: point name, time, value.
pub type Sample = (String, DateTime<Utc>, f64);

/// Samples gathered per (point, bucket start).
type Buckets<'a> = BTreeMap<(&'a str, DateTime<Utc>), (Window, Vec<(DateTime<Utc>, f64)>)>;

/// One bucket of one point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    /// Point name.
    pub point: String,
    /// Bucket start (UTC).
    pub start: DateTime<Utc>,
    /// Bucket end (UTC, exclusive).
    pub end: DateTime<Utc>,
    /// Aggregated value.
    pub value: f64,
    /// Samples in the bucket.
    pub samples: u64,
}

/// The bucket of `interval` containing `t` in `tz`.
pub fn bucket_of(tz: &StationTz, interval: Interval, t: DateTime<Utc>) -> Window {
    match interval {
        Interval::Calendar(g) => tz.window_containing(g, t),
        Interval::Minutes(n) => {
            let hour = tz.window_containing(Granularity::Hour, t);
            let step = chrono::Duration::minutes(i64::from(n));
            let k = (t - hour.start).num_seconds() / step.num_seconds().max(1);
            let start = hour.start + step * i32::try_from(k).unwrap_or(0);
            Window { start, end: (start + step).min(hour.end) }
        }
    }
}

/// Aggregates `(point, ts, value)` samples; buckets come out ordered by point, then time.
pub fn aggregate(samples: &[Sample], tz: &StationTz, interval: Interval, agg: Agg) -> Vec<Bucket> {
    let mut acc: Buckets<'_> = BTreeMap::new();
    for (point, ts, v) in samples.iter().filter(|s| s.2.is_finite()) {
        let w = bucket_of(tz, interval, *ts);
        acc.entry((point.as_str(), w.start)).or_insert_with(|| (w, Vec::new())).1.push((*ts, *v));
    }
    acc.into_iter()
        .map(|((point, _), (w, values))| {
            let n = values.len();
            let sum: f64 = values.iter().map(|(_, v)| v).sum();
            let value = match agg {
                Agg::Avg => sum / n as f64,
                Agg::Sum => sum,
                Agg::Count => n as f64,
                Agg::Min => values.iter().map(|(_, v)| *v).fold(f64::INFINITY, f64::min),
                Agg::Max => values.iter().map(|(_, v)| *v).fold(f64::NEG_INFINITY, f64::max),
                Agg::Last => values.iter().max_by_key(|(t, _)| *t).map_or(f64::NAN, |(_, v)| *v),
            };
            Bucket { point: point.to_owned(), start: w.start, end: w.end, value, samples: n as u64 }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tz(name: &str) -> StationTz {
        StationTz::parse(name).unwrap()
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn given_intervals_when_parsed_then_only_divisors_of_an_hour_or_calendar_units() {
        assert_eq!("15m".parse::<Interval>().unwrap(), Interval::Minutes(15));
        assert_eq!("60m".parse::<Interval>().unwrap(), Interval::Calendar(Granularity::Hour));
        assert_eq!("1mo".parse::<Interval>().unwrap(), Interval::Calendar(Granularity::Month));
        for bad in ["7m", "0m", "2h", "5", "m"] {
            assert_eq!(bad.parse::<Interval>(), Err(TelemetryError::InvalidInterval(bad.to_owned())), "{bad}");
        }
        assert_eq!("median".parse::<Agg>(), Err(TelemetryError::InvalidAgg("median".to_owned())));
        let said = "7m".parse::<Interval>().err().map(|e| e.to_string());
        let want = "interval '7m' must be a divisor of an hour in minutes (e.g. 5m, 15m, 30m), 1h, 1d or 1mo";
        assert_eq!(said.as_deref(), Some(want));
    }

    #[test]
    fn given_kolkata_when_fifteen_minute_buckets_then_aligned_to_local_quarter_hours() {
        // Asia/Kolkata is UTC+05:30: local 10:00 is 04:30 UTC.
        let w = bucket_of(&tz("Asia/Kolkata"), Interval::Minutes(15), at(2026, 3, 1, 4, 52));
        assert_eq!((w.start, w.end), (at(2026, 3, 1, 4, 45), at(2026, 3, 1, 5, 0)));
    }

    #[test]
    fn given_samples_when_aggregated_daily_in_shanghai_then_local_days_and_each_agg() {
        let s = |h: u32, v: f64| ("active_power_w".to_owned(), at(2026, 3, 1, h, 0), v);
        // 15:00 UTC is 23:00 local on 03-01; 17:00 UTC is 01:00 local on 03-02.
        let samples = vec![s(10, 1.0), s(15, 3.0), s(17, 10.0)];
        let sh = tz("Asia/Shanghai");
        let day = Interval::Calendar(Granularity::Day);
        let avg = aggregate(&samples, &sh, day, Agg::Avg);
        assert_eq!(avg.len(), 2);
        assert_eq!((avg[0].start, avg[0].value, avg[0].samples), (at(2026, 2, 28, 16, 0), 2.0, 2));
        assert_eq!(avg[1].value, 10.0);
        assert_eq!(aggregate(&samples, &sh, day, Agg::Max)[0].value, 3.0);
        assert_eq!(aggregate(&samples, &sh, day, Agg::Min)[0].value, 1.0);
        assert_eq!(aggregate(&samples, &sh, day, Agg::Sum)[0].value, 4.0);
        assert_eq!(aggregate(&samples, &sh, day, Agg::Count)[0].value, 2.0);
        assert_eq!(aggregate(&samples, &sh, day, Agg::Last)[0].value, 3.0);
    }

    #[test]
    fn given_new_york_spring_forward_when_daily_buckets_then_day_is_23_hours() {
        let samples = vec![("p".to_owned(), at(2026, 3, 8, 12, 0), 1.0)];
        let b = aggregate(&samples, &tz("America/New_York"), Interval::Calendar(Granularity::Day), Agg::Sum);
        assert_eq!(b[0].end - b[0].start, chrono::Duration::hours(23));
    }
}
