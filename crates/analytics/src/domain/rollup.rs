//! Day, month and year figures from the finer windows they contain (current versions).
//!
//! Energy is the integer sum; coverage is the duration-weighted mean over the whole window
//! (a missing child counts as uncovered); means are weighted by covered time.

use super::point_stats::PointFigures;
use super::samples::secs;
use super::statistic::{PointStat, StationStat};
use mgc_contracts::{FlowEnergy, SourceVersion};
use mgc_kernel::{DeviceId, Window};
use std::collections::BTreeMap;

/// Station figures of `window` rolled up from `children` (in time order).
#[derive(Debug, Clone, PartialEq)]
pub struct RolledUp {
    /// Sum of the children's energy.
    pub energy: FlowEnergy,
    /// Duration-weighted coverage over the whole window.
    pub coverage: f64,
    /// Children below full coverage (and missing time), if any.
    pub quality: Option<String>,
    /// The children's versions.
    pub sources: Vec<SourceVersion>,
}

/// Rolls `children` up into `window`.
#[must_use]
pub fn roll_up_station(window: &Window, children: &[StationStat]) -> RolledUp {
    let energy = children.iter().fold(FlowEnergy::default(), |acc, c| acc.plus(&c.energy));
    let total = secs(window.duration());
    let covered: f64 = children.iter().map(|c| c.coverage * secs(c.window.duration())).sum();
    let coverage = if total > 0.0 { (covered / total).clamp(0.0, 1.0) } else { 0.0 };
    let incomplete: Vec<String> = children
        .iter()
        .filter(|c| c.coverage < 1.0)
        .map(|c| format!("{} ({:.0}%)", c.period, c.coverage * 100.0))
        .collect();
    let present: f64 = children.iter().map(|c| secs(c.window.duration())).sum();
    let mut reasons = Vec::new();
    if present + 0.5 < total {
        reasons.push(format!("{:.0} h without statistics", (total - present) / 3600.0));
    }
    if !incomplete.is_empty() {
        let more = incomplete.len().saturating_sub(5);
        let mut listed = incomplete.into_iter().take(5).collect::<Vec<_>>().join(", ");
        if more > 0 {
            listed.push_str(&format!(" and {more} more"));
        }
        reasons.push(format!("incomplete: {listed}"));
    }
    RolledUp {
        energy,
        coverage,
        quality: (!reasons.is_empty()).then(|| reasons.join("; ")),
        sources: children
            .iter()
            .map(|c| SourceVersion { period: c.period.clone(), start: c.window.start, version: c.version })
            .collect(),
    }
}

/// Point figures of `window` rolled up from the children's point figures, per device point.
#[must_use]
pub fn roll_up_points(window: &Window, children: &[PointStat]) -> Vec<(DeviceId, String, PointFigures)> {
    let mut groups: BTreeMap<(DeviceId, &str), Vec<&PointStat>> = BTreeMap::new();
    for c in children {
        groups.entry((c.device_id, c.point.as_str())).or_default().push(c);
    }
    let total = secs(window.duration());
    groups
        .into_iter()
        .map(|((device, point), mut parts)| {
            parts.sort_by_key(|p| p.window.start);
            let covered = |p: &PointStat| p.figures.coverage * secs(p.window.duration());
            let covered_total: f64 = parts.iter().map(|p| covered(p)).sum();
            let weighted_mean: f64 = parts.iter().filter_map(|p| p.figures.mean.map(|m| m * covered(p))).sum();
            let has_mean = parts.iter().any(|p| p.figures.mean.is_some());
            let energies: Vec<i64> = parts.iter().filter_map(|p| p.figures.energy_wh).collect();
            let incomplete = parts.iter().filter(|p| p.figures.coverage < 1.0).count();
            let figures = PointFigures {
                count: parts.iter().map(|p| p.figures.count).sum(),
                min: parts.iter().filter_map(|p| p.figures.min).reduce(f64::min),
                max: parts.iter().filter_map(|p| p.figures.max).reduce(f64::max),
                mean: (has_mean && covered_total > 0.0).then(|| weighted_mean / covered_total),
                first: parts.iter().find_map(|p| p.figures.first),
                last: parts.iter().rev().find_map(|p| p.figures.last),
                energy_wh: (!energies.is_empty()).then(|| energies.iter().fold(0_i64, |a, b| a.saturating_add(*b))),
                coverage: if total > 0.0 { (covered_total / total).clamp(0.0, 1.0) } else { 0.0 },
                quality: (incomplete > 0 || covered_total + 0.5 < total)
                    .then(|| format!("{incomplete} of {} windows incomplete", parts.len())),
            };
            (device, point.to_owned(), figures)
        })
        .collect()
}
