//! A shadow-run report as rows shared by the CSV, XLSX and PDF renderings: one row per local
//! day, then the run's totals. Costs are exact decimals of integer minor units.

use crate::ReportError;
use mgc_kernel::Currency;
use mgc_settlement::domain::money_fmt::major_units;
use mgc_strategy::domain::shadow::report::{BatteryFigures, GridFigures};
use mgc_strategy::{ShadowReport, ShadowRun};

/// Columns of `GET /api/v1/shadow-runs/{id}/report.csv`, in order (docs/shadow-runs.md).
pub const SHADOW_CSV_COLUMNS: [&str; 22] = [
    "row",
    "date",
    "priced",
    "currency",
    "baseline_import_wh",
    "baseline_export_wh",
    "baseline_peak_w",
    "baseline_cost",
    "strategy_import_wh",
    "strategy_export_wh",
    "strategy_peak_w",
    "strategy_cost",
    "savings",
    "peak_reduction_w",
    "battery_charged_wh",
    "battery_discharged_wh",
    "battery_cycles",
    "soc_min_pct",
    "soc_max_pct",
    "soc_end_pct",
    "curtailed_wh",
    "gap_minutes",
];

/// The finished report of `run`, or why there is none.
pub(crate) fn report_of(run: &ShadowRun) -> Result<&ShadowReport, ReportError> {
    run.report.as_ref().ok_or_else(|| ReportError(format!("shadow run {} has no report", run.id)))
}

/// The run's currency (of its first priced day).
pub(crate) fn currency_of(r: &ShadowReport) -> Result<Option<Currency>, ReportError> {
    r.totals.currency.as_deref().map(|c| Currency::parse(c).map_err(|e| ReportError(e.to_string()))).transpose()
}

/// `minor` as decimal major units, empty when absent.
pub(crate) fn money(minor: Option<i64>, currency: Option<Currency>) -> String {
    match (minor, currency) {
        (Some(m), Some(c)) => major_units(m, c),
        (Some(m), None) => m.to_string(),
        _ => String::new(),
    }
}

fn side(g: &GridFigures, currency: Option<Currency>) -> [String; 4] {
    [g.import_wh.to_string(), g.export_wh.to_string(), g.peak_demand_w.to_string(), money(g.net_cost_minor, currency)]
}

fn battery(b: &BatteryFigures) -> [String; 6] {
    [
        b.charged_wh.to_string(),
        b.discharged_wh.to_string(),
        format!("{:.4}", b.cycles),
        format!("{:.2}", b.soc_min),
        format!("{:.2}", b.soc_max),
        format!("{:.2}", b.soc_end),
    ]
}

/// Day rows then the total row, each with the cells of [`SHADOW_CSV_COLUMNS`].
pub(crate) fn shadow_rows(r: &ShadowReport) -> Result<Vec<Vec<String>>, ReportError> {
    let currency = currency_of(r)?;
    let code = currency.map(|c| c.code().to_owned()).unwrap_or_default();
    let mut rows = Vec::with_capacity(r.days.len() + 1);
    for d in &r.days {
        let mut row = vec!["day".to_owned(), d.date.to_string(), d.priced.to_string(), code.clone()];
        row.extend(side(&d.baseline, currency));
        row.extend(side(&d.strategy, currency));
        row.push(money(d.savings_minor, currency));
        row.push(d.peak_reduction_w.to_string());
        row.extend(battery(&d.battery));
        row.push(d.curtailed_wh.to_string());
        row.push(d.gap_minutes.to_string());
        rows.push(row);
    }
    let t = &r.totals;
    let mut row =
        vec!["total".to_owned(), String::new(), (t.unpriced_days == 0 && t.days > 0).to_string(), code.clone()];
    row.extend(side(&t.baseline, currency));
    row.extend(side(&t.strategy, currency));
    row.push(money(Some(t.savings_minor), currency));
    row.push(t.peak_reduction_w.to_string());
    row.extend(battery(&t.battery));
    row.push(t.curtailed_wh.to_string());
    row.push(t.gap_minutes.to_string());
    rows.push(row);
    Ok(rows)
}
