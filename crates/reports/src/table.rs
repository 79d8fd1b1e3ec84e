//! The statement as rows shared by the CSV, XLSX and PDF renderings.

use chrono::NaiveDate;
use mgc_settlement::domain::money_fmt::{major_units, price_units};
use mgc_settlement::{BandLine, Statement};

/// One row of the statement table (the CSV columns, in order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// `day`, `adjustment` or `total`.
    pub kind: &'static str,
    /// Local date (absent on totals).
    pub date: Option<NaiveDate>,
    /// Settlement `id vN` or adjustment id.
    pub reference: String,
    /// `import`, `export` or `net`.
    pub direction: &'static str,
    /// Band name (empty on adjustments and totals).
    pub band: String,
    /// Energy in Wh (absent where not applicable).
    pub energy_wh: Option<i64>,
    /// Price per kWh as an exact decimal.
    pub price: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Free text (adjustment reason).
    pub note: String,
}

fn band_rows(
    rows: &mut Vec<Row>,
    date: NaiveDate,
    reference: &str,
    direction: &'static str,
    lines: &[BandLine],
    s: &Statement,
) {
    for l in lines {
        rows.push(Row {
            kind: "day",
            date: Some(date),
            reference: reference.to_owned(),
            direction,
            band: l.band.clone(),
            energy_wh: Some(l.wh),
            price: price_units(l.price_ten_thousandths, s.content.currency),
            amount_minor: l.amount_minor,
            note: String::new(),
        });
    }
}

/// Day rows (per direction and band), adjustment rows, then the totals.
pub(crate) fn statement_rows(s: &Statement) -> Vec<Row> {
    let mut rows = Vec::new();
    for d in &s.content.days {
        let date = d.date;
        let reference = format!("{} v{}", d.settlement_id, d.settlement_version);
        band_rows(&mut rows, date, &reference, "import", &d.import, s);
        band_rows(&mut rows, date, &reference, "export", &d.export, s);
    }
    for a in &s.content.adjustments {
        for (direction, amount) in [("import", a.import_cost_minor), ("export", a.export_revenue_minor)] {
            rows.push(Row {
                kind: "adjustment",
                date: Some(a.date),
                reference: a.adjustment_id.to_string(),
                direction,
                band: String::new(),
                energy_wh: None,
                price: String::new(),
                amount_minor: amount,
                note: a.reason.clone(),
            });
        }
    }
    let t = &s.content.totals;
    for (direction, energy, amount) in [
        ("import", Some(t.import_wh), t.import_cost_minor),
        ("export", Some(t.export_wh), t.export_revenue_minor),
        ("net", None, t.net_minor),
    ] {
        rows.push(Row {
            kind: "total",
            date: None,
            reference: String::new(),
            direction,
            band: String::new(),
            energy_wh: energy,
            price: String::new(),
            amount_minor: amount,
            note: String::new(),
        });
    }
    rows
}

/// Exact decimal of `minor` in the statement's currency.
pub(crate) fn amount(s: &Statement, minor: i64) -> String {
    major_units(minor, s.content.currency)
}

/// Wh as exact kWh with three decimals (`12345` → `12.345`).
pub(crate) fn kwh(wh: i64) -> String {
    let sign = if wh < 0 { "-" } else { "" };
    let abs = wh.unsigned_abs();
    format!("{sign}{}.{:03}", abs / 1000, abs % 1000)
}
