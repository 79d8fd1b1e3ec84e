//! CSV exports: UTF-8 with a byte-order mark (so Excel detects the encoding), ISO-8601 dates,
//! a fixed column order (documented in docs/settlement.md), amounts as exact decimal major units.

use crate::table::{amount, statement_rows};
use crate::ReportError;
use mgc_settlement::domain::money_fmt::{major_units, price_units};
use mgc_settlement::{Settlement, SettlementVersion, Statement};

/// Columns of `GET /api/v1/exports/settlements.csv`, in order.
pub const SETTLEMENT_CSV_COLUMNS: [&str; 14] = [
    "station_id",
    "date",
    "settlement_id",
    "version",
    "state",
    "currency",
    "tariff_id",
    "tariff_version",
    "direction",
    "band",
    "energy_wh",
    "price_per_kwh",
    "amount",
    "note",
];

/// Columns of `GET /api/v1/statements/{id}.csv`, in order.
pub const STATEMENT_CSV_COLUMNS: [&str; 10] =
    ["kind", "date", "reference", "direction", "band", "energy_wh", "price_per_kwh", "amount", "currency", "note"];

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec())
}

fn done(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ReportError> {
    w.into_inner().map_err(|e| ReportError(e.to_string()))
}

fn err(e: csv::Error) -> ReportError {
    ReportError(e.to_string())
}

/// One row per settled day, direction and band; one row for an unpriced day (with the reason).
pub fn settlements_csv(items: &[(Settlement, SettlementVersion)]) -> Result<Vec<u8>, ReportError> {
    let mut w = writer();
    w.write_record(SETTLEMENT_CSV_COLUMNS).map_err(err)?;
    for (s, v) in items {
        let head = [
            s.station_id.to_string(),
            s.day.to_string(),
            s.id.to_string(),
            s.version.to_string(),
            s.state.as_str().to_owned(),
        ];
        let (Some(f), Some(t)) = (&v.figures, v.tariff) else {
            let mut row = head.to_vec();
            row.extend(["", "", "", "", "", "", "", ""].map(String::from));
            row.push(v.unpriced_reason.clone().unwrap_or_default());
            w.write_record(&row).map_err(err)?;
            continue;
        };
        for (direction, lines) in [("import", &f.import), ("export", &f.export)] {
            for l in lines {
                let mut row = head.to_vec();
                row.extend([
                    f.currency.to_string(),
                    t.tariff_id.to_string(),
                    t.tariff_version.to_string(),
                    direction.to_owned(),
                    l.band.clone(),
                    l.wh.to_string(),
                    price_units(l.price_ten_thousandths, f.currency),
                    major_units(l.amount_minor, f.currency),
                    String::new(),
                ]);
                w.write_record(&row).map_err(err)?;
            }
        }
    }
    done(w)
}

/// The statement table: day rows per direction and band, adjustments, totals.
pub fn statement_csv(s: &Statement) -> Result<Vec<u8>, ReportError> {
    let mut w = writer();
    w.write_record(STATEMENT_CSV_COLUMNS).map_err(err)?;
    for r in statement_rows(s) {
        w.write_record([
            r.kind.to_owned(),
            r.date,
            r.reference,
            r.direction.to_owned(),
            r.band,
            r.energy_wh.map(|e| e.to_string()).unwrap_or_default(),
            r.price,
            amount(s, r.amount_minor),
            s.content.currency.to_string(),
            r.note,
        ])
        .map_err(err)?;
    }
    done(w)
}
