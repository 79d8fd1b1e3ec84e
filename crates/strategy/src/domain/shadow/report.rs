//! The shadow-run report: per local day and over the run, baseline against strategy — grid
//! import/export (Wh), peak demand (largest 15-minute average import, W), cost under the
//! station's tariff (minor units), savings, peak reduction, battery throughput and cycles.

use super::replay::SimulatedDay;
use super::slots::{peak_import_w, total};
use crate::domain::ports::DayCost;
use chrono::NaiveDate;
use mgc_contracts::EnergySlot;
use serde::{Deserialize, Serialize};

/// Grid figures of one side (baseline or strategy) of a day or run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridFigures {
    /// Energy drawn from the grid (Wh).
    pub import_wh: i64,
    /// Energy fed into the grid (Wh).
    pub export_wh: i64,
    /// Largest 15-minute average import (W).
    pub peak_demand_w: i64,
    /// Import cost (minor units), when priced.
    pub import_cost_minor: Option<i64>,
    /// Export revenue (minor units), when priced.
    pub export_revenue_minor: Option<i64>,
    /// Import cost − export revenue (minor units), when priced.
    pub net_cost_minor: Option<i64>,
}

/// Battery figures of a day or run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatteryFigures {
    /// Energy put into the battery from the AC side (Wh).
    pub charged_wh: i64,
    /// Energy taken out of the battery (Wh).
    pub discharged_wh: i64,
    /// Equivalent full cycles: discharged Wh / capacity.
    pub cycles: f64,
    /// Lowest state of charge (%).
    pub soc_min: f64,
    /// Highest state of charge (%).
    pub soc_max: f64,
    /// State of charge at the end (%).
    pub soc_end: f64,
}

/// One local day of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayReport {
    /// Local date.
    pub date: NaiveDate,
    /// False when no tariff prices the day (costs and savings absent).
    pub priced: bool,
    /// History as it was.
    pub baseline: GridFigures,
    /// Under the strategy.
    pub strategy: GridFigures,
    /// Baseline net cost − strategy net cost (minor units), when priced.
    pub savings_minor: Option<i64>,
    /// Baseline peak − strategy peak (W).
    pub peak_reduction_w: i64,
    /// The simulated battery.
    pub battery: BatteryFigures,
    /// PV energy curtailed by the strategy (Wh).
    pub curtailed_wh: i64,
    /// Minutes without a usable grid reading (left out of both sides).
    pub gap_minutes: i64,
}

/// Figures over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunTotals {
    /// Days replayed.
    pub days: u32,
    /// Days no tariff priced (their energy counts, their cost does not).
    pub unpriced_days: u32,
    /// Currency of the costs (of the first priced day), if any day was priced.
    pub currency: Option<String>,
    /// History as it was (peak: the largest day peak).
    pub baseline: GridFigures,
    /// Under the strategy.
    pub strategy: GridFigures,
    /// Sum of the priced days' savings (minor units).
    pub savings_minor: i64,
    /// Baseline peak − strategy peak over the run (W).
    pub peak_reduction_w: i64,
    /// Battery over the run (SOC bounds over all days, end of the last day).
    pub battery: BatteryFigures,
    /// PV curtailed (Wh).
    pub curtailed_wh: i64,
    /// Minutes without a usable grid reading.
    pub gap_minutes: i64,
}

/// The full report of a finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowReport {
    /// Per local day.
    pub days: Vec<DayReport>,
    /// Over the run.
    pub totals: RunTotals,
}

fn side(slots: &[EnergySlot], cost: Option<&DayCost>) -> GridFigures {
    GridFigures {
        import_wh: total(slots, |e| e.grid_import_wh),
        export_wh: total(slots, |e| e.grid_export_wh),
        peak_demand_w: peak_import_w(slots),
        import_cost_minor: cost.map(|c| c.import_cost_minor),
        export_revenue_minor: cost.map(|c| c.export_revenue_minor),
        net_cost_minor: cost.map(|c| c.net_minor),
    }
}

/// Rounds a percentage or ratio for the report (4 decimals).
fn r4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// The report of one simulated day, priced with `costs` (baseline, strategy) when a tariff
/// prices it; `capacity_wh` turns throughput into cycles.
#[must_use]
pub fn day_report(sim: &SimulatedDay, costs: Option<(DayCost, DayCost)>, capacity_wh: i64) -> DayReport {
    let baseline = side(&sim.baseline, costs.as_ref().map(|c| &c.0));
    let strategy = side(&sim.strategy, costs.as_ref().map(|c| &c.1));
    let discharged_wh = total(&sim.strategy, |e| e.battery_discharge_wh);
    DayReport {
        date: sim.day,
        priced: costs.is_some(),
        savings_minor: costs.as_ref().map(|(b, s)| b.net_minor - s.net_minor),
        peak_reduction_w: baseline.peak_demand_w - strategy.peak_demand_w,
        baseline,
        strategy,
        battery: BatteryFigures {
            charged_wh: total(&sim.strategy, |e| e.battery_charge_wh),
            discharged_wh,
            cycles: r4(discharged_wh as f64 / capacity_wh.max(1) as f64),
            soc_min: r4(sim.soc_min),
            soc_max: r4(sim.soc_max),
            soc_end: r4(sim.soc_end),
        },
        curtailed_wh: sim.curtailed_wh,
        gap_minutes: sim.gap_minutes,
    }
}

fn add_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

fn add_side(acc: &mut GridFigures, d: &GridFigures) {
    acc.import_wh = acc.import_wh.saturating_add(d.import_wh);
    acc.export_wh = acc.export_wh.saturating_add(d.export_wh);
    acc.peak_demand_w = acc.peak_demand_w.max(d.peak_demand_w);
    acc.import_cost_minor = add_opt(acc.import_cost_minor, d.import_cost_minor);
    acc.export_revenue_minor = add_opt(acc.export_revenue_minor, d.export_revenue_minor);
    acc.net_cost_minor = add_opt(acc.net_cost_minor, d.net_cost_minor);
}

/// The run's totals over its days (`currency` of the first priced day).
#[must_use]
pub fn totals(days: &[DayReport], currency: Option<String>, capacity_wh: i64) -> RunTotals {
    let mut t = RunTotals {
        days: u32::try_from(days.len()).unwrap_or(u32::MAX),
        unpriced_days: 0,
        currency,
        baseline: GridFigures::default(),
        strategy: GridFigures::default(),
        savings_minor: 0,
        peak_reduction_w: 0,
        battery: BatteryFigures::default(),
        curtailed_wh: 0,
        gap_minutes: 0,
    };
    for (i, d) in days.iter().enumerate() {
        t.unpriced_days += u32::from(!d.priced);
        add_side(&mut t.baseline, &d.baseline);
        add_side(&mut t.strategy, &d.strategy);
        t.savings_minor = t.savings_minor.saturating_add(d.savings_minor.unwrap_or(0));
        t.battery.charged_wh = t.battery.charged_wh.saturating_add(d.battery.charged_wh);
        t.battery.discharged_wh = t.battery.discharged_wh.saturating_add(d.battery.discharged_wh);
        if i == 0 {
            (t.battery.soc_min, t.battery.soc_max) = (d.battery.soc_min, d.battery.soc_max);
        }
        t.battery.soc_min = t.battery.soc_min.min(d.battery.soc_min);
        t.battery.soc_max = t.battery.soc_max.max(d.battery.soc_max);
        t.battery.soc_end = d.battery.soc_end;
        t.curtailed_wh = t.curtailed_wh.saturating_add(d.curtailed_wh);
        t.gap_minutes += d.gap_minutes;
    }
    t.peak_reduction_w = t.baseline.peak_demand_w - t.strategy.peak_demand_w;
    t.battery.cycles = r4(t.battery.discharged_wh as f64 / capacity_wh.max(1) as f64);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: u32, priced: bool, base_net: i64, strat_net: i64, peak: (i64, i64)) -> DayReport {
        let side = |net: i64, peak: i64| GridFigures {
            import_wh: 1_000,
            export_wh: 0,
            peak_demand_w: peak,
            import_cost_minor: priced.then_some(net),
            export_revenue_minor: priced.then_some(0),
            net_cost_minor: priced.then_some(net),
        };
        DayReport {
            date: NaiveDate::from_ymd_opt(2026, 2, date).unwrap(),
            priced,
            baseline: side(base_net, peak.0),
            strategy: side(strat_net, peak.1),
            savings_minor: priced.then_some(base_net - strat_net),
            peak_reduction_w: peak.0 - peak.1,
            battery: BatteryFigures {
                charged_wh: 500,
                discharged_wh: 400,
                cycles: 0.004,
                soc_min: 40.0 + f64::from(date),
                soc_max: 60.0 + f64::from(date),
                soc_end: 50.0 + f64::from(date),
            },
            curtailed_wh: 0,
            gap_minutes: 1,
        }
    }

    #[test]
    fn given_a_priced_and_an_unpriced_day_when_totalled_then_savings_count_priced_days_only() {
        let t = totals(
            &[day(1, true, 1_000, 800, (50_000, 40_000)), day(2, false, 0, 0, (70_000, 45_000))],
            Some("CNY".into()),
            100_000,
        );
        assert_eq!((t.days, t.unpriced_days, t.savings_minor), (2, 1, 200));
        assert_eq!((t.baseline.net_cost_minor, t.strategy.net_cost_minor), (Some(1_000), Some(800)));
        assert_eq!((t.baseline.import_wh, t.gap_minutes), (2_000, 2));
        // Peaks over the run are the largest day peaks, then compared.
        assert_eq!((t.baseline.peak_demand_w, t.strategy.peak_demand_w, t.peak_reduction_w), (70_000, 45_000, 25_000));
        assert_eq!((t.battery.discharged_wh, t.battery.cycles), (800, 0.008));
        assert_eq!((t.battery.soc_min, t.battery.soc_max, t.battery.soc_end), (41.0, 62.0, 52.0));
    }
}
