//! One station hour from raw samples: point figures of every device point, energy per flow
//! in 15-minute slots, coverage and quality, and the counters' cycle highs it hands on.
//!
//! A series counts for an hour once it has a sample before the hour's end: an hour before a
//! device's first sample does not name it (the device was not there yet); an hour after its
//! last sample names it as `no data`.

use super::carry::{Carries, Highs, MeterCarry};
use super::flows::{sources, Flow, Source};
use super::integrate::{integrate_power, Integrated};
use super::meter::{high_before, integrate_meter};
use super::point_stats::{coverage_of, point_figures, quality_reason, PointFigures, PointKind};
use super::samples::Sample;
use super::slots::{quarter_slots, round_cumulative};
use chrono::Duration;
use mgc_contracts::{EnergySlot, FlowEnergy};
use mgc_kernel::{DeviceId, Window};
use std::collections::BTreeMap;

/// A device of the station and its kind (`meter`, `pv_inverter`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRef {
    /// Device.
    pub id: DeviceId,
    /// Kind name as masterdata spells it.
    pub kind: String,
}

/// Settings of the energy calculation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyRules {
    /// Longest time between two samples that is still integrated.
    pub max_gap: Duration,
    /// Modulus at which cumulative meters wrap, when known.
    pub rollover_wh: Option<f64>,
}

/// Samples of each (device, point), clean and in time order.
pub type SeriesMap = BTreeMap<(DeviceId, String), Vec<Sample>>;

/// What one hour of a station came to.
#[derive(Debug, Clone, PartialEq)]
pub struct HourFigures {
    /// Figures per device point (catalogue points only).
    pub points: Vec<(DeviceId, String, PointFigures)>,
    /// Station energy per flow.
    pub energy: FlowEnergy,
    /// Energy per 15-minute slot.
    pub slots: Vec<EnergySlot>,
    /// Mean coverage of the flow sources used (0 when there is none).
    pub coverage: f64,
    /// Quality reasons of the sources below full coverage.
    pub quality: Option<String>,
    /// The cycle highs of the station's counters, as the hour started and ended.
    pub carries: Carries,
}

/// Computes `window` (one hour) for `devices` from `series` (each cut to the samples inside
/// plus one on either side), the counters starting from `highs_in` (what the hour before ended
/// with; a counter without one starts from its first reading).
#[must_use]
pub fn compute_hour(
    window: &Window,
    devices: &[DeviceRef],
    series: &SeriesMap,
    rules: &EnergyRules,
    highs_in: &Highs,
) -> HourFigures {
    let slots = quarter_slots(window);
    let counts = |v: &Vec<Sample>| v.first().is_some_and(|s| s.ts < window.end);
    let mut carries = Carries::new();
    for (key, samples) in series.iter().filter(|(_, v)| counts(v)) {
        if PointKind::of(&key.1) == Some(PointKind::Meter) && devices.iter().any(|d| d.id == key.0) {
            let high_in = highs_in.get(key).copied().filter(|_| samples.first().is_some_and(|s| s.ts < window.start));
            let high_out = high_before(samples, rules.rollover_wh, high_in, window.end);
            carries.insert(key.clone(), MeterCarry { high_in, high_out });
        }
    }
    let high_in = |device: DeviceId, point: &str| carries.get(&(device, point.to_owned())).and_then(|c| c.high_in);
    let mut points = Vec::new();
    for ((device, point), samples) in series.iter().filter(|(_, v)| counts(v)) {
        let Some(kind) = PointKind::of(point) else { continue };
        if devices.iter().any(|d| d.id == *device) {
            let (figures, _) =
                point_figures(samples, &slots, kind, rules.max_gap, rules.rollover_wh, high_in(*device, point));
            points.push((*device, point.clone(), figures));
        }
    }
    let mut slot_energy = vec![FlowEnergy::default(); slots.len()];
    let mut coverages = Vec::new();
    let mut reasons = Vec::new();
    for device in devices {
        for flow in Flow::ALL {
            let Some((source, samples)) = sources(&device.kind, flow)
                .iter()
                .find_map(|s| series.get(&(device.id, s.point().to_owned())).filter(|v| counts(v)).map(|v| (s, v)))
            else {
                continue;
            };
            let integrated = integrate_source(source, samples, &slots, rules, high_in(device.id, source.point()));
            for (slot, wh) in slot_energy.iter_mut().zip(round_cumulative(&integrated.slot_wh)) {
                flow.add_to(slot, wh);
            }
            coverages.push(coverage_of(&integrated, window));
            if let Some(reason) = quality_reason(&integrated, window) {
                reasons.push(format!("{}/{}: {reason}", device.id, source.point()));
            }
        }
    }
    reasons.sort();
    reasons.dedup();
    let energy = slot_energy.iter().fold(FlowEnergy::default(), |acc, e| acc.plus(e));
    let coverage = if coverages.is_empty() { 0.0 } else { coverages.iter().sum::<f64>() / coverages.len() as f64 };
    let quality = if coverages.is_empty() {
        Some("no data".to_owned())
    } else if reasons.is_empty() {
        None
    } else {
        Some(reasons.join("; "))
    };
    let slots =
        slots.iter().zip(slot_energy).map(|(w, energy)| EnergySlot { start: w.start, end: w.end, energy }).collect();
    HourFigures { points, energy, slots, coverage, quality, carries }
}

fn integrate_source(
    source: &Source,
    samples: &[Sample],
    slots: &[Window],
    rules: &EnergyRules,
    high_in: Option<f64>,
) -> Integrated {
    match source {
        Source::Meter(_) => integrate_meter(samples, slots, rules.max_gap, rules.rollover_wh, high_in),
        Source::Power(_, part) => integrate_power(samples, slots, rules.max_gap, *part),
    }
}
