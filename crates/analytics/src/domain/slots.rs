//! 15-minute slots of a window and the rounding of fractional energy to whole Wh.

use chrono::Duration;
use mgc_kernel::Window;

/// Length of a settlement slot.
pub const SLOT_MINUTES: i64 = 15;

/// Consecutive 15-minute slots from the window start; the last one is shorter when the
/// window is not a multiple of 15 minutes (only where a UTC-offset change clips an hour).
#[must_use]
pub fn quarter_slots(window: &Window) -> Vec<Window> {
    let step = Duration::minutes(SLOT_MINUTES);
    let mut slots = Vec::with_capacity(4);
    let mut start = window.start;
    while start < window.end {
        let end = (start + step).min(window.end);
        slots.push(Window { start, end });
        start = end;
    }
    slots
}

/// Rounds fractional Wh to integers so that every prefix sum is the rounded prefix sum of the
/// exact values: the total is the exact total rounded once (half away from zero), and no slot
/// is off by more than one Wh.
#[must_use]
pub fn round_cumulative(values: &[f64]) -> Vec<i64> {
    let mut exact = 0.0;
    let mut emitted: i64 = 0;
    values
        .iter()
        .map(|v| {
            exact += if v.is_finite() { *v } else { 0.0 };
            let target = exact.round() as i64; // `as` saturates; never panics
            let slot = target.saturating_sub(emitted);
            emitted = target;
            slot
        })
        .collect()
}
