//! PDF of a shadow-run report: the run's header, a day table (import, peak and cost of both
//! sides, savings, cycles) and the totals, on A4 pages in the built-in Helvetica fonts.

use crate::pdf::{blank, line, render, Line, MARGIN};
use crate::shadow_table::{currency_of, money, report_of};
use crate::table::kwh;
use crate::ReportError;
use mgc_strategy::ShadowRun;

const COLS: [f32; 7] = [50.0, 120.0, 190.0, 260.0, 330.0, 410.0, 490.0];

fn row(bold: bool, values: [String; 7]) -> Line {
    let cells: Vec<(f32, String)> = COLS.iter().copied().zip(values).collect();
    line(bold, 8.0, &cells)
}

/// The report of a finished run as a PDF document.
pub fn shadow_pdf(run: &ShadowRun) -> Result<Vec<u8>, ReportError> {
    let r = report_of(run)?;
    let currency = currency_of(r)?;
    let cur = currency.map(|c| c.code().to_owned()).unwrap_or_default();
    let b = &run.spec.battery;
    let mut out = vec![
        line(true, 16.0, &[(MARGIN, format!("Shadow run: {}", run.spec.strategy.type_name()))]),
        line(false, 10.0, &[(MARGIN, format!("Station {}", run.spec.station_id))]),
        line(
            false,
            10.0,
            &[(MARGIN, format!("{} to {} (local days), step {} s", run.spec.from, run.spec.to, run.spec.step_s))],
        ),
        line(
            false,
            9.0,
            &[(
                MARGIN,
                format!(
                    "Battery {} Wh, charge {} W, discharge {} W, efficiency {}, initial SOC {} %",
                    b.capacity_wh, b.max_charge_w, b.max_discharge_w, b.efficiency, b.initial_soc
                ),
            )],
        ),
        line(false, 8.0, &[(MARGIN, format!("Run {} - amounts in {cur}", run.id))]),
        blank(),
        row(
            true,
            ["Date", "Base kWh", "Base peak W", "Base cost", "Strat kWh", "Strat peak W", "Strat cost"]
                .map(String::from),
        ),
    ];
    for d in &r.days {
        out.push(row(
            false,
            [
                d.date.to_string(),
                kwh(d.baseline.import_wh),
                d.baseline.peak_demand_w.to_string(),
                money(d.baseline.net_cost_minor, currency),
                kwh(d.strategy.import_wh),
                d.strategy.peak_demand_w.to_string(),
                if d.priced { money(d.strategy.net_cost_minor, currency) } else { "unpriced".to_owned() },
            ],
        ));
    }
    out.push(blank());
    out.push(row(
        true,
        ["Date", "Savings", "Peak cut W", "Cycles", "SOC min %", "SOC max %", "Gap min"].map(String::from),
    ));
    for d in &r.days {
        out.push(row(
            false,
            [
                d.date.to_string(),
                money(d.savings_minor, currency),
                d.peak_reduction_w.to_string(),
                format!("{:.4}", d.battery.cycles),
                format!("{:.2}", d.battery.soc_min),
                format!("{:.2}", d.battery.soc_max),
                d.gap_minutes.to_string(),
            ],
        ));
    }
    let t = &r.totals;
    out.push(blank());
    out.push(line(
        false,
        10.0,
        &[(MARGIN, format!("Baseline cost: {} {cur}", money(t.baseline.net_cost_minor, currency)))],
    ));
    out.push(line(
        false,
        10.0,
        &[(MARGIN, format!("Strategy cost: {} {cur}", money(t.strategy.net_cost_minor, currency)))],
    ));
    out.push(line(false, 10.0, &[(MARGIN, format!("Peak reduction: {} W", t.peak_reduction_w))]));
    out.push(line(false, 10.0, &[(MARGIN, format!("Battery cycles: {:.4}", t.battery.cycles))]));
    out.push(line(false, 10.0, &[(MARGIN, format!("Unpriced days: {}", t.unpriced_days))]));
    out.push(line(true, 12.0, &[(MARGIN, format!("Savings: {} {cur}", money(Some(t.savings_minor), currency)))]));
    render(&out)
}
