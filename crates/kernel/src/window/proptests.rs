//! Property tests: windows contain their instant and chain without gaps.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::{Granularity, StationTz};

const ZONES: [&str; 12] = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Chatham",
    "Pacific/Apia",
];

/// 2000-01-01T00:00:00Z and 2041-01-01T00:00:00Z as UNIX seconds.
const FROM_SECS: i64 = 946_684_800;
const TO_SECS: i64 = 2_240_524_800;

proptest! {
    #[test]
    fn given_random_instant_when_window_containing_then_contains_and_chains(
        secs in FROM_SECS..TO_SECS,
        nanos in 0u32..1_000_000_000,
        zone in 0..ZONES.len(),
        g in prop::sample::select(vec![Granularity::Hour, Granularity::Day, Granularity::Month]),
    ) {
        let zone = StationTz::parse(ZONES[zone]).unwrap();
        let t: DateTime<Utc> = DateTime::from_timestamp(secs, nanos).unwrap();
        let w = zone.window_containing(g, t);
        prop_assert!(w.contains(t), "{w:?} does not contain {t}");
        prop_assert!(w.duration() > Duration::zero());
        let next = zone.next_window(w, g);
        prop_assert_eq!(next.start, w.end);
        prop_assert!(next.duration() > Duration::zero());
        if g == Granularity::Hour {
            prop_assert!(w.duration() <= Duration::hours(1));
        }
        // Every instant of the window maps back to the same window.
        prop_assert_eq!(zone.window_containing(g, w.start), w);
        prop_assert_eq!(zone.window_containing(g, w.end - Duration::nanoseconds(1)), w);
    }
}
