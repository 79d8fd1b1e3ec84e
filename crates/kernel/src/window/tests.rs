//! Example-based tests of window semantics.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{Granularity, StationTz, Window};
use crate::KernelError;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn tz(name: &str) -> StationTz {
    StationTz::parse(name).unwrap()
}

fn assert_contiguous(windows: &[Window]) {
    for pair in windows.windows(2) {
        assert_eq!(pair[0].end, pair[1].start, "gap or overlap in {pair:?}");
    }
    for w in windows {
        assert!(w.duration() > Duration::zero(), "empty window {w:?}");
    }
}

#[test]
fn given_new_york_when_spring_forward_day_then_23_hours() {
    let ny = tz("America/New_York");
    let day = ny.window_containing(Granularity::Day, utc(2026, 3, 8, 12, 0));
    assert_eq!(day.start, utc(2026, 3, 8, 5, 0));
    assert_eq!(day.end, utc(2026, 3, 9, 4, 0));
    assert_eq!(day.duration(), Duration::hours(23));
    assert_eq!(ny.local_label(&day, Granularity::Day), "2026-03-08");
}

#[test]
fn given_new_york_when_fall_back_day_then_25_hours() {
    let ny = tz("America/New_York");
    let day = ny.window_containing(Granularity::Day, utc(2026, 11, 1, 12, 0));
    assert_eq!(day.start, utc(2026, 11, 1, 4, 0));
    assert_eq!(day.end, utc(2026, 11, 2, 5, 0));
    assert_eq!(day.duration(), Duration::hours(25));
}

#[test]
fn given_new_york_fall_back_day_when_hours_enumerated_then_25_distinct_contiguous() {
    let ny = tz("America/New_York");
    let day = ny.window_containing(Granularity::Day, utc(2026, 11, 1, 12, 0));
    let hours = ny.windows_between(Granularity::Hour, day.start, day.end);
    assert_eq!(hours.len(), 25);
    assert_contiguous(&hours);
    assert_eq!(hours[0].start, day.start);
    assert_eq!(hours[24].end, day.end);
    assert!(hours.iter().all(|h| h.duration() == Duration::hours(1)));
    let labels: Vec<String> = hours.iter().map(|h| ny.local_label(h, Granularity::Hour)).collect();
    assert_eq!(labels[0], "2026-11-01T00");
    assert_eq!(labels[1], "2026-11-01T01");
    assert_eq!(labels[2], "2026-11-01T01"); // the repeated hour, a distinct window
    assert_eq!(labels[3], "2026-11-01T02");
    assert_eq!(labels[24], "2026-11-01T23");
    assert_ne!(hours[1], hours[2]);
}

#[test]
fn given_new_york_spring_forward_day_when_hours_enumerated_then_23_and_no_2am() {
    let ny = tz("America/New_York");
    let day = ny.window_containing(Granularity::Day, utc(2026, 3, 8, 12, 0));
    let hours = ny.windows_between(Granularity::Hour, day.start, day.end);
    assert_eq!(hours.len(), 23);
    assert_contiguous(&hours);
    assert_eq!(ny.local_label(&hours[1], Granularity::Hour), "2026-03-08T01");
    assert_eq!(ny.local_label(&hours[2], Granularity::Hour), "2026-03-08T03");
}

#[test]
fn given_shanghai_when_day_window_then_24_hours_from_16_utc_previous_day() {
    let sh = tz("Asia/Shanghai");
    let day = sh.window_containing(Granularity::Day, utc(2026, 5, 20, 3, 0));
    assert_eq!(day.start, utc(2026, 5, 19, 16, 0));
    assert_eq!(day.duration(), Duration::hours(24));
    assert_eq!(sh.local_label(&day, Granularity::Day), "2026-05-20");
}

#[test]
fn given_kolkata_when_hour_window_then_starts_at_half_past_utc() {
    let kolkata = tz("Asia/Kolkata");
    let hour = kolkata.window_containing(Granularity::Hour, utc(2026, 1, 15, 10, 45));
    assert_eq!(hour.start, utc(2026, 1, 15, 10, 30));
    assert_eq!(hour.end, utc(2026, 1, 15, 11, 30));
    assert_eq!(kolkata.local_label(&hour, Granularity::Hour), "2026-01-15T16");
    let at_boundary = kolkata.window_containing(Granularity::Hour, utc(2026, 1, 15, 10, 30));
    assert_eq!(at_boundary, hour);
}

#[test]
fn given_february_when_month_window_then_days_cover_it_exactly() {
    let sh = tz("Asia/Shanghai");
    let month = sh.window_containing(Granularity::Month, utc(2026, 2, 10, 0, 0));
    assert_eq!(month.start, utc(2026, 1, 31, 16, 0));
    assert_eq!(month.end, utc(2026, 2, 28, 16, 0));
    assert_eq!(sh.local_label(&month, Granularity::Month), "2026-02");
    let days = sh.windows_between(Granularity::Day, month.start, month.end);
    assert_eq!(days.len(), 28);
    assert_contiguous(&days);
    assert_eq!((days[0].start, days[27].end), (month.start, month.end));
}

#[test]
fn given_dst_month_when_month_window_then_contiguous_and_exact() {
    let ny = tz("America/New_York");
    let march = ny.window_containing(Granularity::Month, utc(2026, 3, 15, 0, 0));
    assert_eq!(march.start, utc(2026, 3, 1, 5, 0));
    assert_eq!(march.end, utc(2026, 4, 1, 4, 0));
    assert_eq!(march.duration(), Duration::hours(31 * 24 - 1));
    let days = ny.windows_between(Granularity::Day, march.start, march.end);
    assert_eq!(days.len(), 31);
    assert_contiguous(&days);
    assert_eq!((days[0].start, days[30].end), (march.start, march.end));

    let months = ny.windows_between(Granularity::Month, utc(2026, 1, 1, 5, 0), utc(2027, 1, 1, 5, 0));
    assert_eq!(months.len(), 12);
    assert_contiguous(&months);
    assert_eq!(ny.next_window(march, Granularity::Month), months[3]);
    assert_eq!(months[10].duration(), Duration::hours(30 * 24 + 1)); // November
}

#[test]
fn given_new_york_when_year_window_then_local_new_year_to_new_year() {
    let ny = tz("America/New_York");
    let year = ny.window_containing(Granularity::Year, utc(2026, 7, 4, 16, 0));
    assert_eq!(year.start, utc(2026, 1, 1, 5, 0));
    assert_eq!(year.end, utc(2027, 1, 1, 5, 0));
    assert_eq!(year.duration(), Duration::days(365));
    assert_eq!(ny.local_label(&year, Granularity::Year), "2026");
    // New Year's Eve evening in New York is already next year in UTC.
    let eve = ny.window_containing(Granularity::Year, utc(2027, 1, 1, 4, 59));
    assert_eq!(eve, year);
}

#[test]
fn given_santiago_when_midnight_skipped_then_day_starts_after_gap() {
    // Chile springs forward at local 00:00 -> 01:00 on 2026-09-06 (04:00 UTC).
    let santiago = tz("America/Santiago");
    let day = santiago.window_containing(Granularity::Day, utc(2026, 9, 6, 12, 0));
    assert_eq!(day.start, utc(2026, 9, 6, 4, 0));
    assert_eq!(day.end, utc(2026, 9, 7, 3, 0));
    assert_eq!(day.duration(), Duration::hours(23));
    assert_eq!(santiago.local_label(&day, Granularity::Day), "2026-09-06");
    let before = santiago.window_containing(Granularity::Day, day.start - Duration::seconds(1));
    assert_eq!(before.end, day.start);
    assert_eq!(santiago.local_label(&before, Granularity::Day), "2026-09-05");
    let september = santiago.window_containing(Granularity::Month, utc(2026, 9, 6, 12, 0));
    assert_eq!(september.start, utc(2026, 9, 1, 4, 0));
}

#[test]
fn given_havana_when_midnight_repeated_then_day_starts_at_first_midnight() {
    // Cuba falls back at local 01:00 -> 00:00 on 2026-11-01, repeating midnight.
    let havana = tz("America/Havana");
    let day = havana.window_containing(Granularity::Day, utc(2026, 11, 1, 12, 0));
    assert_eq!(day.start, utc(2026, 11, 1, 4, 0));
    assert_eq!(day.duration(), Duration::hours(25));
    let second_midnight = havana.window_containing(Granularity::Day, utc(2026, 11, 1, 5, 30));
    assert_eq!(second_midnight, day);
}

#[test]
fn given_apia_when_date_skipped_then_no_window_for_it() {
    // Samoa skipped 2011-12-30 entirely when it moved across the date line.
    let apia = tz("Pacific/Apia");
    let days = apia.windows_between(Granularity::Day, utc(2011, 12, 28, 12, 0), utc(2011, 12, 31, 12, 0));
    assert_contiguous(&days);
    let labels: Vec<String> = days.iter().map(|d| apia.local_label(d, Granularity::Day)).collect();
    assert!(labels.contains(&"2011-12-29".to_owned()));
    assert!(labels.contains(&"2011-12-31".to_owned()));
    assert!(!labels.contains(&"2011-12-30".to_owned()));
}

#[test]
fn given_lord_howe_when_half_hour_dst_shift_then_half_hour_windows() {
    let lh = tz("Australia/Lord_Howe");
    // Spring 2026-10-04: local 02:00 (+10:30) jumps to 02:30 (+11) at 15:30 UTC.
    let hours = lh.windows_between(Granularity::Hour, utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 17, 0));
    let spans: Vec<_> = hours.iter().map(|h| (h.start, h.end)).collect();
    assert_eq!(
        spans,
        vec![
            (utc(2026, 10, 3, 14, 30), utc(2026, 10, 3, 15, 30)),
            (utc(2026, 10, 3, 15, 30), utc(2026, 10, 3, 16, 0)),
            (utc(2026, 10, 3, 16, 0), utc(2026, 10, 3, 17, 0)),
        ]
    );
    assert_eq!(lh.local_label(&hours[1], Granularity::Hour), "2026-10-04T02");
    // Autumn 2026-04-05: local 02:00 (+11) falls back to 01:30 (+10:30) at 15:00 UTC.
    let hours = lh.windows_between(Granularity::Hour, utc(2026, 4, 4, 14, 0), utc(2026, 4, 4, 16, 30));
    let spans: Vec<_> = hours.iter().map(|h| (h.start, h.end)).collect();
    assert_eq!(
        spans,
        vec![
            (utc(2026, 4, 4, 14, 0), utc(2026, 4, 4, 15, 0)),
            (utc(2026, 4, 4, 15, 0), utc(2026, 4, 4, 15, 30)),
            (utc(2026, 4, 4, 15, 30), utc(2026, 4, 4, 16, 30)),
        ]
    );
}

#[test]
fn given_range_when_windows_between_then_cover_it_contiguously() {
    let ny = tz("America/New_York");
    let (from, to) = (utc(2026, 11, 1, 3, 17), utc(2026, 11, 1, 9, 5));
    let hours = ny.windows_between(Granularity::Hour, from, to);
    assert_contiguous(&hours);
    assert!(hours[0].contains(from));
    assert!(hours[hours.len() - 1].end >= to);
    assert!(hours[hours.len() - 1].start < to);
    assert_eq!(hours.len(), 7); // 03:00..10:00 UTC
    assert!(ny.windows_between(Granularity::Hour, to, from).is_empty());
    assert!(ny.windows_between(Granularity::Day, to, to).is_empty());
    let one = ny.windows_between(Granularity::Year, from, to);
    assert_eq!(one.len(), 1);
}

#[test]
fn given_window_when_contains_then_half_open() {
    let w = Window { start: utc(2026, 1, 1, 0, 0), end: utc(2026, 1, 1, 1, 0) };
    assert!(w.contains(w.start));
    assert!(w.contains(w.end - Duration::nanoseconds(1)));
    assert!(!w.contains(w.end));
    assert!(!w.contains(w.start - Duration::nanoseconds(1)));
}

#[test]
fn given_extreme_instants_when_windows_computed_then_no_panic() {
    let instants = [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::MIN_UTC + Duration::hours(13),
        DateTime::<Utc>::MAX_UTC - Duration::hours(13),
        DateTime::<Utc>::UNIX_EPOCH,
    ];
    for name in ["America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"] {
        let zone = tz(name);
        for t in instants {
            for g in Granularity::ALL {
                let w = zone.window_containing(g, t);
                let _ = zone.next_window(w, g);
                let _ = zone.local_label(&w, g);
                let later = t.checked_add_signed(Duration::seconds(1)).unwrap_or(t);
                let _ = zone.windows_between(g, t, later);
            }
            let earlier = t.checked_sub_signed(Duration::days(2)).unwrap_or(t);
            let _ = zone.windows_between(Granularity::Day, earlier, t);
        }
    }
}

#[test]
fn given_leap_second_instant_when_hour_window_then_contains_it() {
    let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
        .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
        .unwrap()
        .and_utc();
    let w = tz("UTC").window_containing(Granularity::Hour, leap);
    assert!(w.contains(leap));
    assert_eq!(w.end, utc(2017, 1, 1, 0, 0));
}

#[test]
fn given_zone_names_when_parsed_then_known_or_error_naming_value() {
    assert_eq!(tz("Asia/Shanghai").name(), "Asia/Shanghai");
    assert_eq!(tz("Europe/Berlin").to_string(), "Europe/Berlin");
    assert_eq!(
        StationTz::parse("Mars/Olympus_Mons"),
        Err(KernelError::InvalidTimeZone { value: "Mars/Olympus_Mons".to_owned() })
    );
    let json = serde_json::to_string(&tz("America/New_York")).unwrap();
    assert_eq!(json, "\"America/New_York\"");
    assert_eq!(serde_json::from_str::<StationTz>(&json).unwrap(), tz("America/New_York"));
    assert!(serde_json::from_str::<StationTz>("\"Nowhere\"").is_err());
}

#[test]
fn given_window_when_serialized_then_rfc3339_fields() {
    let w = Window { start: utc(2026, 1, 1, 0, 0), end: utc(2026, 1, 2, 0, 0) };
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(json, r#"{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"}"#);
    assert_eq!(serde_json::from_str::<Window>(&json).unwrap(), w);
}
