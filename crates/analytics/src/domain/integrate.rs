//! Energy from power samples by trapezoidal integration, never across a gap longer than
//! the maximum, split exactly at slot boundaries and at zero crossings.

use super::samples::{secs, segments, Sample};
use chrono::Duration;
use mgc_kernel::Window;

/// Which part of a signed power signal counts as the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerPart {
    /// The signal as it is.
    Signed,
    /// Only where the signal is positive.
    Positive,
    /// The magnitude of where the signal is negative.
    Negative,
}

/// The result of integrating one series over consecutive slots.
#[derive(Debug, Clone, PartialEq)]
pub struct Integrated {
    /// Energy (Wh, fractional) per slot.
    pub slot_wh: Vec<f64>,
    /// Time of the whole window backed by segments no longer than the maximum gap.
    pub covered: Duration,
    /// Parts of the window not backed by data, in order.
    pub uncovered: Vec<Window>,
    /// Signed area of the covered part (W·s), for time-weighted means.
    pub signed_area_ws: f64,
}

/// Integrates power `samples` (W, clean) over `slots` (contiguous, in order); segments longer
/// than `max_gap` are gaps: not integrated, reported in `uncovered`.
#[must_use]
pub fn integrate_power(samples: &[Sample], slots: &[Window], max_gap: Duration, part: PowerPart) -> Integrated {
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
    for seg in segments(samples).filter(|s| s.duration() <= max_gap) {
        let Some((a, b)) = seg.overlap(&window) else { continue };
        if a > cursor {
            out.uncovered.push(Window { start: cursor, end: a });
        }
        cursor = cursor.max(b);
        out.covered += b - a;
        out.signed_area_ws += area(seg.value_at(a), seg.value_at(b), secs(b - a), PowerPart::Signed);
        for (i, slot) in slots.iter().enumerate() {
            let (sa, sb) = (a.max(slot.start), b.min(slot.end));
            if sa < sb {
                out.slot_wh[i] += area(seg.value_at(sa), seg.value_at(sb), secs(sb - sa), part) / 3600.0;
            }
        }
    }
    if cursor < window.end {
        out.uncovered.push(Window { start: cursor, end: window.end });
    }
    out
}

/// Area (W·s) under the line from `va` to `vb` over `seconds`, of the requested part.
fn area(va: f64, vb: f64, seconds: f64, part: PowerPart) -> f64 {
    let (pa, pb) = match part {
        PowerPart::Signed => return (va + vb) / 2.0 * seconds,
        PowerPart::Positive => (va, vb),
        PowerPart::Negative => (-va, -vb),
    };
    if pa >= 0.0 && pb >= 0.0 {
        (pa + pb) / 2.0 * seconds
    } else if pa <= 0.0 && pb <= 0.0 {
        0.0
    } else {
        // One sign change: the positive triangle on the side where the value is positive.
        let crossing = pa / (pa - pb); // share of the interval before the zero crossing
        if pa > 0.0 {
            pa * crossing * seconds / 2.0
        } else {
            pb * (1.0 - crossing) * seconds / 2.0
        }
    }
}
