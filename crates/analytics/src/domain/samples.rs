//! Numeric samples of one point and the straight segments between consecutive ones.

use chrono::{DateTime, Duration, Utc};
use mgc_kernel::Window;

/// One numeric reading of a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// When it was measured.
    pub ts: DateTime<Utc>,
    /// The value in the point's unit.
    pub value: f64,
}

impl Sample {
    /// A sample at `ts` with `value`.
    #[must_use]
    pub fn new(ts: DateTime<Utc>, value: f64) -> Sample {
        Sample { ts, value }
    }
}

/// Sorts by time and drops non-finite values and repeated timestamps (the first one wins).
#[must_use]
pub fn clean(mut samples: Vec<Sample>) -> Vec<Sample> {
    samples.retain(|s| s.value.is_finite());
    samples.sort_by_key(|s| s.ts);
    samples.dedup_by_key(|s| s.ts);
    samples
}

/// The straight line between two consecutive samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Earlier sample.
    pub from: Sample,
    /// Later sample.
    pub to: Sample,
}

impl Segment {
    /// Length of the segment.
    #[must_use]
    pub fn duration(&self) -> Duration {
        self.to.ts - self.from.ts
    }

    /// Linearly interpolated value at `t` (clamped to the segment).
    #[must_use]
    pub fn value_at(&self, t: DateTime<Utc>) -> f64 {
        let total = secs(self.duration());
        if total <= 0.0 {
            return self.to.value;
        }
        let f = (secs(t - self.from.ts) / total).clamp(0.0, 1.0);
        self.from.value + (self.to.value - self.from.value) * f
    }

    /// The part of the segment inside `w`, if any (start, end).
    #[must_use]
    pub fn overlap(&self, w: &Window) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let a = self.from.ts.max(w.start);
        let b = self.to.ts.min(w.end);
        (a < b).then_some((a, b))
    }
}

/// Consecutive pairs of `samples` (which must be clean).
pub fn segments(samples: &[Sample]) -> impl Iterator<Item = Segment> + '_ {
    samples.windows(2).map(|p| Segment { from: p[0], to: p[1] })
}

/// A duration in (fractional) seconds.
#[must_use]
pub fn secs(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}
