//! Random scenarios: counter and power series with gaps up to and beyond the maximum gap,
//! readings exactly on hour boundaries, resets, rollovers, stale re-sends and jitter, each
//! sample arriving on time or late.

use super::scenario::{Reading, Scenario};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

/// A zone and the UTC hour its local day starts (year, month, day, hour).
type ZoneDay = (&'static str, (i32, u32, u32, u32));

/// Station zones and a local day of each: ordinary, and both DST changes (23 and 25 hours).
pub const DAYS: [ZoneDay; 4] = [
    ("UTC", (2026, 6, 1, 0)),
    ("Asia/Shanghai", (2026, 3, 1, 16)),
    ("Europe/Berlin", (2026, 3, 28, 23)),
    ("Europe/Berlin", (2026, 10, 24, 22)),
];

/// Modulus of wrapping counters.
pub const MODULUS: f64 = 10_000_000.0;

/// One step of a series: how far the next sample is, what it reads, when it arrives.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    gap: u8,
    jitter: u8,
    op: u8,
    magnitude: u16,
    arrival: u16,
}

fn step() -> impl Strategy<Value = Step> {
    (any::<u8>(), any::<u8>(), any::<u8>(), any::<u16>(), any::<u16>())
        .prop_map(|(gap, jitter, op, magnitude, arrival)| Step { gap, jitter, op, magnitude, arrival })
}

/// Time from one sample to the next; `on_hour` when it lands exactly on the next hour.
fn next_ts(t: DateTime<Utc>, s: &Step) -> DateTime<Utc> {
    let secs = match s.gap % 24 {
        0 => {
            let hour = 3600 - t.timestamp().rem_euclid(3600);
            return t + Duration::seconds(hour) - Duration::milliseconds(i64::from(t.timestamp_subsec_millis()));
        }
        1 => 300,
        2 => 301,
        3 => 299,
        4 => 600,
        5 => 4500,
        6 => 200 + i64::from(s.jitter),
        _ => 50 + i64::from(s.jitter % 20),
    };
    t + Duration::seconds(secs)
}

/// When a sample measured at `ts` arrives: mostly on time, one in four late (up to 4 h, one
/// in sixty-four up to 30 h, after its day has closed).
fn arrives(ts: DateTime<Utc>, s: &Step) -> DateTime<Utc> {
    if s.arrival.is_multiple_of(64) {
        ts + Duration::minutes(6 + i64::from(s.arrival % 1800))
    } else if s.arrival.is_multiple_of(4) {
        ts + Duration::minutes(6 + i64::from(s.arrival % 240))
    } else {
        ts + Duration::seconds(i64::from(s.arrival % 30))
    }
}

fn counter(
    device: usize,
    point: &'static str,
    start: DateTime<Utc>,
    v0: f64,
    wraps: bool,
    steps: &[Step],
) -> Vec<Reading> {
    let (mut t, mut v) = (start, v0);
    let mut out: Vec<Reading> = Vec::with_capacity(steps.len());
    for s in steps {
        let m = f64::from(s.magnitude);
        let value = match s.op % 20 {
            // A stale re-send of one of the last few readings; the register itself moves on.
            0 | 1 => out.iter().rev().nth(usize::from(s.jitter % 4)).map_or(v, |r| r.value),
            2 => v - m % 50.0,
            3 => {
                v = m % 1000.0;
                v
            }
            4 if wraps => {
                v = (v + MODULUS * 0.05 + m) % MODULUS;
                v
            }
            _ => {
                v = if wraps { (v + m % 400.0) % MODULUS } else { v + m % 400.0 };
                v
            }
        };
        out.push(Reading { device, point, ts: t, value, arrives: arrives(t, s) });
        t = next_ts(t, s);
    }
    out
}

fn power(device: usize, point: &'static str, start: DateTime<Utc>, signed: bool, steps: &[Step]) -> Vec<Reading> {
    let (mut t, mut w) = (start, 0.0_f64);
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        let delta = f64::from(s.magnitude % 2001) - 1000.0;
        w = match s.op % 10 {
            0 => 0.0,
            1 => -w,
            _ => w + delta,
        };
        w = if signed { w.clamp(-6000.0, 6000.0) } else { w.clamp(0.0, 6000.0) };
        out.push(Reading { device, point, ts: t, value: w, arrives: arrives(t, s) });
        t = next_ts(t, s);
    }
    out
}

type Plan = (usize, i64, (f64, bool), Vec<Step>, Vec<Step>, Vec<Step>, (Vec<bool>, i64));

/// A scenario on day `day` of [`DAYS`]: where its data starts (around the day's local midnight, so DST
/// changes fall inside it), how arrivals are batched, the counter's first reading and whether
/// it wraps, the steps of the grid meter's counter and power and of the PV inverter's power.
pub fn scenario(day: usize) -> impl Strategy<Value = Scenario> {
    let series = || prop::collection::vec(step(), 0..70);
    (
        Just(day),
        -90i64..90,
        (0.0..MODULUS, any::<bool>()),
        series(),
        series(),
        series(),
        (prop::collection::vec(any::<bool>(), 1..8), prop::sample::select(vec![5i64, 15])),
    )
        .prop_map(|(day, offset_min, (v0, wraps), meter, grid, pv, (round_between, batch_minutes)): Plan| {
            let (zone, (y, m, d, h)) = DAYS[day % DAYS.len()];
            let day_start = Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH);
            let start = day_start + Duration::minutes(offset_min);
            let mut readings = counter(0, "energy_import_wh", start, v0.floor(), wraps, &meter);
            readings.extend(power(0, "active_power_w", start + Duration::seconds(7), true, &grid));
            readings.extend(power(1, "pv_power_w", start + Duration::seconds(13), false, &pv));
            Scenario { zone, rollover_wh: wraps.then_some(MODULUS), readings, round_between, batch_minutes }
        })
}
