//! CSV exports: UTF-8 with a byte-order mark (so Excel detects the encoding), CRLF, `,` or `;`
//! between fields, ISO-8601 dates, a fixed column order (documented in docs/settlement.md).
//! Every row names its station (code, name, id), period, state, version and content hash;
//! energy is in kWh with three decimals (from integer Wh), amounts exact decimal major units.

use crate::meta::{Delimiter, StatementMeta, StationLabel};
use crate::table::{amount, kwh, statement_rows};
use crate::ReportError;
use mgc_kernel::StationId;
use mgc_settlement::domain::money_fmt::{major_units, price_units};
use mgc_settlement::{settlement_content_hash, Settlement, SettlementVersion, Statement};

/// Columns of `GET /api/v1/exports/settlements.csv`, in order.
pub const SETTLEMENT_CSV_COLUMNS: [&str; 17] = [
    "station_code",
    "station_name",
    "station_id",
    "date",
    "settlement_id",
    "version",
    "state",
    "content_sha256",
    "currency",
    "tariff_id",
    "tariff_version",
    "direction",
    "band",
    "energy_kwh",
    "price_per_kwh",
    "amount",
    "note",
];

/// Columns of `GET /api/v1/statements/{id}.csv`, in order.
pub const STATEMENT_CSV_COLUMNS: [&str; 17] = [
    "station_code",
    "station_name",
    "station_id",
    "month",
    "version",
    "state",
    "content_sha256",
    "kind",
    "date",
    "reference",
    "direction",
    "band",
    "energy_kwh",
    "price_per_kwh",
    "amount",
    "currency",
    "note",
];

/// The byte-order mark every CSV export begins with.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

fn writer(delimiter: Delimiter) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).delimiter(delimiter.byte()).from_writer(BOM.to_vec())
}

fn done(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ReportError> {
    w.into_inner().map_err(|e| ReportError(e.to_string()))
}

fn err(e: csv::Error) -> ReportError {
    ReportError(e.to_string())
}

fn names(station: Option<StationLabel<'_>>) -> [String; 2] {
    station.map(|s| [s.code.to_owned(), s.name.to_owned()]).unwrap_or_default()
}

/// One row per settled day, direction and band; one row for an unpriced day (with the reason).
/// `station` names each row's station (empty when it is not known any more).
pub fn settlements_csv<'a>(
    items: &[(Settlement, SettlementVersion)],
    station: impl Fn(StationId) -> Option<StationLabel<'a>>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ReportError> {
    let mut w = writer(delimiter);
    w.write_record(SETTLEMENT_CSV_COLUMNS).map_err(err)?;
    for (s, v) in items {
        let [code, name] = names(station(s.station_id));
        let head = [
            code,
            name,
            s.station_id.to_string(),
            s.day.to_string(),
            s.id.to_string(),
            s.version.to_string(),
            s.state.as_str().to_owned(),
            settlement_content_hash(s, v),
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
                    kwh(l.wh),
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

/// The statement table (day rows per direction and band, adjustments, totals), each row led by
/// the statement's station, month, version, state and content hash.
pub fn statement_csv(
    s: &Statement,
    station: Option<StationLabel<'_>>,
    delimiter: Delimiter,
) -> Result<Vec<u8>, ReportError> {
    let meta = StatementMeta::of(s);
    let [code, name] = names(station);
    let head =
        [code, name, s.station_id.to_string(), s.month.clone(), s.version.to_string(), s.state.to_string(), meta.hash];
    let mut w = writer(delimiter);
    w.write_record(STATEMENT_CSV_COLUMNS).map_err(err)?;
    for r in statement_rows(s) {
        let mut row = head.to_vec();
        row.extend([
            r.kind.to_owned(),
            r.date.map(|d| d.to_string()).unwrap_or_default(),
            r.reference,
            r.direction.to_owned(),
            r.band,
            r.energy_wh.map(kwh).unwrap_or_default(),
            r.price,
            amount(s, r.amount_minor),
            s.content.currency.to_string(),
            r.note,
        ]);
        w.write_record(&row).map_err(err)?;
    }
    done(w)
}
