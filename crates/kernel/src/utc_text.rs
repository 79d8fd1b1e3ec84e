//! RFC 3339 text of UTC instants, written without going through `fmt` (a year of hourly
//! statistics serializes three instants per window): the same text as chrono's own serializer
//! (`2026-03-01T10:00:00Z`, fractional seconds only when there are any), which stays the
//! fallback for what the fast path does not cover (years outside 0..=9999, leap seconds).

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serializer;

/// Writes `t` as RFC 3339 into `buf`; the length written, or None where chrono must do it.
fn write(t: &DateTime<Utc>, buf: &mut [u8; 30]) -> Option<usize> {
    let (date, time) = (t.date_naive(), t.time());
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let nanos = time.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let mut put = |at: usize, value: u32, digits: usize| {
        let mut v = value;
        for i in (0..digits).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, date.month(), 2);
    put(8, date.day(), 2);
    put(11, time.hour(), 2);
    put(14, time.minute(), 2);
    put(17, time.second(), 2);
    let (fraction, digits) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    let mut end = 19;
    if digits > 0 {
        put(20, fraction, digits);
        end = 20 + digits;
    }
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    buf[19] = b'.';
    buf[end] = b'Z';
    Some(end + 1)
}

/// Serializes `t` as chrono does (`#[serde(serialize_with = "utc_text::serialize")]`).
pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 30];
    match write(t, &mut buf).and_then(|n| std::str::from_utf8(&buf[..n]).ok()) {
        Some(text) => s.serialize_str(text),
        None => serde::Serialize::serialize(t, s),
    }
}

/// Serializes a column of instants, each as [`serialize`] does.
pub fn serialize_all<S: Serializer>(ts: &[DateTime<Utc>], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    struct One<'a>(&'a DateTime<Utc>);
    impl serde::Serialize for One<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self.0, s)
        }
    }
    let mut seq = s.serialize_seq(Some(ts.len()))?;
    for t in ts {
        seq.serialize_element(&One(t))?;
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fast(t: DateTime<Utc>) -> String {
        serialize(&t, serde_json::value::Serializer)
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    }

    fn chrono_text(t: DateTime<Utc>) -> String {
        serde_json::to_value(t).map(|v| v.as_str().unwrap_or_default().to_owned()).unwrap_or_default()
    }

    #[test]
    fn given_instants_of_every_precision_when_written_then_the_text_is_chronos() {
        let base = Utc.with_ymd_and_hms(2026, 3, 8, 2, 5, 9).single().unwrap_or_default();
        let cases = [
            base,
            base + chrono::Duration::milliseconds(120),
            base + chrono::Duration::microseconds(123_456),
            base + chrono::Duration::nanoseconds(7),
            base + chrono::Duration::nanoseconds(999_999_999),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single().unwrap_or_default(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single().unwrap_or_default(),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).single().unwrap_or_default(),
            Utc.with_ymd_and_hms(-1, 1, 1, 0, 0, 0).single().unwrap_or_default(),
        ];
        for t in cases {
            assert_eq!(fast(t), chrono_text(t), "{t:?}");
        }
        // The fast path is taken for what statistics hold (not chrono's fallback).
        for t in &cases[..7] {
            assert!(write(t, &mut [0; 30]).is_some(), "{t:?}");
        }
    }

    #[test]
    fn given_a_leap_second_when_written_then_chrono_writes_it() {
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .map(|n| n.and_utc())
            .unwrap_or_default();
        assert_eq!(fast(leap), chrono_text(leap));
    }
}
