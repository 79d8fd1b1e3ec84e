//! Energy from cumulative meter readings: non-negative differences, attributed linearly
//! between readings (so a window edge is interpolated), with reset and rollover detection.
//!
//! Rules, applied reading by reading against the highest reading of the current cycle:
//! * a reading above it adds the difference;
//! * a reading slightly below it (at least half of it) is jitter and adds nothing;
//! * a reading below half of it starts a new cycle: if a rollover modulus is configured and
//!   the cycle was in the top tenth of it while the new reading is in the bottom tenth, the
//!   counter wrapped and `modulus - high + reading` is added; otherwise the meter was reset
//!   to zero and the new reading itself is added.
//!
//! The high is carried across windows: a window starts from the high as of its last reading
//! before it (stored with the window before), so a stale, lower re-send just before a boundary
//! is not counted again after it.
//!
//! Energy between two readings is spread evenly over the time between them, whatever the
//! gap: a meter counts through a gap, so the total is conserved; the gap only lowers coverage.

use super::integrate::Integrated;
use super::samples::{secs, Sample};
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::Window;

/// How one pair of consecutive readings was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Ordinary growth (or jitter counted as zero).
    Growth,
    /// The meter restarted from zero.
    Reset,
    /// The counter wrapped at the rollover modulus.
    Rollover,
}

/// The running state of a counter: the highest reading of its current cycle.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cycle {
    high: f64,
}

impl Cycle {
    /// The cycle as of `first`, or as carried (`high_in`) from the window before; a carried high
    /// below the reading itself is stale and the reading wins.
    fn start(first: &Sample, high_in: Option<f64>) -> Cycle {
        Cycle { high: high_in.map_or(first.value, |h| h.max(first.value)) }
    }

    /// Reads the next value: the energy it adds and how it was read.
    fn read(&mut self, v: f64, rollover_wh: Option<f64>) -> (f64, Step) {
        let high = self.high;
        if v >= high {
            self.high = v;
            return (v - high, Step::Growth);
        }
        if v >= high / 2.0 {
            return (0.0, Step::Growth);
        }
        self.high = v;
        match rollover_wh {
            Some(m) if m > 0.0 && high >= 0.9 * m && v <= 0.1 * m => ((m - high).max(0.0) + v.max(0.0), Step::Rollover),
            _ => (v.max(0.0), Step::Reset),
        }
    }
}

/// Energy (Wh) of each consecutive pair of `readings` and how it was read. `high_in` is the
/// cycle's highest reading as of the first reading, carried from the window before; without
/// it the first reading is taken as the high.
#[must_use]
pub fn increments(readings: &[Sample], rollover_wh: Option<f64>, high_in: Option<f64>) -> Vec<(f64, Step)> {
    let Some(first) = readings.first() else { return Vec::new() };
    let mut cycle = Cycle::start(first, high_in);
    readings.iter().skip(1).map(|r| cycle.read(r.value, rollover_wh)).collect()
}

/// The cycle's highest reading as of the last of `readings` before `t` (starting from
/// `high_in` as [`increments`] does); none when no reading is before `t`.
#[must_use]
pub fn high_before(
    readings: &[Sample],
    rollover_wh: Option<f64>,
    high_in: Option<f64>,
    t: DateTime<Utc>,
) -> Option<f64> {
    let first = readings.first().filter(|r| r.ts < t)?;
    let mut cycle = Cycle::start(first, high_in);
    for r in readings.iter().skip(1).take_while(|r| r.ts < t) {
        cycle.read(r.value, rollover_wh);
    }
    Some(cycle.high)
}

/// Meter energy per slot (`slots` contiguous, in order), the cycle starting from `high_in` (see
/// [`increments`]); pairs further apart than `max_gap` still count (spread over the gap) but do
/// not count as covered time.
#[must_use]
pub fn integrate_meter(
    readings: &[Sample],
    slots: &[Window],
    max_gap: Duration,
    rollover_wh: Option<f64>,
    high_in: Option<f64>,
) -> Integrated {
    let mut out = Integrated {
        slot_wh: vec![0.0; slots.len()],
        covered: Duration::zero(),
        uncovered: Vec::new(),
        signed_area_ws: 0.0,
    };
    let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
        return out;
    };
    let window = Window { start: first.start, end: last.end };
    let mut cursor = window.start;
    for (pair, (wh, _)) in readings.windows(2).zip(increments(readings, rollover_wh, high_in)) {
        let (t0, t1) = (pair[0].ts, pair[1].ts);
        let (a, b) = (t0.max(window.start), t1.min(window.end));
        if a >= b {
            continue;
        }
        let span = secs(t1 - t0);
        for (i, slot) in slots.iter().enumerate() {
            let (sa, sb) = (a.max(slot.start), b.min(slot.end));
            if sa < sb && span > 0.0 {
                out.slot_wh[i] += wh * secs(sb - sa) / span;
            }
        }
        if t1 - t0 <= max_gap {
            if a > cursor {
                out.uncovered.push(Window { start: cursor, end: a });
            }
            cursor = cursor.max(b);
            out.covered += b - a;
        }
    }
    if cursor < window.end {
        out.uncovered.push(Window { start: cursor, end: window.end });
    }
    out
}
