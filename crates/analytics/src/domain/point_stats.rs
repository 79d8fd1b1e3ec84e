//! Statistics of one point of one device over one window: count, min, max, time-weighted
//! mean, first/last, energy where the point measures it, coverage and the data-quality reason.

use super::integrate::{integrate_power, Integrated, PowerPart};
use super::meter::integrate_meter;
use super::samples::{secs, Sample};
use super::slots::round_cumulative;
use chrono::Duration;
use mgc_contracts::points::{lookup_point, PointNature};
use mgc_kernel::Window;
use serde::{Deserialize, Serialize};

/// How a point's energy is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointKind {
    /// Instantaneous power in W: energy is its integral.
    Power,
    /// Cumulative meter in Wh: energy is its growth.
    Meter,
    /// Anything else numeric (voltage, SoC, temperature): no energy.
    Other,
}

impl PointKind {
    /// The kind of a semantic point; `None` when the point is not in the catalogue.
    #[must_use]
    pub fn of(point: &str) -> Option<PointKind> {
        let def = lookup_point(point)?;
        Some(match (def.nature, def.unit) {
            (PointNature::Cumulative, _) => PointKind::Meter,
            (PointNature::Instantaneous, "W") => PointKind::Power,
            _ => PointKind::Other,
        })
    }
}

/// Figures of one point over one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointFigures {
    /// Samples inside the window.
    pub count: i64,
    /// Smallest sample inside the window.
    pub min: Option<f64>,
    /// Largest sample inside the window.
    pub max: Option<f64>,
    /// Time-weighted mean over the covered time (none for meters and without coverage).
    pub mean: Option<f64>,
    /// First sample inside the window.
    pub first: Option<f64>,
    /// Last sample inside the window.
    pub last: Option<f64>,
    /// Energy in Wh (power: signed integral; meter: consumption); none for other points.
    pub energy_wh: Option<i64>,
    /// Share of the window backed by data, 0.0 ..= 1.0.
    pub coverage: f64,
    /// Why coverage is below 100 %.
    pub quality: Option<String>,
}

/// Computes the figures of `samples` (clean; may include one reading before and after the
/// window) over `slots` of one window, a meter's cycle starting from `high_in` (see
/// [`increments`](super::meter::increments)); also returns the energy per slot in whole Wh.
#[must_use]
pub fn point_figures(
    samples: &[Sample],
    slots: &[Window],
    kind: PointKind,
    max_gap: Duration,
    rollover_wh: Option<f64>,
    high_in: Option<f64>,
) -> (PointFigures, Vec<i64>) {
    let window = match (slots.first(), slots.last()) {
        (Some(f), Some(l)) => Window { start: f.start, end: l.end },
        _ => return (empty_figures(), Vec::new()),
    };
    let inside: Vec<f64> = samples.iter().filter(|s| window.contains(s.ts)).map(|s| s.value).collect();
    let integrated = match kind {
        PointKind::Meter => integrate_meter(samples, slots, max_gap, rollover_wh, high_in),
        PointKind::Power | PointKind::Other => integrate_power(samples, slots, max_gap, PowerPart::Signed),
    };
    let slot_wh = round_cumulative(&integrated.slot_wh);
    let covered = secs(integrated.covered);
    let coverage = coverage_of(&integrated, &window);
    let figures = PointFigures {
        count: inside.len() as i64,
        min: inside.iter().copied().reduce(f64::min),
        max: inside.iter().copied().reduce(f64::max),
        mean: (kind != PointKind::Meter && covered > 0.0).then(|| integrated.signed_area_ws / covered),
        first: inside.first().copied(),
        last: inside.last().copied(),
        energy_wh: (kind != PointKind::Other).then(|| slot_wh.iter().sum()),
        coverage,
        quality: quality_reason(&integrated, &window),
    };
    (figures, slot_wh)
}

/// Share of `window` covered by `integrated`.
#[must_use]
pub fn coverage_of(integrated: &Integrated, window: &Window) -> f64 {
    let total = secs(window.duration());
    if total <= 0.0 {
        return 0.0;
    }
    (secs(integrated.covered) / total).clamp(0.0, 1.0)
}

/// `None` at full coverage; otherwise "no data" or the uncovered intervals (at most three named).
#[must_use]
pub fn quality_reason(integrated: &Integrated, window: &Window) -> Option<String> {
    if integrated.uncovered.is_empty() {
        return None;
    }
    if integrated.covered <= Duration::zero() {
        return Some("no data".to_owned());
    }
    let named: Vec<String> = integrated
        .uncovered
        .iter()
        .take(3)
        .map(|w| {
            let kind = if w.start == window.start {
                "no data before"
            } else if w.end == window.end {
                "no data after"
            } else {
                "gap"
            };
            format!(
                "{kind} {}–{} ({} min)",
                w.start.format("%H:%M:%SZ"),
                w.end.format("%H:%M:%SZ"),
                (w.duration().num_seconds() as f64 / 60.0).round()
            )
        })
        .collect();
    let more = integrated.uncovered.len().saturating_sub(3);
    let mut reason = named.join("; ");
    if more > 0 {
        reason.push_str(&format!("; {more} more"));
    }
    Some(reason)
}

fn empty_figures() -> PointFigures {
    PointFigures {
        count: 0,
        min: None,
        max: None,
        mean: None,
        first: None,
        last: None,
        energy_wh: None,
        coverage: 0.0,
        quality: Some("no data".to_owned()),
    }
}
